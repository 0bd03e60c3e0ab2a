import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData } from '@tanstack/react-query';
import { useRpcQuery } from '../../api/hooks';

/** Results as the operator types: a short debounce, the previous answer kept while the next loads. */
export function useBorrowerSearch(query: string, limit = 20) {
  const [debounced] = useDebouncedValue(query.trim(), 120);
  const search = useRpcQuery('borrowers:search', { query: debounced, limit }, { enabled: debounced.length > 0, placeholderData: keepPreviousData, staleTime: 10_000 });
  return { ...search, active: debounced.length > 0, settled: debounced === query.trim() && !search.isFetching };
}

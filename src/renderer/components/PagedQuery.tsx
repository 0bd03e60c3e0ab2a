import { Loader, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

/**
 * A paged list query's states in one place: a loader while it runs, the error with a retry, the
 * empty-state sentence when it has no rows, else `children` with the loaded page.
 */
export function PagedQuery<Page extends { rows: readonly unknown[] }>({
  query,
  empty,
  children,
}: {
  query: UseQueryResult<Page, unknown>;
  empty: string;
  children: (page: Page) => ReactNode;
}) {
  if (query.isPending) return <Loader size="sm" mt="sm" />;
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data.rows.length === 0) {
    return (
      <Text size="sm" c="dimmed" mt="sm">
        {empty}
      </Text>
    );
  }
  return <>{children(query.data)}</>;
}

import { Alert, Kbd, Loader, Paper, Stack, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { borrowerQueryMaxLength } from '../../../shared/contracts/borrowers';
import { LengthCounter } from '../../components/LengthCounter';
import { useI18n } from '../../i18n/I18nProvider';
import { BorrowerResultRow } from './BorrowerResults';
import { useBorrowerSearch } from './useBorrowerSearch';

/** Support's one search box: name, phone, ID number (or its last digits), user id, loan or application number. */
export function BorrowerSearchPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const search = useBorrowerSearch(query);
  const results = search.active ? (search.data?.results ?? []) : [];
  const open = (borrowerId: number) => navigate(`/borrowers/${borrowerId}`);

  return (
    <>
      <PageHeader title={t('borrowers.title')} description={<>{t('borrowers.description')} <Kbd size="xs">Ctrl</Kbd> + <Kbd size="xs">K</Kbd></>} />
      <Stack maw={820}>
        <TextInput
          size="md"
          autoFocus
          data-autofocus
          leftSection={search.isFetching ? <Loader size={16} /> : <IconSearch size={18} />}
          placeholder={t('borrowers.placeholder')}
          aria-label={t('borrowers.searchLabel')}
          value={query}
          maxLength={borrowerQueryMaxLength}
          rightSectionWidth={72}
          rightSection={<LengthCounter value={query} max={borrowerQueryMaxLength} testId="borrower-search-count" />}
          onChange={(event) => {
            setQuery(event.currentTarget.value);
            setActive(0);
          }}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown') setActive((index) => Math.min(results.length - 1, index + 1));
            if (event.key === 'ArrowUp') setActive((index) => Math.max(0, index - 1));
            const chosen = results[active];
            if (event.key === 'Enter' && chosen) open(chosen.borrowerId);
          }}
          data-testid="borrower-search"
        />
        {search.isError && <ErrorAlert error={search.error} />}
        {search.active && search.settled && results.length === 0 && !search.isError && (
          <Alert color="gray" variant="light">
            {t('borrowers.noResults')}
          </Alert>
        )}
        {results.length > 0 && (
          <Paper withBorder p={4}>
            <Stack gap={2} role="listbox" aria-label={t('borrowers.results')}>
              {results.map((result, index) => (
                <BorrowerResultRow key={result.borrowerId} result={result} active={index === active} onOpen={() => open(result.borrowerId)} />
              ))}
            </Stack>
            {search.data?.truncated && (
              <Text size="xs" c="dimmed" p="xs">
                {t('borrowers.truncated')}
              </Text>
            )}
          </Paper>
        )}
        {!search.active && (
          <Text size="sm" c="dimmed">
            {t('borrowers.hint')}
          </Text>
        )}
      </Stack>
    </>
  );
}

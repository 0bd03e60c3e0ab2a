import { Kbd, Loader, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useSession } from '../../auth/SessionProvider';
import { borrowerQueryMaxLength } from '../../../shared/contracts/borrowers';
import { LengthCounter } from '../../components/LengthCounter';
import { useI18n } from '../../i18n/I18nProvider';
import { BorrowerResultRow } from './BorrowerResults';
import { useBorrowerSearch } from './useBorrowerSearch';

/** The global borrower search (Ctrl/Cmd+K), for operators allowed to look borrowers up. */
export function BorrowerPalette() {
  const { can } = useSession();
  if (!can('borrowers:lookup')) return null;
  return <Palette />;
}

function Palette() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const search = useBorrowerSearch(query, 8);
  const results = search.active ? (search.data?.results ?? []) : [];
  // Works while typing in other inputs too: the shortcut is the point.
  useHotkeys([['mod+K', () => setOpened(true)]], []);
  const close = () => {
    setOpened(false);
    setQuery('');
    setActive(0);
  };
  const open = (borrowerId: number) => {
    close();
    navigate(`/borrowers/${borrowerId}`);
  };

  return (
    <Modal opened={opened} onClose={close} withCloseButton={false} size="lg" yOffset="10vh" padding="xs" aria-label={t('borrowers.palette')}>
      <TextInput
        data-autofocus
        size="md"
        variant="unstyled"
        leftSection={search.isFetching ? <Loader size={16} /> : <IconSearch size={18} />}
        placeholder={t('borrowers.placeholder')}
        aria-label={t('borrowers.searchLabel')}
        value={query}
        maxLength={borrowerQueryMaxLength}
        rightSectionWidth={72}
        rightSection={<LengthCounter value={query} max={borrowerQueryMaxLength} testId="palette-search-count" />}
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
        data-testid="palette-search"
      />
      <Stack gap={2} mt={4}>
        {results.map((result, index) => (
          <BorrowerResultRow key={result.borrowerId} result={result} active={index === active} onOpen={() => open(result.borrowerId)} />
        ))}
        {search.active && search.settled && results.length === 0 && (
          <Text size="sm" c="dimmed" p="xs">
            {t('borrowers.noResults')}
          </Text>
        )}
        {!search.active && (
          <Text size="xs" c="dimmed" p="xs">
            {t('borrowers.paletteHint')} <Kbd size="xs">↑</Kbd> <Kbd size="xs">↓</Kbd> <Kbd size="xs">Enter</Kbd>
          </Text>
        )}
      </Stack>
    </Modal>
  );
}

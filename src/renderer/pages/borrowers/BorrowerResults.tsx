import { Badge, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import type { BorrowerSearchResult } from '../../../shared/contracts/borrowers';
import { useI18n } from '../../i18n/I18nProvider';

/** One search result: masked identity, what matched, and whether the borrower is overdue. */
export function BorrowerResultRow({ result, active, onOpen }: { result: BorrowerSearchResult; active?: boolean; onOpen(): void }) {
  const { t } = useI18n();
  return (
    <UnstyledButton
      onClick={onOpen}
      data-testid="borrower-result"
      p="xs"
      w="100%"
      style={{ borderRadius: 4, background: active ? 'var(--mantine-color-default-hover)' : undefined }}
    >
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={0}>
          <Group gap="xs">
            <Text fw={600}>{result.nameMasked}</Text>
            <Text size="sm" ff="monospace">
              {result.phoneMasked}
            </Text>
            <Text size="sm" ff="monospace" c="dimmed">
              {result.idNumberMasked}
            </Text>
          </Group>
          <Text size="xs" c="dimmed">
            {t(`borrowers.match.${result.matchedOn}`)}
            {result.matchedReference ? ` · ${result.matchedReference}` : ''} · {result.platformUserId}
          </Text>
        </Stack>
        <Group gap={4} wrap="nowrap">
          <Badge variant="light" color="gray" size="sm">
            {t('borrowers.openLoans', { count: result.openLoanCount })}
          </Badge>
          {result.maxDpd > 0 && (
            <Badge color="red" size="sm">
              {t('borrowers.overdueDays', { days: result.maxDpd })}
            </Badge>
          )}
        </Group>
      </Group>
    </UnstyledButton>
  );
}

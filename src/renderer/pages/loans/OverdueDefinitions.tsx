import { Anchor, Group, Paper, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { LoansDashboard } from '../../../shared/contracts/portfolio';
import { formatCount } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';

/**
 * The dashboard shows three overdue counts that differ on purpose; each is defined here, in one
 * place, and opens the loans it counts: days past due computed by CreditDesk (grace included),
 * the same past the grace period (buckets M1 to M3+), and the institution's own OVERDUE status.
 */
export function OverdueDefinitions({ data, list }: { data: LoansDashboard; list(filter: Record<string, string | number | undefined>): string }) {
  const { t, locale } = useI18n();
  const pastGrace = data.buckets.filter((bucket) => bucket.bucket !== 'M0').reduce((sum, bucket) => sum + bucket.loanCount, 0);
  const reported = data.byStatus.filter((row) => row.status === 'OVERDUE').reduce((sum, row) => sum + row.loanCount, 0);
  const rows = [
    { key: 'computed', count: data.overdue.loanCount, to: list({ scope: 'open', flag: 'overdue' }) },
    // No one filter lists M1 to M3+ together; each bucket card below opens its own loans.
    { key: 'pastGrace', count: pastGrace, to: null },
    { key: 'reported', count: reported, to: list({ status: 'OVERDUE' }) },
  ] as const;
  return (
    <Paper withBorder p="xs" radius="sm" data-testid="overdue-definitions">
      <Text size="xs" fw={600} mb={2}>
        {t('loans.overdueDefs.title')}
      </Text>
      <Stack gap={2}>
        {rows.map((row) => (
          <Group key={row.key} gap={6} wrap="nowrap" align="baseline">
            {row.to === null ? (
              <Text size="sm" fw={700} w={56} ta="right" style={{ fontVariantNumeric: 'tabular-nums', flex: 'none' }} data-testid={`overdue-def-${row.key}`}>
                {formatCount(row.count, locale)}
              </Text>
            ) : (
              <Anchor component={Link} to={row.to} size="sm" fw={700} w={56} ta="right" style={{ fontVariantNumeric: 'tabular-nums', flex: 'none' }} data-testid={`overdue-def-${row.key}`}>
                {formatCount(row.count, locale)}
              </Anchor>
            )}
            <Text size="xs" c="dimmed">
              {t(`loans.overdueDefs.${row.key}`)}
            </Text>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

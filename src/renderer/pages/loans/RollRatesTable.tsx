import { Badge, Table, Text } from '@mantine/core';
import type { LoansDashboard } from '../../../shared/contracts/portfolio';
import { formatCount, formatFen, formatFenCompact } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import classes from './portfolio.module.css';
import { formatRatio } from './shared';

type Row = LoansDashboard['rollRates'][number];
type Rate = Row['currentToM1'];

/**
 * Roll rates with their denominators: each rate says the balance it is a share of and how many
 * loans stood in the from-bucket at the previous month-end. A rate over fewer loans than the
 * `rollRateMinimumCohortLoans` setting is greyed out (one loan moves it by 1/n).
 */
export function RollRatesTable({ rows, minimumLoans, onRolled }: { rows: readonly Row[]; minimumLoans: number; onRolled(monthEnd: string, from: string, to: string): void }) {
  const { t, locale } = useI18n();
  const rateCell = (row: Row, rate: Rate, loans: number, from: string, to: string, testId: string) => {
    const tiny = loans < minimumLoans;
    return (
      <Table.Td
        ta="right"
        className={classes.cellLink}
        onClick={() => onRolled(row.monthEnd, from, to)}
        title={`${formatFen(rate.numeratorFen, locale)} / ${formatFen(rate.denominatorFen, locale)}${tiny ? ` · ${t('loans.roll.tinyHint', { count: formatCount(loans, locale), minimum: formatCount(minimumLoans, locale) })}` : ''}`}
        data-testid={`${testId}-${row.monthEnd}`}
        data-tiny={tiny || undefined}
      >
        <Text size="xs" fw={tiny ? 400 : 600} c={tiny ? 'dimmed' : undefined} style={{ fontVariantNumeric: 'tabular-nums' }}>
          {formatRatio(rate.ratio)}
        </Text>
        <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
          {t('loans.roll.of', { balance: formatFenCompact(rate.denominatorFen, locale), count: formatCount(loans, locale) })}
        </Text>
      </Table.Td>
    );
  };
  const anyTiny = rows.some((row) => row.cohortLoans.current < minimumLoans || row.cohortLoans.m1 < minimumLoans);
  return (
    <>
      <Table withTableBorder fz="xs" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('loans.monthEnd')}</Table.Th>
            <Table.Th ta="right">C→M1</Table.Th>
            <Table.Th ta="right">M1→M2</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...rows].reverse().map((row) => (
            <Table.Tr key={row.monthEnd}>
              <Table.Td>{row.monthEnd.slice(0, 7)}</Table.Td>
              {rateCell(row, row.currentToM1, row.cohortLoans.current, 'M0', 'M1', 'roll-c1')}
              {rateCell(row, row.m1ToM2, row.cohortLoans.m1, 'M1', 'M2', 'roll-m12')}
              <Table.Td>
                {row.reconstructed && (
                  <Badge size="xs" variant="outline" color="gray">
                    {t('portfolio.reconstructed')}
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt={4}>
        {t('loans.roll.denominators')}
        {anyTiny ? ` ${t('loans.roll.tiny', { minimum: formatCount(minimumLoans, locale) })}` : ''}
      </Text>
    </>
  );
}

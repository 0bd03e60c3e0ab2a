import { Alert, Anchor, Badge, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { LoanDetail } from '../../../shared/contracts/portfolio';
import { useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatBps, formatDateTime, formatFen } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { labelOf } from '../../i18n/translate';
import { isNotFound, NotFoundPage, routeId } from '../NotFound.page';
import { BucketBadge, LineStateBadge, OrderStatusBadge } from './shared';

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={500} data-testid={testId} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {children}
      </Text>
    </div>
  );
}

/** Everything support and supervisors need about one loan, with the plan as booked (or why there is none). */
export function LoanDetailPage() {
  const { t, locale } = useI18n();
  const id = routeId(useParams().id);
  const detail = useRpcQuery('portfolio:loan-detail', { id: id ?? 0 }, { enabled: id !== null });
  if (id === null || isNotFound(detail.error)) return <NotFoundPage title={t('notFound.loan')} back={{ to: '/loans/list', label: t('notFound.toLoans') }} />;
  if (detail.isPending) return <Loader size="sm" />;
  if (detail.isError) return <ErrorAlert error={detail.error} onRetry={() => void detail.refetch()} />;
  const { loan, line } = detail.data;
  const fen = (value: number | null) => formatFen(value, locale);
  const percent = (rate: string) => `${(Number(rate) * 100).toFixed(4).replace(/0+$/, '').replace(/\.$/, '')}%`;

  return (
    <>
      <PageHeader
        title={`${t('loans.detail.title')} ${loan.externalId}`}
        description={
          <Group gap="xs" component="span">
            <span>{loan.institution.name}</span>
            <span>·</span>
            <span>{loan.productCode}</span>
            {loan.borrowerId !== null && (
              <>
                <span>·</span>
                <Anchor component={Link} to={`/borrowers/${loan.borrowerId}`} size="sm">
                  {loan.borrowerNameMasked ?? t('loans.borrower')}
                </Anchor>
              </>
            )}
          </Group>
        }
        actions={
          <Group gap="xs">
            <OrderStatusBadge status={loan.status} />
            <span data-testid="loan-dpd">
              <BucketBadge bucket={loan.bucket} dpd={loan.dpd} inGrace={loan.inGrace} status={loan.status} />
            </span>
          </Group>
        }
      />
      <Stack gap="md">
        <Paper withBorder p="md">
          <SimpleGrid cols={{ base: 2, md: 4, lg: 6 }} spacing="md">
            <Field label={t('loans.column.principal')}>{fen(loan.principalFen)}</Field>
            <Field label={t('loans.detail.received')}>{fen(loan.receivedFen)}</Field>
            <Field label={t('loans.column.outstanding')}>{fen(loan.outstandingPrincipalFen)}</Field>
            <Field label={t('loans.detail.term')}>{t('loans.detail.months', { count: loan.termMonths })}</Field>
            <Field label={t('loans.detail.method')}>{t(`loans.method.${loan.repaymentMethod}`)}</Field>
            <Field label={t('loans.column.disbursed')}>{formatDateTime(loan.disbursedAt, locale)}</Field>
            <Field label={t('loans.detail.monthlyRate')}>{percent(loan.monthlyInterestRate)}</Field>
            <Field label={t('loans.detail.penaltyRate')}>{percent(loan.penaltyDailyRate)}</Field>
            <Field label={t('loans.detail.declaredRate')}>{percent(loan.declaredAnnualRate)}</Field>
            <Field label={t('loans.detail.apr')} testId="loan-apr">
              <Text span c={loan.aprFlag === 'non_compliant' ? 'red' : loan.aprFlag === 'warning' ? 'orange' : undefined} fw={600}>
                {formatBps(loan.aprNominalBps)}
              </Text>
              <Text span size="xs" c="dimmed">
                {` ${t('loans.detail.effective')} ${formatBps(loan.aprEffectiveBps)}`}
              </Text>
            </Field>
            <Field label={t('loans.detail.aprBasis')}>{loan.aprBasis ? t(`loans.aprBasis.${loan.aprBasis}`) : t('loans.flag.apr_unknown')}</Field>
            <Field label={t('loans.detail.nextDue')}>{loan.nextDueDate ? `${loan.nextDueDate} · ${fen(loan.nextDueFen)}` : '—'}</Field>
          </SimpleGrid>
          {loan.aprFlag !== 'ok' && loan.aprFlag !== 'unknown' && (
            <Alert mt="sm" color={loan.aprFlag === 'non_compliant' ? 'red' : 'yellow'} icon={<IconAlertTriangle size={16} />} p="xs">
              <Text size="xs">{t(`loans.aprFlagNote.${loan.aprFlag}`)}</Text>
            </Alert>
          )}
          <Text size="xs" c="dimmed" mt="xs">
            {t('loans.aprBasisNote')}
          </Text>
        </Paper>

        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <Paper withBorder p="md">
            <Title order={6} mb="xs">
              {t('loans.detail.overdue')}
            </Title>
            <SimpleGrid cols={4} spacing="xs">
              <Field label={t('loans.overdue.principal')}>{fen(loan.overduePrincipalFen)}</Field>
              <Field label={t('loans.overdue.interest')}>{fen(loan.overdueInterestFen)}</Field>
              <Field label={t('loans.overdue.fee')}>{fen(loan.overdueFeeFen)}</Field>
              <Field label={t('loans.overdue.penalty')}>{fen(loan.overduePenaltyFen)}</Field>
            </SimpleGrid>
          </Paper>
          <Paper withBorder p="md">
            <Title order={6} mb="xs">
              {t('loans.detail.feesAndLine')}
            </Title>
            {loan.fees.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('loans.detail.noFees')}
              </Text>
            ) : (
              loan.fees.map((fee) => (
                <Text size="sm" key={`${fee.code}-${fee.collection}`}>
                  {fee.name} · {labelOf(t, 'loans.feeCollection', fee.collection)} · {fen(fee.amountFen)}
                </Text>
              ))
            )}
            <Group gap="xs" mt="xs">
              <Text size="sm" c="dimmed">
                {t('loans.detail.line')}
              </Text>
              {line ? (
                <>
                  <Anchor component={Link} to={`/lines/${line.id}`} size="sm" ff="monospace">
                    {line.externalId}
                  </Anchor>
                  <LineStateBadge state={line.state} />
                  <Text size="xs" c="dimmed">
                    {t(`lines.mode.${line.mode}`)} · {fen(line.limitFen)}
                  </Text>
                </>
              ) : (
                <Text size="sm">—</Text>
              )}
            </Group>
            {loan.bankCard && (
              <Text size="xs" c="dimmed" mt="xs">
                {t('loans.detail.card', { bank: loan.bankCard.bankName, card: loan.bankCard.cardNumberMasked })}
              </Text>
            )}
          </Paper>
        </SimpleGrid>

        <Plan detail={detail.data} />

        {detail.data.planDifferences.length > 0 && (
          <Paper withBorder p="md">
            <Title order={6} mb="xs" c="orange">
              {t('loans.detail.differences')}
            </Title>
            <Table fz="xs" withTableBorder data-testid="plan-differences">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('loans.detail.period')}</Table.Th>
                  <Table.Th>{t('loans.detail.field')}</Table.Th>
                  <Table.Th ta="right">{t('loans.detail.quoted')}</Table.Th>
                  <Table.Th ta="right">{t('loans.detail.booked')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {detail.data.planDifferences.map((difference) => (
                  <Table.Tr key={`${difference.period}-${difference.field}`}>
                    <Table.Td>{difference.period}</Table.Td>
                    <Table.Td>{labelOf(t, 'loans.difference', difference.field)}</Table.Td>
                    <Table.Td ta="right">{difference.field === 'due_date' ? difference.quotedDate : fen(difference.quotedFen)}</Table.Td>
                    <Table.Td ta="right">{difference.field === 'due_date' ? difference.bookedDate : fen(difference.bookedFen)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}

        <Paper withBorder p="md">
          <Title order={6} mb="xs">
            {t('loans.detail.repayments')}
          </Title>
          {detail.data.repayments.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('loans.detail.noRepayments')}
            </Text>
          ) : (
            <Table fz="xs" striped withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('loans.detail.paidAt')}</Table.Th>
                  <Table.Th ta="right">{t('loans.detail.amount')}</Table.Th>
                  <Table.Th>{t('loans.detail.channel')}</Table.Th>
                  <Table.Th>{t('loans.detail.kind')}</Table.Th>
                  <Table.Th>{t('loans.detail.allocation')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {detail.data.repayments.map((repayment) => (
                  <Table.Tr key={repayment.id}>
                    <Table.Td>{formatDateTime(repayment.paidAt, locale)}</Table.Td>
                    <Table.Td ta="right">{fen(repayment.amountFen)}</Table.Td>
                    <Table.Td>{labelOf(t, 'loans.channel', repayment.channel)}</Table.Td>
                    <Table.Td>{labelOf(t, 'loans.kind', repayment.kind)}</Table.Td>
                    <Table.Td>
                      {repayment.allocation
                        .map((part) => t('loans.detail.allocationPart', { period: part.period, amount: fen(part.principalFen + part.interestFen + part.feeFen + part.penaltyFen) }))
                        .join('; ')}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      </Stack>
    </>
  );
}

function Plan({ detail }: { detail: LoanDetail }) {
  const { t, locale } = useI18n();
  const fen = (value: number) => formatFen(value, locale);
  const { loan, installments } = detail;
  return (
    <Paper withBorder p="md">
      <Title order={6} mb="xs">
        {t('loans.detail.plan')}
      </Title>
      {installments === null ? (
        <Alert color={loan.planState === 'missing' ? 'gray' : 'blue'} icon={<IconInfoCircle size={16} />} data-testid="plan-missing">
          {loan.planState === 'missing' ? t('loans.detail.planMissing') : t('loans.detail.planAwaiting')}
        </Alert>
      ) : (
        <Table fz="xs" striped withTableBorder data-testid="plan">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('loans.detail.period')}</Table.Th>
              <Table.Th>{t('loans.detail.dueDate')}</Table.Th>
              <Table.Th ta="right">{t('loans.overdue.principal')}</Table.Th>
              <Table.Th ta="right">{t('loans.overdue.interest')}</Table.Th>
              <Table.Th ta="right">{t('loans.overdue.fee')}</Table.Th>
              <Table.Th ta="right">{t('loans.overdue.penalty')}</Table.Th>
              <Table.Th ta="right">{t('loans.detail.due')}</Table.Th>
              <Table.Th ta="right">{t('loans.detail.paid')}</Table.Th>
              <Table.Th>{t('loans.status')}</Table.Th>
              <Table.Th ta="right">DPD</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {installments.map((row) => {
              const due = row.principalFen + row.interestFen + row.feeFen + row.penaltyFen;
              const paid = row.paidPrincipalFen + row.paidInterestFen + row.paidFeeFen + row.paidPenaltyFen;
              return (
                <Table.Tr key={row.period} bg={row.dpd > 0 ? 'var(--mantine-color-red-light)' : undefined}>
                  <Table.Td>{row.period}</Table.Td>
                  <Table.Td>{row.dueDate}</Table.Td>
                  <Table.Td ta="right">{fen(row.principalFen)}</Table.Td>
                  <Table.Td ta="right">{fen(row.interestFen)}</Table.Td>
                  <Table.Td ta="right">{fen(row.feeFen)}</Table.Td>
                  <Table.Td ta="right">{fen(row.penaltyFen)}</Table.Td>
                  <Table.Td ta="right">{fen(due)}</Table.Td>
                  <Table.Td ta="right">{fen(paid)}</Table.Td>
                  <Table.Td>
                    <Badge size="xs" variant="light" color={row.status === 'paid' ? 'teal' : row.status === 'overdue' ? 'red' : 'gray'}>
                      {t(`loans.installment.${row.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right" fw={row.dpd > 0 ? 700 : undefined} c={row.dpd > 0 ? 'red' : undefined}>
                    {row.dpd}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

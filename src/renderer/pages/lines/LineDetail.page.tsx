import { Alert, Anchor, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { LineDetail } from '../../../shared/contracts/portfolio';
import { useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatFen } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { isNotFound, NotFoundPage, routeId } from '../NotFound.page';
import type { MessageKey } from '../../i18n/messages';
import { labelOf } from '../../i18n/translate';
import { BucketBadge, LineFlagBadges, LineStateBadge, OrderStatusBadge, toQuery } from '../loans/shared';

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {children}
      </Text>
    </div>
  );
}

/** Why a line allows what it allows: the derivation in words, from the figures below it. */
function explanation(detail: LineDetail, t: (key: MessageKey, params?: Record<string, string | number>) => string, fen: (value: number) => string): string[] {
  const { line, drawdowns } = detail;
  const open = drawdowns.filter((drawdown) => ['LOAN_SUCCESS', 'REPAYING', 'OVERDUE', 'AUDITING', 'AUDIT_PASS'].includes(drawdown.status));
  const reasons: string[] = [];
  if (line.mode === 'revolving') reasons.push(t('lines.why.revolvingUsed', { count: open.length, used: fen(line.usedFen) }));
  else reasons.push(line.state === 'consumed' ? t('lines.why.singleConsumed', { used: fen(line.usedFen) }) : t('lines.why.singleUnused'));
  const overdue = drawdowns.filter((drawdown) => drawdown.bucket !== 'M0' || drawdown.status === 'OVERDUE');
  switch (line.state) {
    case 'frozen':
      reasons.push(t('lines.why.frozen', { loans: overdue.map((drawdown) => drawdown.externalId).join(', ') || '—', remaining: fen(line.remainingLimitFen) }));
      break;
    case 'expired':
      reasons.push(t('lines.why.expired'));
      break;
    case 'exhausted':
      reasons.push(t('lines.why.exhausted'));
      break;
    case 'not_started':
      reasons.push(t('lines.why.notStarted'));
      break;
    case 'consumed':
      reasons.push(t('lines.why.consumed'));
      break;
    case 'active':
      reasons.push(t('lines.why.active', { available: fen(line.availableFen) }));
      break;
  }
  if (line.reported.frozenReason && line.reported.frozenReason !== 'overdue') reasons.push(t('lines.why.reportedFrozen', { reason: t(`lines.frozenReason.${line.reported.frozenReason}`) }));
  if (line.reported.availableFen !== line.availableFen || line.reported.usedFen !== line.usedFen) reasons.push(t('lines.why.differs'));
  return reasons;
}

export function LineDetailPage() {
  const { t, locale } = useI18n();
  const id = routeId(useParams().id);
  const detail = useRpcQuery('portfolio:line-detail', { id: id ?? 0 }, { enabled: id !== null });
  if (id === null || isNotFound(detail.error)) return <NotFoundPage title={t('notFound.line')} back={{ to: '/lines/list', label: t('notFound.toLines') }} />;
  if (detail.isPending) return <Loader size="sm" />;
  if (detail.isError) return <ErrorAlert error={detail.error} onRetry={() => void detail.refetch()} />;
  const { line, drawdowns, history } = detail.data;
  const fen = (value: number) => formatFen(value, locale);
  const fieldLabel = (field: string) => labelOf(t, 'lines.field', field);
  // History holds the reported fields as stored: amounts in fen, instants in epoch ms.
  const show = (field: string, input: unknown) => {
    if (input === null || input === undefined) return '—';
    if (typeof input === 'number' && field.endsWith('Fen')) return fen(input);
    if (typeof input === 'number' && (field === 'validFrom' || field === 'validTo' || field === 'grantedAt')) return formatDateTime(input, locale);
    if (typeof input === 'boolean') return input ? t('common.yes') : t('common.no');
    // Codes the institution reports are shown in words, as everywhere else on the page.
    const prefix = field === 'mode' ? 'lines.mode' : field === 'status' ? 'lines.reportedStatus' : field === 'frozenReason' ? 'lines.frozenReason' : null;
    return prefix === null ? String(input) : labelOf(t, prefix, String(input));
  };

  return (
    <>
      <PageHeader
        title={`${t('lines.detail.title')} ${line.externalId}`}
        description={
          <Group gap="xs" component="span">
            <span>{line.institution.name}</span>
            <span>·</span>
            <span>{t(`lines.mode.${line.mode}`)}</span>
            <span>·</span>
            <span>{line.productCode}</span>
            {line.borrowerId !== null && (
              <>
                <span>·</span>
                <Anchor component={Link} to={`/borrowers/${line.borrowerId}`} size="sm">
                  {line.borrowerNameMasked ?? t('loans.borrower')}
                </Anchor>
              </>
            )}
          </Group>
        }
        actions={
          <Group gap="xs">
            <LineStateBadge state={line.state} />
            <LineFlagBadges flags={line.flags} />
          </Group>
        }
      />
      <Stack gap="md">
        <Paper withBorder p="md">
          <SimpleGrid cols={{ base: 2, md: 4, lg: 7 }} spacing="md">
            <Figure label={t('lines.column.limit')}>{fen(line.limitFen)}</Figure>
            <Figure label={t('lines.column.used')}>{fen(line.usedFen)}</Figure>
            <Figure label={t('lines.column.available')}>{fen(line.availableFen)}</Figure>
            <Figure label={t('lines.detail.remaining')}>{fen(line.remainingLimitFen)}</Figure>
            <Figure label={t('lines.detail.validFrom')}>{formatDateTime(line.validFrom, locale)}</Figure>
            <Figure label={t('lines.column.validTo')}>{formatDateTime(line.validTo, locale)}</Figure>
            <Figure label={t('lines.detail.daysToExpiry')}>{line.daysToExpiry >= 0 ? t('lines.detail.days', { days: line.daysToExpiry }) : t('lines.state.expired')}</Figure>
          </SimpleGrid>
          <Alert mt="md" variant="light" icon={<IconInfoCircle size={16} />} title={t('lines.detail.why')} data-testid="line-why">
            {explanation(detail.data, t, fen).map((reason) => (
              <Text size="sm" key={reason}>
                {reason}
              </Text>
            ))}
          </Alert>
          <Table mt="md" fz="xs" withTableBorder maw={640}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                <Table.Th>{t('lines.detail.reported')}</Table.Th>
                <Table.Th>{t('lines.detail.derived')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <Table.Tr>
                <Table.Td>{t('lines.column.state')}</Table.Td>
                <Table.Td>{t(`lines.reportedStatus.${line.reported.status}`)}</Table.Td>
                <Table.Td>{t(`lines.state.${line.state}`)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>{t('lines.column.used')}</Table.Td>
                <Table.Td>{fen(line.reported.usedFen)}</Table.Td>
                <Table.Td>{fen(line.usedFen)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>{t('lines.column.available')}</Table.Td>
                <Table.Td>{fen(line.reported.availableFen)}</Table.Td>
                <Table.Td>{fen(line.availableFen)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>{t('lines.detail.frozenReason')}</Table.Td>
                <Table.Td>{line.reported.frozenReason ? t(`lines.frozenReason.${line.reported.frozenReason}`) : '—'}</Table.Td>
                <Table.Td>{line.flags.includes('frozen_overdue') ? t('lines.frozenReason.overdue') : '—'}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Text size="xs" c="dimmed" mt={4}>
            {t('lines.detail.syncedAt', { synced: formatDateTime(line.syncedAt, locale), derived: formatDateTime(line.derivedAt, locale), version: line.version })}
          </Text>
        </Paper>

        <Paper withBorder p="md">
          <Group justify="space-between" mb="xs">
            <Title order={6}>{t('lines.detail.drawdowns')}</Title>
            <Anchor component={Link} to={`/loans/list${toQuery({ creditLineId: line.id })}`} size="xs">
              {t('lines.detail.openInList')}
            </Anchor>
          </Group>
          {drawdowns.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('lines.detail.noDrawdowns')}
            </Text>
          ) : (
            <Table fz="xs" striped withTableBorder highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('loans.column.loan')}</Table.Th>
                  <Table.Th>{t('loans.status')}</Table.Th>
                  <Table.Th ta="right">{t('loans.column.principal')}</Table.Th>
                  <Table.Th ta="right">{t('loans.column.outstanding')}</Table.Th>
                  <Table.Th>{t('loans.column.dpd')}</Table.Th>
                  <Table.Th>{t('loans.column.disbursed')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {drawdowns.map((drawdown) => (
                  <Table.Tr key={drawdown.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/loans/${drawdown.id}`} size="xs" ff="monospace">
                        {drawdown.externalId}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <OrderStatusBadge status={drawdown.status} />
                    </Table.Td>
                    <Table.Td ta="right">{fen(drawdown.principalFen)}</Table.Td>
                    <Table.Td ta="right">{fen(drawdown.outstandingPrincipalFen)}</Table.Td>
                    <Table.Td>
                      <BucketBadge bucket={drawdown.bucket} dpd={drawdown.dpd} status={drawdown.status} />
                    </Table.Td>
                    <Table.Td>{formatDateTime(drawdown.disbursedAt, locale)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>

        <Paper withBorder p="md">
          <Title order={6} mb="xs">
            {t('lines.detail.history')}
          </Title>
          {history.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('lines.detail.noHistory')}
            </Text>
          ) : (
            <Timeline bulletSize={14} lineWidth={2}>
              {history.map((entry) => {
                // The first version the sync saw has nothing before it: its values, not "— → value".
                const first = entry.changes.every((change) => change.before === null || change.before === undefined);
                const seen = formatDateTime(entry.seenAt, locale);
                return (
                  <Timeline.Item key={`${entry.version}-${entry.seenAt}`} title={t(first ? 'lines.detail.firstVersion' : 'lines.detail.version', { version: entry.version, seen })}>
                    {entry.changes.map((change) => (
                      <Text size="xs" key={change.field}>
                        {fieldLabel(change.field)}
                        {': '}
                        {first ? show(change.field, change.after) : `${show(change.field, change.before)} → ${show(change.field, change.after)}`}
                      </Text>
                    ))}
                  </Timeline.Item>
                );
              })}
            </Timeline>
          )}
        </Paper>
      </Stack>
    </>
  );
}

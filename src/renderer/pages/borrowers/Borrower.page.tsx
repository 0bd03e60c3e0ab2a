import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Popover, SimpleGrid, Stack, Table, Tabs, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { notify } from '../../components/notify';
import { IconAlertTriangle, IconEye, IconShieldLock } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { revealPurposeMaxLength, type BorrowerPage } from '../../../shared/contracts/borrowers';
import { useInvalidateOn, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { useSession } from '../../auth/SessionProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LengthCounter } from '../../components/LengthCounter';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatFen } from '../../i18n/format';
import { useErrorText, useI18n } from '../../i18n/I18nProvider';
import { isNotFound, NotFoundPage, routeId } from '../NotFound.page';
import { BucketBadge, institutionName, LineFlagBadges, LineStateBadge, OrderStatusBadge } from '../loans/shared';

type Revealed = { name?: string; phone?: string; idNumber?: string };

function Identity({ page }: { page: BorrowerPage }) {
  const errorText = useErrorText();
  const { t, locale } = useI18n();
  const { can } = useSession();
  const [revealed, setRevealed] = useState<Revealed>({});
  const [asking, setAsking] = useState(false);
  const [purpose, setPurpose] = useState('');
  const [recordedPurpose, setRecordedPurpose] = useState('');
  const reveal = useRpcMutation('borrowers:reveal');
  const shown = revealed.name !== undefined;
  const purposeOk = purpose.trim() !== '' && purpose.length <= revealPurposeMaxLength;
  const doReveal = (given: string) =>
    reveal.mutate(
      { id: page.borrower.id, fields: ['name', 'phone', 'idNumber'], ...(given.trim() === '' ? {} : { purpose: given.trim() }) },
      {
        onSuccess: (data) => {
          setRevealed(data);
          setRecordedPurpose(given.trim());
          setAsking(false);
          setPurpose('');
        },
        onError: (error) => notify({ color: 'red', message: errorText(error) }),
      },
    );
  const row = (label: string, masked: string, clear: string | undefined, testId: string) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} ff={testId === 'name' ? undefined : 'monospace'} data-testid={`borrower-${testId}`}>
        {clear ?? masked}
      </Text>
    </div>
  );
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" align="flex-start">
        <SimpleGrid cols={{ base: 2, md: 5 }} spacing="md" style={{ flex: 1 }}>
          {row(t('borrowers.name'), page.borrower.nameMasked, revealed.name, 'name')}
          {row(t('borrowers.phone'), page.borrower.phoneMasked, revealed.phone, 'phone')}
          {row(t('borrowers.idNumber'), page.borrower.idNumberMasked, revealed.idNumber, 'id')}
          {row(t('borrowers.platformUserId'), page.borrower.platformUserId, undefined, 'user')}
          <div>
            <Tooltip label={t('borrowers.firstSeen.hint')} multiline w={260} withArrow>
              <Text size="xs" c="dimmed" style={{ cursor: 'help', textDecoration: 'underline dotted' }}>
                {t('borrowers.firstSeen')}
              </Text>
            </Tooltip>
            <Text size="sm" data-testid="borrower-first-seen">
              {formatDateTime(page.borrower.firstSeenAt, locale)}
            </Text>
          </div>
        </SimpleGrid>
        {can('pii:reveal') ? (
          shown ? (
            <Button size="xs" variant="default" leftSection={<IconShieldLock size={14} />} onClick={() => setRevealed({})}>
              {t('borrowers.hide')}
            </Button>
          ) : (
            <Popover opened={asking} onChange={setAsking} position="bottom-end" withArrow trapFocus shadow="md" width={300}>
              <Popover.Target>
                <Button
                  size="xs"
                  variant="light"
                  color="orange"
                  leftSection={<IconEye size={14} />}
                  loading={reveal.isPending && !asking}
                  data-testid="borrower-reveal"
                  onClick={() => (page.revealNeedsPurpose ? setAsking((open) => !open) : doReveal(''))}
                >
                  {t('borrowers.reveal')}
                </Button>
              </Popover.Target>
              <Popover.Dropdown>
                <form
                  onSubmit={(event) => {
                    event.preventDefault();
                    if (purposeOk) doReveal(purpose);
                  }}
                >
                  <Stack gap="xs">
                    <TextInput
                      size="xs"
                      label={t('borrowers.revealPurpose')}
                      description={t('borrowers.revealPurpose.hint')}
                      placeholder={t('borrowers.revealPurpose.placeholder')}
                      value={purpose}
                      onChange={(event) => setPurpose(event.currentTarget.value)}
                      rightSection={<LengthCounter value={purpose} max={revealPurposeMaxLength} />}
                      rightSectionWidth={60}
                      data-testid="reveal-purpose"
                      data-autofocus
                    />
                    <Group justify="flex-end" gap="xs">
                      <Button size="xs" variant="default" onClick={() => setAsking(false)}>
                        {t('common.cancel')}
                      </Button>
                      <Button size="xs" color="orange" type="submit" disabled={!purposeOk} loading={reveal.isPending} data-testid="reveal-confirm">
                        {t('borrowers.reveal')}
                      </Button>
                    </Group>
                  </Stack>
                </form>
              </Popover.Dropdown>
            </Popover>
          )
        ) : (
          <Text size="xs" c="dimmed">
            {t('borrowers.maskedOnly')}
          </Text>
        )}
      </Group>
      {shown && (
        <Text size="xs" c="orange" mt="xs">
          {recordedPurpose === '' ? t('borrowers.revealRecorded') : t('borrowers.revealRecordedWithPurpose', { purpose: recordedPurpose })}
        </Text>
      )}
      {!page.borrower.idValid && (
        <Alert mt="xs" color="red" p="xs" icon={<IconAlertTriangle size={14} />}>
          <Text size="xs">{t('borrowers.idInvalid')}</Text>
        </Alert>
      )}
    </Paper>
  );
}

function Figure({ label, children, color }: { label: string; children: ReactNode; color?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} c={color} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {children}
      </Text>
    </div>
  );
}

/** A borrower across institutions, for support answering the borrower's questions. */
export function BorrowerPageView() {
  const { t, locale } = useI18n();
  const id = routeId(useParams().id);
  const page = useRpcQuery('borrowers:get', { id: id ?? 0 }, { enabled: id !== null });
  useInvalidateOn('sync:data-changed', ['borrowers:get']);
  if (id === null || isNotFound(page.error)) return <NotFoundPage title={t('notFound.borrower')} back={{ to: '/borrowers', label: t('notFound.toBorrowers') }} />;
  if (page.isPending) return <Loader size="sm" />;
  if (page.isError) return <ErrorAlert error={page.error} onRetry={() => void page.refetch()} />;
  const data = page.data;
  const fen = (value: number | null) => formatFen(value, locale);
  const institution = (institutionId: number) => institutionName(data.institutions, institutionId);
  const overdueLoans = data.loans.filter((loan) => loan.dpd > 0 && ['LOAN_SUCCESS', 'REPAYING', 'OVERDUE'].includes(loan.status));
  // What the borrower owes past due across every institution: the first question support is asked.
  const overdueTotal = overdueLoans.reduce((sum, loan) => sum + loan.overdueFen, 0);

  return (
    <>
      <PageHeader title={`${t('borrowers.page.title')} ${data.borrower.nameMasked}`} description={t('borrowers.page.description', { count: new Set([...data.loans, ...data.lines, ...data.applications].map((entry) => entry.institutionId)).size })} />
      <Stack gap="md">
        <Identity page={data} />
        <Paper withBorder p="md">
          <SimpleGrid cols={{ base: 2, md: 6 }} spacing="md">
            <Figure label={t('borrowers.summary.open')}>{data.summary.openLoanCount}</Figure>
            <Figure label={t('borrowers.summary.outstanding')}>{fen(data.summary.outstandingPrincipalFen)}</Figure>
            <Figure label={t('borrowers.summary.nextDue')}>{data.summary.nextDueDate ? `${data.summary.nextDueDate} · ${fen(data.summary.nextDueFen)}` : '—'}</Figure>
            <Figure label={t('borrowers.summary.overdue')} color={data.summary.overdueLoanCount > 0 ? 'red' : undefined}>
              {data.summary.overdueLoanCount}
            </Figure>
            <Figure label={t('borrowers.summary.overdueTotal')} color={overdueTotal > 0 ? 'red' : undefined}>
              <span data-testid="borrower-overdue-total">{fen(overdueTotal)}</span>
            </Figure>
            <Figure label={t('borrowers.summary.maxDpd')} color={data.summary.maxDpd > 0 ? 'red' : undefined}>
              {data.summary.maxDpd}
            </Figure>
          </SimpleGrid>
          {overdueLoans.length > 0 && (
            <Alert mt="sm" color="red" p="xs" icon={<IconAlertTriangle size={16} />} data-testid="borrower-overdue">
              <Text size="sm">{t('borrowers.overdueAlert', { loans: overdueLoans.map((loan) => `${loan.externalId} (${institution(loan.institutionId)}, DPD ${loan.dpd})`).join('; ') })}</Text>
            </Alert>
          )}
        </Paper>

        <Tabs defaultValue="loans" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="loans">{t('borrowers.tab.loans', { count: data.loans.length })}</Tabs.Tab>
            <Tabs.Tab value="lines">{t('borrowers.tab.lines', { count: data.lines.length })}</Tabs.Tab>
            <Tabs.Tab value="applications">{t('borrowers.tab.applications', { count: data.applications.length })}</Tabs.Tab>
            <Tabs.Tab value="reviews">{t('borrowers.tab.reviews', { count: data.reviewTasks.length })}</Tabs.Tab>
          </Tabs.List>

          <Tabs.Panel value="loans" pt="xs">
            <Table fz="xs" striped withTableBorder highlightOnHover data-testid="borrower-loans">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('loans.column.loan')}</Table.Th>
                  <Table.Th>{t('portfolio.institution')}</Table.Th>
                  <Table.Th>{t('loans.status')}</Table.Th>
                  <Table.Th ta="right">{t('loans.column.principal')}</Table.Th>
                  <Table.Th ta="right">{t('loans.column.outstanding')}</Table.Th>
                  <Table.Th>{t('loans.column.dpd')}</Table.Th>
                  <Table.Th ta="right">{t('borrowers.overdueAmount')}</Table.Th>
                  <Table.Th>{t('loans.column.nextDue')}</Table.Th>
                  <Table.Th>{t('loans.detail.plan')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.loans.map((loan) => (
                  <Table.Tr key={loan.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/loans/${loan.id}`} size="xs" ff="monospace">
                        {loan.externalId}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{institution(loan.institutionId)}</Table.Td>
                    <Table.Td>
                      <OrderStatusBadge status={loan.status} />
                    </Table.Td>
                    <Table.Td ta="right">{fen(loan.principalFen)}</Table.Td>
                    <Table.Td ta="right">{fen(loan.outstandingPrincipalFen)}</Table.Td>
                    <Table.Td>
                      <BucketBadge bucket={loan.bucket} dpd={loan.dpd} inGrace={loan.inGrace} status={loan.status} />
                    </Table.Td>
                    <Table.Td ta="right" c={loan.overdueFen > 0 ? 'red' : undefined}>
                      {fen(loan.overdueFen)}
                    </Table.Td>
                    <Table.Td>{loan.nextDueDate ? `${loan.nextDueDate} · ${fen(loan.nextDueFen)}` : '—'}</Table.Td>
                    <Table.Td>{t(`loans.planState.${loan.planState}`)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {data.loans.length === 0 && <Text size="sm" c="dimmed" mt="xs">{t('borrowers.none')}</Text>}
          </Tabs.Panel>

          <Tabs.Panel value="lines" pt="xs">
            <Table fz="xs" striped withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('lines.column.line')}</Table.Th>
                  <Table.Th>{t('portfolio.institution')}</Table.Th>
                  <Table.Th>{t('lines.mode')}</Table.Th>
                  <Table.Th ta="right">{t('lines.column.limit')}</Table.Th>
                  <Table.Th ta="right">{t('lines.column.used')}</Table.Th>
                  <Table.Th ta="right">{t('lines.column.available')}</Table.Th>
                  <Table.Th>{t('lines.column.state')}</Table.Th>
                  <Table.Th>{t('lines.column.validTo')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.lines.map((line) => (
                  <Table.Tr key={line.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/lines/${line.id}`} size="xs" ff="monospace">
                        {line.externalId}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{institution(line.institutionId)}</Table.Td>
                    <Table.Td>{t(`lines.mode.${line.mode}`)}</Table.Td>
                    <Table.Td ta="right">{fen(line.limitFen)}</Table.Td>
                    <Table.Td ta="right">{fen(line.usedFen)}</Table.Td>
                    <Table.Td ta="right">{fen(line.availableFen)}</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <LineStateBadge state={line.state} />
                        <LineFlagBadges flags={line.flags} />
                      </Group>
                    </Table.Td>
                    <Table.Td>{formatDateTime(line.validTo, locale)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {data.lines.length === 0 && <Text size="sm" c="dimmed" mt="xs">{t('borrowers.none')}</Text>}
          </Tabs.Panel>

          <Tabs.Panel value="applications" pt="xs">
            <Table fz="xs" striped withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('borrowers.application')}</Table.Th>
                  <Table.Th>{t('portfolio.institution')}</Table.Th>
                  <Table.Th>{t('portfolio.product')}</Table.Th>
                  <Table.Th>{t('lines.mode')}</Table.Th>
                  <Table.Th ta="right">{t('borrowers.requested')}</Table.Th>
                  <Table.Th>{t('loans.status')}</Table.Th>
                  <Table.Th>{t('borrowers.appliedAt')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.applications.map((application) => (
                  <Table.Tr key={application.id}>
                    <Table.Td ff="monospace">{application.externalId}</Table.Td>
                    <Table.Td>{institution(application.institutionId)}</Table.Td>
                    <Table.Td>{application.productName}</Table.Td>
                    <Table.Td>{t(`lines.mode.${application.lineMode}`)}</Table.Td>
                    <Table.Td ta="right">{fen(application.requestedAmountFen)}</Table.Td>
                    <Table.Td>
                      <Badge size="xs" variant="light" color={application.status === 'APPROVED' ? 'teal' : application.status === 'REJECTED' ? 'red' : 'gray'}>
                        {t(`borrowers.applicationStatus.${application.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{formatDateTime(application.appliedAt, locale)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {data.applications.length === 0 && <Text size="sm" c="dimmed" mt="xs">{t('borrowers.none')}</Text>}
          </Tabs.Panel>

          <Tabs.Panel value="reviews" pt="xs">
            {data.reviewTasks.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('borrowers.none')}
              </Text>
            ) : (
              <Stack gap="xs">
                {data.reviewTasks.map((task) => (
                  <Paper withBorder p="sm" key={task.id}>
                    <Group justify="space-between">
                      <Group gap="xs">
                        <Anchor component={Link} to={`/review/task/${task.id}`} size="sm">
                          {t('borrowers.task', { queue: t(`borrowers.queue.${task.queue}`), id: task.id })}
                        </Anchor>
                        <Text size="xs" c="dimmed" ff="monospace">
                          {task.applicationExternalId} · {institution(task.institutionId)}
                        </Text>
                      </Group>
                      <Badge size="xs" variant="light">
                        {task.status}
                      </Badge>
                    </Group>
                    <Text size="xs" c="dimmed">
                      {task.findingCodes.join(', ')}
                    </Text>
                    {task.decisions.map((decision) => (
                      <Text size="xs" key={decision.id}>
                        {formatDateTime(decision.decidedAt, locale)} · {decision.operatorName ?? '—'} · {decision.action} ({decision.stage}, {decision.state}){decision.reasonCode ? ` · ${decision.reasonCode}` : ''}
                      </Text>
                    ))}
                  </Paper>
                ))}
              </Stack>
            )}
          </Tabs.Panel>
        </Tabs>
        <Title order={6} c="dimmed" fw={400} size="xs">
          {t('borrowers.updatedAt', { time: formatDateTime(data.borrower.updatedAt, locale) })}
        </Title>
      </Stack>
    </>
  );
}

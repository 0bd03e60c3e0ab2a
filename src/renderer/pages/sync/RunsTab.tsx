import { Badge, Select, Table } from '@mantine/core';
import { useState } from 'react';
import type { InstitutionSummary } from '../../../shared/contracts/institutions';
import type { SyncRun } from '../../../shared/contracts/sync';
import { useInvalidateOn, useRpcQuery } from '../../api/hooks';
import { PagedQuery } from '../../components/PagedQuery';
import { formatCount, formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { formatSeconds, Pager } from './shared';
import { SyncFailure } from './SyncFailure';
import { SyncProblems } from './SyncProblems';

const runColors: Record<SyncRun['status'], string> = { running: 'blue', succeeded: 'green', failed: 'red', cancelled: 'gray', incomplete: 'orange' };
const limit = 25;

export function InstitutionFilter({ institutions, value, onChange }: { institutions: InstitutionSummary[]; value: number | undefined; onChange(value: number | undefined): void }) {
  const { t } = useI18n();
  return (
    <Select
      size="xs"
      w={200}
      label={t('sync.filter.institution')}
      data={[{ value: '', label: t('sync.filter.all') }, ...institutions.map((institution) => ({ value: String(institution.id), label: `${institution.code} ${institution.name}` }))]}
      value={value === undefined ? '' : String(value)}
      onChange={(next) => onChange(next ? Number(next) : undefined)}
      allowDeselect={false}
    />
  );
}

/** The history of runs, newest first, paged in SQL. */
export function RunsTab({ institutions }: { institutions: InstitutionSummary[] }) {
  const { t, locale } = useI18n();
  const [institutionId, setInstitutionId] = useState<number | undefined>(undefined);
  const [offset, setOffset] = useState(0);
  const runs = useRpcQuery('sync:runs', { institutionId, limit, offset });
  useInvalidateOn('sync:state', ['sync:runs']);
  return (
    <>
      <InstitutionFilter
        institutions={institutions}
        value={institutionId}
        onChange={(value) => {
          setInstitutionId(value);
          setOffset(0);
        }}
      />
      <PagedQuery query={runs} empty={t('sync.runs.empty')}>
        {(page) => (
          <>
              <Table striped withTableBorder mt="sm" fz="xs" data-testid="sync-runs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('sync.filter.institution')}</Table.Th>
                    <Table.Th>{t('sync.runs.started')}</Table.Th>
                    <Table.Th>{t('sync.runs.duration')}</Table.Th>
                    <Table.Th>{t('sync.runs.trigger')}</Table.Th>
                    <Table.Th>{t('sync.runs.status')}</Table.Th>
                    <Table.Th ta="right">{t('sync.runs.fetched')}</Table.Th>
                    <Table.Th ta="right">{t('sync.runs.upserted')}</Table.Th>
                    <Table.Th ta="right">{t('sync.runs.quarantined')}</Table.Th>
                    <Table.Th>{t('sync.runs.error')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.rows.map((run) => (
                    <Table.Tr key={run.id}>
                      <Table.Td ff="monospace">{run.institutionCode}</Table.Td>
                      <Table.Td>{formatDateTime(run.startedAt, locale)}</Table.Td>
                      <Table.Td>{run.finishedAt !== null ? formatSeconds((run.finishedAt - run.startedAt) / 1000) : '—'}</Table.Td>
                      <Table.Td>{t(`sync.trigger.${run.trigger}`)}</Table.Td>
                      <Table.Td miw={96}>
                        <Badge size="xs" variant="light" color={runColors[run.status]}>
                          {t(`sync.run.${run.status}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td ta="right">{formatCount(run.totals.fetched, locale)}</Table.Td>
                      <Table.Td ta="right">{formatCount(run.totals.upserted, locale)}</Table.Td>
                      <Table.Td ta="right">{formatCount(run.totals.quarantined, locale)}</Table.Td>
                      <Table.Td maw={420}>
                        {run.problems.length > 0 ? (
                          <SyncProblems problems={run.problems} compact />
                        ) : (
                          <SyncFailure code={run.errorCode} status={run.errorStatus} text={run.error} lineClamp={2} />
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Pager offset={offset} limit={limit} total={page.total} onChange={setOffset} />
          </>
        )}
      </PagedQuery>
    </>
  );
}

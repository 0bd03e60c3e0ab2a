import { Group, Select } from '@mantine/core';
import { useSearchParams } from 'react-router';
import type { ReportFilter } from '../../../shared/contracts/reports';
import { addDays, shanghaiDate } from '../../../shared/time';
import { useRpcQuery } from '../../api/hooks';
import { useSession } from '../../auth/SessionProvider';
import { DateField } from '../../components/DateField';
import { useI18n } from '../../i18n/I18nProvider';

function shanghaiToday(): string {
  return shanghaiDate(Date.now());
}

/** The report filter kept in the URL (so a report can be linked), the last 7 days by default. */
export function useReportFilter(): { filter: ReportFilter; update(next: Partial<ReportFilter>): void } {
  const [params, setParams] = useSearchParams();
  const today = shanghaiToday();
  const filter: ReportFilter = {
    from: params.get('from') ?? addDays(today, -6),
    to: params.get('to') ?? today,
    institutionId: params.get('institutionId') ? Number(params.get('institutionId')) : undefined,
  };
  function update(next: Partial<ReportFilter>) {
    const merged = { ...filter, ...next };
    const query = new URLSearchParams({ from: merged.from, to: merged.to });
    if (merged.institutionId !== undefined) query.set('institutionId', String(merged.institutionId));
    setParams(query, { replace: true });
  }
  return { filter, update };
}

/** Date range and institution: the same two filters for every report. */
export function ReportFilters({ filter, update }: { filter: ReportFilter; update(next: Partial<ReportFilter>): void }) {
  const { t } = useI18n();
  const { can } = useSession();
  const options = useRpcQuery('portfolio:filter-options', {}, { enabled: can('portfolio:view'), staleTime: 60_000 });
  return (
    <Group gap="xs" wrap="wrap">
      <DateField w={150} label={t('reports.from')} value={filter.from} max={filter.to} onChange={(value) => value && update({ from: value })} />
      <DateField w={150} label={t('reports.to')} value={filter.to} min={filter.from} onChange={(value) => value && update({ to: value })} />
      <Select
        size="xs"
        w={200}
        label={t('reports.institution')}
        placeholder={t('reports.allInstitutions')}
        clearable
        data={(options.data?.institutions ?? []).map((institution) => ({ value: String(institution.id), label: `${institution.code} ${institution.name}` }))}
        value={filter.institutionId === undefined ? null : String(filter.institutionId)}
        onChange={(value) => update({ institutionId: value ? Number(value) : undefined })}
      />
    </Group>
  );
}

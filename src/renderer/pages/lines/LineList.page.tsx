import { Button, Group, Select, Text } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { lineFlags, lineModes, lineStates, type LineListInput, type LineListRow } from '../../../shared/contracts/portfolio';
import { useRpcQuery } from '../../api/hooks';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatFen } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { formatRatio, institutionName, LineFlagBadges, LineStateBadge, ScopeSelects, TitledText, toQuery } from '../loans/shared';
import { VirtualList, type VirtualColumn } from '../loans/VirtualList';

type LineFilter = Pick<LineListInput, 'institutionId' | 'productCode' | 'mode' | 'state' | 'flag' | 'inForce' | 'borrowerId'>;
type LineSort = LineListInput['sort'];

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((candidate) => candidate === value);
}

/** Every line, filtered by what the dashboard figure that opened it stands for. */
export function LineListPage() {
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const filter: LineFilter = {
    institutionId: params.get('institutionId') ? Number(params.get('institutionId')) : undefined,
    productCode: params.get('productCode') ?? undefined,
    mode: oneOf(lineModes, params.get('mode')),
    state: oneOf(lineStates, params.get('state')),
    flag: oneOf(lineFlags, params.get('flag')),
    inForce: params.get('inForce') === 'true' ? true : params.get('inForce') === 'false' ? false : undefined,
    borrowerId: params.get('borrowerId') ? Number(params.get('borrowerId')) : undefined,
  };
  const sort: LineSort = oneOf(['grantedAt', 'validTo', 'limit', 'used', 'available', 'utilisation'] as const, params.get('sort')) ?? 'grantedAt';
  const direction = params.get('direction') === 'asc' ? 'asc' : 'desc';
  const options = useRpcQuery('portfolio:filter-options', {}, { staleTime: 60_000 });
  const institutions = options.data?.institutions ?? [];
  const write = (next: LineFilter, nextSort: string, nextDirection: string) =>
    setParams(new URLSearchParams(toQuery({ ...next, sort: nextSort === 'grantedAt' ? undefined : nextSort, direction: nextDirection === 'desc' ? undefined : nextDirection }).slice(1)), { replace: true });
  const update = (next: Partial<LineFilter>) => write({ ...filter, ...next }, sort, direction);

  // Widths hold the widest text each column shows in its language; no priority: what support looks
  // a line up by, never hidden (src/renderer/README.md).
  const wide = locale === 'en';
  const columns: VirtualColumn<LineListRow>[] = [
    { key: 'line', header: t('lines.column.line'), width: 160, priority: 1, render: (row) => <Text size="sm" ff="monospace">{row.externalId}</Text> },
    { key: 'institution', header: t('portfolio.institution'), width: 150, render: (row) => <TitledText text={institutionName(institutions, row.institutionId)} /> },
    { key: 'borrower', header: t('loans.column.borrower'), width: 80, render: (row) => row.borrowerNameMasked ?? '—' },
    { key: 'mode', header: t('lines.mode'), width: wide ? 96 : 90, priority: 3, render: (row) => t(`lines.mode.${row.mode}`) },
    { key: 'limit', header: t('lines.column.limit'), width: 112, align: 'right', sort: 'limit', render: (row) => formatFen(row.limitFen, locale) },
    { key: 'used', header: t('lines.column.used'), width: 112, priority: 4, align: 'right', sort: 'used', render: (row) => formatFen(row.usedFen, locale) },
    { key: 'available', header: t('lines.column.available'), width: 112, align: 'right', sort: 'available', render: (row) => formatFen(row.availableFen, locale) },
    { key: 'utilisation', header: t('lines.column.utilisation'), width: 80, priority: 5, align: 'right', sort: 'utilisation', render: (row) => formatRatio(row.limitFen === 0 ? 0 : row.usedFen / row.limitFen) },
    { key: 'state', header: t('lines.column.state'), width: wide ? 100 : 90, render: (row) => <LineStateBadge state={row.state} /> },
    { key: 'flags', header: t('lines.column.flags'), width: wide ? 230 : 170, render: (row) => <LineFlagBadges flags={row.flags} max={1} /> },
    { key: 'validTo', header: t('lines.column.validTo'), width: 140, priority: 2, sort: 'validTo', render: (row) => formatDateTime(row.validTo, locale) },
    { key: 'granted', header: t('lines.column.granted'), width: 140, priority: 6, sort: 'grantedAt', render: (row) => formatDateTime(row.grantedAt, locale) },
  ];

  return (
    <>
      <PageHeader
        title={t('lines.list.title')}
        actions={
          <Button size="xs" variant="subtle" leftSection={<IconArrowLeft size={14} />} component={Link} to="/lines">
            {t('lines.dashboard.title')}
          </Button>
        }
      />
      <Group gap="xs" mb="sm">
        <ScopeSelects institutionId={filter.institutionId} productCode={filter.productCode} onChange={(next) => update(next)} />
        <Select size="xs" w={120} aria-label={t('lines.mode')} placeholder={t('lines.mode')} data={lineModes.map((mode) => ({ value: mode, label: t(`lines.mode.${mode}`) }))} value={filter.mode ?? null} onChange={(value) => update({ mode: oneOf(lineModes, value) })} clearable />
        <Select size="xs" w={120} aria-label={t('lines.column.state')} placeholder={t('lines.column.state')} data={lineStates.map((state) => ({ value: state, label: t(`lines.state.${state}`) }))} value={filter.state ?? null} onChange={(value) => update({ state: oneOf(lineStates, value) })} clearable />
        <Select size="xs" w={190} aria-label={t('lines.column.flags')} placeholder={t('lines.column.flags')} data={lineFlags.map((flag) => ({ value: flag, label: t(`lines.flag.${flag}`) }))} value={filter.flag ?? null} onChange={(value) => update({ flag: oneOf(lineFlags, value) })} clearable />
        <Select
          size="xs"
          w={130}
          aria-label={t('lines.inForce')}
          placeholder={t('lines.inForce')}
          data={[
            { value: 'true', label: t('lines.inForce.yes') },
            { value: 'false', label: t('lines.inForce.no') },
          ]}
          value={filter.inForce === undefined ? null : String(filter.inForce)}
          onChange={(value) => update({ inForce: value === null ? undefined : value === 'true' })}
          clearable
        />
      </Group>
      <VirtualList
        channel="portfolio:lines-list"
        input={{ ...filter, sort, direction }}
        columns={columns}
        sort={sort}
        direction={direction}
        onSort={(nextSort, nextDirection) => write(filter, nextSort, nextDirection)}
        rowHref={(row) => `/lines/${row.id}`}
        testId="line-list"
      />
    </>
  );
}

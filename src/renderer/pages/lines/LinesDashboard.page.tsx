import '@mantine/charts/styles.css';
import { BarChart, LineChart } from '@mantine/charts';
import { Alert, Button, Group, Loader, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconInfoCircle, IconList } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { LinesDashboard } from '../../../shared/contracts/portfolio';
import { useInvalidateOn, useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatCount, formatDateTime, formatFen } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import classes from '../loans/portfolio.module.css';
import { FigureCard, formatRatio, institutionName, lineFlagColor, ScopeSelects, toQuery } from '../loans/shared';

/** Lines per institution and mode, what needs attention, and how use and grants move. */
export function LinesDashboardPage() {
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const scope = {
    institutionId: params.get('institutionId') ? Number(params.get('institutionId')) : undefined,
    productCode: params.get('productCode') ?? undefined,
  };
  const dashboard = useRpcQuery('portfolio:lines-dashboard', scope, { refetchInterval: 60_000 });
  useInvalidateOn('sync:data-changed', ['portfolio:lines-dashboard']);
  const list = (filter: Record<string, string | number | boolean | undefined>) => `/lines/list${toQuery({ ...scope, ...filter })}`;
  return (
    <>
      <PageHeader
        title={t('lines.dashboard.title')}
        description={dashboard.data ? t('portfolio.asOf', { time: formatDateTime(dashboard.data.asOf, locale) }) : undefined}
        actions={
          <Button size="xs" variant="light" leftSection={<IconList size={14} />} component={Link} to={list({})}>
            {t('lines.allLines')}
          </Button>
        }
      />
      <Group gap="xs" mb="md">
        <ScopeSelects institutionId={scope.institutionId} productCode={scope.productCode} onChange={(next) => setParams(new URLSearchParams(toQuery(next).slice(1)), { replace: true })} />
      </Group>
      {dashboard.isPending && <Loader size="sm" />}
      {dashboard.isError && <ErrorAlert error={dashboard.error} onRetry={() => void dashboard.refetch()} />}
      {dashboard.data && <Body data={dashboard.data} list={list} productScoped={scope.productCode !== undefined} />}
    </>
  );
}

function Body({ data, list, productScoped }: { data: LinesDashboard; list(filter: Record<string, string | number | boolean | undefined>): string; productScoped: boolean }) {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const fen = (value: number) => formatFen(value, locale);
  const sum = data.totals.reduce(
    (total, row) => ({ lineCount: total.lineCount + row.lineCount, limitFen: total.limitFen + row.limitFen, usedFen: total.usedFen + row.usedFen, availableFen: total.availableFen + row.availableFen }),
    { lineCount: 0, limitFen: 0, usedFen: 0, availableFen: 0 },
  );
  const utilisation = useMemo(
    () => data.utilisation.map((point) => ({ date: point.date, used: point.limitFen === 0 ? 0 : Math.round((point.usedFen / point.limitFen) * 10_000) / 100, source: point.source })),
    [data.utilisation],
  );
  const granted = useMemo(() => {
    const byMonth = new Map<string, Record<string, string | number>>();
    for (const row of data.granted) {
      const entry = byMonth.get(row.month) ?? { month: row.month, revolving: 0, single_batch: 0 };
      entry[row.mode] = row.lineCount;
      byMonth.set(row.month, entry);
    }
    return [...byMonth.values()].slice(-24);
  }, [data.granted]);

  return (
    <Stack gap="lg">
      <section aria-label={t('lines.section.flags')}>
        <SimpleGrid cols={{ base: 2, md: 5 }} spacing="sm">
          {data.flags.map((flag) => (
            <FigureCard
              key={flag.flag}
              testId={`line-flag-${flag.flag}`}
              color={lineFlagColor(flag.flag)}
              label={t(`lines.flag.${flag.flag}`)}
              value={formatCount(flag.lineCount, locale)}
              detail={fen(flag.limitFen)}
              hint={t(`lines.flagHint.${flag.flag}`)}
              to={list({ flag: flag.flag })}
            />
          ))}
        </SimpleGrid>
      </section>

      <section aria-label={t('lines.section.totals')}>
        <Title order={5} mb="xs">
          {t('lines.section.totals')}
        </Title>
        <Table withTableBorder striped highlightOnHover fz="sm" data-testid="line-totals">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('portfolio.institution')}</Table.Th>
              <Table.Th>{t('lines.mode')}</Table.Th>
              <Table.Th ta="right">{t('lines.column.lines')}</Table.Th>
              <Table.Th ta="right">{t('lines.column.limit')}</Table.Th>
              <Table.Th ta="right">{t('lines.column.used')}</Table.Th>
              <Table.Th ta="right">{t('lines.column.available')}</Table.Th>
              <Table.Th w={180}>{t('lines.column.utilisation')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.totals.map((row) => {
              const ratio = row.limitFen === 0 ? 0 : row.usedFen / row.limitFen;
              return (
                <Table.Tr key={`${row.institutionId}-${row.mode}`} className={classes.cellLink} onClick={() => navigate(list({ institutionId: row.institutionId, mode: row.mode, inForce: true }))}>
                  <Table.Td>{institutionName(data.institutions, row.institutionId)}</Table.Td>
                  <Table.Td>{t(`lines.mode.${row.mode}`)}</Table.Td>
                  <Table.Td ta="right">{formatCount(row.lineCount, locale)}</Table.Td>
                  <Table.Td ta="right">{fen(row.limitFen)}</Table.Td>
                  <Table.Td ta="right">{fen(row.usedFen)}</Table.Td>
                  <Table.Td ta="right">{fen(row.availableFen)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Progress value={ratio * 100} w={90} color={ratio > 0.9 ? 'red' : ratio > 0.7 ? 'orange' : 'indigo'} />
                      <Text size="xs">{formatRatio(ratio)}</Text>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr fw={600}>
              <Table.Td colSpan={2}>{t('portfolio.total')}</Table.Td>
              <Table.Td ta="right">{formatCount(sum.lineCount, locale)}</Table.Td>
              <Table.Td ta="right">{fen(sum.limitFen)}</Table.Td>
              <Table.Td ta="right">{fen(sum.usedFen)}</Table.Td>
              <Table.Td ta="right">{fen(sum.availableFen)}</Table.Td>
              <Table.Td>{formatRatio(sum.limitFen === 0 ? 0 : sum.usedFen / sum.limitFen)}</Table.Td>
            </Table.Tr>
          </Table.Tfoot>
        </Table>
        <Text size="xs" c="dimmed" mt={4}>
          {t('lines.inForceNote')}
        </Text>
      </section>

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <section aria-label={t('lines.section.utilisation')}>
          <Title order={5} mb="xs">
            {t('lines.section.utilisation')}
          </Title>
          {productScoped ? (
            <Text size="sm" c="dimmed">{t('lines.utilisationNotByProduct')}</Text>
          ) : utilisation.length === 0 ? (
            <Text size="sm" c="dimmed">{t('portfolio.noHistory')}</Text>
          ) : (
            <LineChart h={220} data={utilisation} dataKey="date" series={[{ name: 'used', label: t('lines.column.utilisation'), color: 'indigo.6' }]} unit="%" withDots={utilisation.length < 40} curveType="linear" />
          )}
          {data.utilisation.some((point) => point.source === 'reconstructed') && (
            <Alert mt="xs" variant="light" color="gray" icon={<IconInfoCircle size={16} />} p="xs">
              <Text size="xs">{t('lines.reconstructedNote')}</Text>
            </Alert>
          )}
        </section>
        <section aria-label={t('lines.section.granted')}>
          <Title order={5} mb="xs">
            {t('lines.section.granted')}
          </Title>
          {granted.length === 0 ? (
            <Text size="sm" c="dimmed">{t('portfolio.noHistory')}</Text>
          ) : (
            <BarChart
              h={220}
              data={granted}
              dataKey="month"
              type="stacked"
              withLegend
              series={[
                { name: 'revolving', label: t('lines.mode.revolving'), color: 'indigo.6' },
                { name: 'single_batch', label: t('lines.mode.single_batch'), color: 'cyan.5' },
              ]}
            />
          )}
        </section>
      </SimpleGrid>
    </Stack>
  );
}

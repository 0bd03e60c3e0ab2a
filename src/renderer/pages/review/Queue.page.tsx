import { Badge, Button, Checkbox, Group, Kbd, Loader, Paper, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { notify } from '../../components/notify';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { reviewTaskStatusSchema, taskListFilterSchema, type TaskListFilterInput, type TaskRow } from '../../../shared/contracts/review';
import { findingCatalog, type ReviewQueue } from '../../../shared/domain/findings';
import { useConnection, useRpcInfiniteQuery, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { useSession } from '../../auth/SessionProvider';
import { hasDecided } from './firstSteps';
import { useLiveQueue } from './liveQueue';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatCount, formatFen } from '../../i18n/format';
import { useErrorText, useI18n } from '../../i18n/I18nProvider';
import { FindingBadge, formatAge, insideDialog, isTyping, label, SlaBadge, StatusBadge } from './shared';

const pageSize = 50;
const rowHeight = 40;

function readFilter(queue: ReviewQueue, params: URLSearchParams): TaskListFilterInput {
  const raw: Record<string, unknown> = { queue };
  for (const key of ['status', 'findingCode', 'sla', 'sort']) if (params.get(key)) raw[key] = params.get(key);
  for (const key of ['institutionId', 'minAgeMinutes']) if (params.get(key)) raw[key] = Number(params.get(key));
  const assignee = params.get('assignee');
  if (assignee) raw.assignee = /^\d+$/.test(assignee) ? Number(assignee) : assignee;
  const parsed = taskListFilterSchema.safeParse(raw);
  return parsed.success ? parsed.data : { queue };
}

interface Column {
  key: string;
  header: string;
  width: number;
  /** Share of the room left over at wider windows (institution names and findings take it). */
  grow?: number;
  render(row: TaskRow, now: number): React.ReactNode;
}

/** One queue: filters, a virtualized list loaded page by page as it scrolls, and "Start reviewing". */
export function QueuePage({ queue, title, tabs }: { queue: ReviewQueue; title: string; tabs: React.ReactNode }) {
  const errorText = useErrorText();
  const { t, locale } = useI18n();
  const { can, operator } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filter = readFilter(queue, params);
  const { online } = useConnection();
  const options = useRpcQuery('review:filter-options', {}, { staleTime: 60_000 });
  const supervise = can('review:supervise');
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [assignee, setAssignee] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  useLiveQueue(filter);
  const { mutateAsync: nextTask } = useRpcMutation('review:next');
  const { mutateAsync: assignTasks } = useRpcMutation('review:assign');

  const list = useRpcInfiniteQuery('review:list', filter, {
    input: (cursor: string | null) => ({ ...filter, cursor: cursor ?? undefined, limit: pageSize }),
    firstCursor: null,
    nextPage: (last) => last.nextCursor,
    staleTime: 10_000,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.rows) ?? [], [list.data]);
  const first = list.data?.pages[0];
  const total = first?.total ?? 0;
  const now = first?.now ?? 0;
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer returns fresh functions each render; React Compiler skips memoizing this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 15 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 10) void fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);
  useEffect(() => setSelected(new Set()), [queue, params]);

  const update = (changes: Record<string, string | number | null | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === undefined || value === '' || value === 'any') next.delete(key);
      else next.set(key, String(value));
    }
    setParams(next, { replace: true });
  };

  const start = useCallback(async () => {
    setStarting(true);
    try {
      const result = await nextTask({ queue, excludeTaskIds: [] });
      if (result.taskId === null) notify({ color: 'blue', message: t('review.queueEmpty') });
      else navigate(`/review/task/${result.taskId}`);
    } catch (error) {
      notify({ color: 'red', message: errorText(error) });
    } finally {
      setStarting(false);
    }
  }, [queue, navigate, t, errorText, nextTask]);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target) || insideDialog(event.target)) return;
      if (event.key === 'j' || event.key === 'n') {
        event.preventDefault();
        void start();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [start]);

  async function assign() {
    if (selected.size === 0) return;
    try {
      const result = await assignTasks({ taskIds: [...selected], operatorId: assignee === 'none' || assignee === null ? null : Number(assignee) });
      notify({ color: 'green', message: t('review.assign.done', { updated: result.updated, skipped: result.skipped }) });
      setSelected(new Set());
      await queryClient.invalidateQueries({ queryKey: ['review:list'] });
    } catch (error) {
      notify({ color: 'red', message: errorText(error) });
    }
  }

  const operators = options.data?.operators ?? [];
  const codes = Object.entries(findingCatalog)
    .filter(([, entry]) => entry.queue === queue)
    .map(([code]) => ({ value: code, label: label(t, 'review.finding', code) }));
  const live = filter.status === undefined || ['open', 'in_review', 'snoozed', 'escalated', 'awaiting_second'].includes(filter.status);
  const columns: Column[] = [
    ...(supervise
      ? [
          {
            key: 'select',
            header: '',
            width: 36,
            render: (row: TaskRow) => (
              <Checkbox
                size="xs"
                aria-label={t('review.assign.select', { id: row.applicationExternalId })}
                checked={selected.has(row.id)}
                onClick={(event) => event.stopPropagation()}
                onChange={(event) => {
                  const next = new Set(selected);
                  if (event.currentTarget.checked) next.add(row.id);
                  else next.delete(row.id);
                  setSelected(next);
                }}
              />
            ),
          },
        ]
      : []),
    { key: 'application', header: t('review.column.application'), width: 168, render: (row) => <Text size="sm" ff="monospace" truncate>{row.applicationExternalId}</Text> },
    {
      key: 'institution',
      header: t('review.column.institution'),
      width: 150,
      grow: 1,
      render: (row) => (
        <Text size="sm" lineClamp={2} lh={1.2} title={row.institution.name}>
          {row.institution.name}
        </Text>
      ),
    },
    { key: 'borrower', header: t('review.column.borrower'), width: 64, render: (row) => row.borrowerName },
    { key: 'amount', header: t('review.column.amount'), width: 96, render: (row) => <Text size="sm" ta="right">{formatFen(row.requestedAmountFen, locale)}</Text> },
    {
      key: 'findings',
      header: t('review.column.findings'),
      width: 216,
      grow: 2,
      render: (row) => (
        <Group gap={3} wrap="nowrap" style={{ overflow: 'hidden' }} title={row.findingCodes.map((code) => label(t, 'review.finding', code)).join(t('common.listSeparator'))}>
          {row.findingCodes.slice(0, 2).map((code) => (
            <FindingBadge key={code} code={code} size="xs" />
          ))}
          {row.findingCodes.length > 2 && <Badge size="xs" variant="outline" color="gray">+{row.findingCodes.length - 2}</Badge>}
        </Group>
      ),
    },
    { key: 'age', header: t('review.column.age'), width: 96, render: (row, at) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatAge(at - row.queuedAt, t)}</Text> },
    { key: 'sla', header: t('review.column.sla'), width: 64, render: (row) => <SlaBadge sla={row.sla} live={live} /> },
    { key: 'status', header: t('review.column.status'), width: 84, render: (row) => <StatusBadge status={row.status} /> },
    {
      key: 'who',
      header: t('review.column.who'),
      width: 90,
      render: (row) => (
        <Text size="xs" truncate>
          {row.claimedBy ? t('review.column.holder', { name: row.claimedBy.name }) : row.assignedTo ? t('review.column.assignee', { name: row.assignedTo.name }) : '—'}
        </Text>
      ),
    },
  ];
  const width = columns.reduce((sum, column) => sum + column.width, 0);

  return (
    <Stack gap="xs">
      <PageHeader
        title={title}
        actions={
          <Button size="sm" leftSection={<IconPlayerPlay size={16} />} onClick={() => void start()} loading={starting} disabled={!online} data-testid="start-reviewing">
            {t('review.start')} <Kbd ml={6} size="xs">J</Kbd>
          </Button>
        }
      />
      {tabs}
      {operator && !hasDecided(operator.id) && (
        <Text size="sm" c="blue.8" data-testid="start-hint">
          {t('review.hint.start')}
        </Text>
      )}
      <Paper withBorder p="xs" radius="sm">
        <Group gap="xs" wrap="wrap" align="flex-end">
          <Select
            size="xs"
            w={120}
            label={t('review.filter.status')}
            data={reviewTaskStatusSchema.options.map((value) => ({ value, label: label(t, 'review.status', value) }))}
            value={filter.status ?? 'open'}
            onChange={(value) => update({ status: value === 'open' ? null : value })}
            allowDeselect={false}
          />
          <Select
            size="xs"
            w={150}
            label={t('review.filter.institution')}
            placeholder={t('review.filter.any')}
            data={(options.data?.institutions ?? []).map((institution) => ({ value: String(institution.id), label: institution.name }))}
            value={filter.institutionId ? String(filter.institutionId) : null}
            onChange={(value) => update({ institutionId: value })}
            clearable
          />
          <Select
            size="xs"
            w={190}
            label={t('review.filter.finding')}
            placeholder={t('review.filter.any')}
            data={codes}
            value={filter.findingCode ?? null}
            onChange={(value) => update({ findingCode: value })}
            clearable
            searchable
          />
          <Select
            size="xs"
            w={110}
            label={t('review.filter.age')}
            data={['any', '30', '60', '240', '1440'].map((value) => ({ value, label: label(t, 'review.filter.ageOption', value) }))}
            value={filter.minAgeMinutes ? String(filter.minAgeMinutes) : 'any'}
            onChange={(value) => update({ minAgeMinutes: value })}
            allowDeselect={false}
          />
          <Select
            size="xs"
            w={110}
            label={t('review.filter.sla')}
            data={['any', 'within', 'due_soon', 'breached'].map((value) => ({ value, label: label(t, 'review.filter.slaOption', value) }))}
            value={filter.sla ?? 'any'}
            onChange={(value) => update({ sla: value })}
            allowDeselect={false}
          />
          <Select
            size="xs"
            w={130}
            label={t('review.filter.assignee')}
            data={[
              { value: 'any', label: t('review.filter.any') },
              { value: 'unassigned', label: t('review.filter.unassigned') },
              { value: 'me', label: t('review.filter.me') },
              ...operators.map((operator) => ({ value: String(operator.id), label: operator.name })),
            ]}
            value={String(filter.assignee ?? 'any')}
            onChange={(value) => update({ assignee: value })}
            allowDeselect={false}
          />
          <SegmentedControl
            size="xs"
            data={['oldest', 'newest', 'priority'].map((value) => ({ value, label: label(t, 'review.sort', value) }))}
            value={filter.sort ?? 'oldest'}
            onChange={(value) => update({ sort: value === 'oldest' ? null : value })}
            aria-label={t('review.sort.label')}
          />
        </Group>
      </Paper>
      {supervise && selected.size > 0 && (
        <Paper withBorder p="xs" radius="sm" bg="var(--mantine-color-indigo-0)">
          <Group gap="xs">
            <Text size="sm" fw={600}>
              {t('review.assign.selected', { count: selected.size })}
            </Text>
            <Select
              size="xs"
              w={180}
              placeholder={t('review.assign.to')}
              data={[{ value: 'none', label: t('review.assign.nobody') }, ...operators.map((operator) => ({ value: String(operator.id), label: `${operator.name} (${label(t, 'role', operator.role)})` }))]}
              value={assignee}
              onChange={setAssignee}
              aria-label={t('review.assign.to')}
            />
            <Button size="xs" disabled={assignee === null} onClick={() => void assign()} data-testid="assign-selected">
              {t('review.assign.apply')}
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setSelected(new Set())}>
              {t('review.assign.clear')}
            </Button>
          </Group>
        </Paper>
      )}
      <Group justify="space-between">
        <Text size="xs" c="dimmed" data-testid="queue-total">
          {list.isPending ? t('common.loading') : t('review.total', { count: `${formatCount(total, locale)}${first?.totalCapped ? '+' : ''}` })}
        </Text>
        {supervise && rows.length > 0 && (
          <Button size="compact-xs" variant="subtle" onClick={() => setSelected(new Set(rows.slice(0, 500).map((row) => row.id)))}>
            {t('review.assign.selectLoaded', { count: Math.min(rows.length, 500) })}
          </Button>
        )}
      </Group>
      {list.isError ? (
        <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Paper withBorder radius="sm" style={{ overflow: 'hidden' }}>
          <div ref={scrollRef} style={{ height: 'calc(100vh - 330px)', minHeight: 240, overflow: 'auto' }} role="table" aria-rowcount={total} data-testid="queue-list">
            <div role="row" style={{ display: 'flex', position: 'sticky', top: 0, zIndex: 1, minWidth: width, background: 'var(--mantine-color-body)', borderBottom: '1px solid var(--mantine-color-default-border)' }}>
              {columns.map((column) => (
                <div key={column.key} role="columnheader" style={{ flex: `${column.grow ?? 0} 0 ${column.width}px`, padding: '6px 8px' }}>
                  <Text size="xs" fw={600}>
                    {column.header}
                  </Text>
                </div>
              ))}
            </div>
            {!list.isPending && rows.length === 0 && (
              <Text size="sm" c="dimmed" p="md">
                {t('review.empty')}
              </Text>
            )}
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: width }}>
              {items.map((item) => {
                const row = rows[item.index];
                if (!row) return null;
                return (
                  <div
                    key={row.id}
                    role="row"
                    tabIndex={0}
                    data-testid="queue-row"
                    onClick={() => navigate(`/review/task/${row.id}`)}
                    onKeyDown={(event) => event.key === 'Enter' && navigate(`/review/task/${row.id}`)}
                    style={{
                      position: 'absolute',
                      top: 0,
                      left: 0,
                      right: 0,
                      height: rowHeight,
                      transform: `translateY(${item.start}px)`,
                      display: 'flex',
                      alignItems: 'center',
                      cursor: 'pointer',
                      borderBottom: '1px solid var(--mantine-color-default-border)',
                      background: row.sla === 'breached' && live ? 'var(--mantine-color-red-0)' : row.sla === 'due_soon' && live ? 'var(--mantine-color-orange-0)' : undefined,
                    }}
                  >
                    {columns.map((column) => (
                      <div key={column.key} role="cell" style={{ flex: `${column.grow ?? 0} 0 ${column.width}px`, padding: '0 8px', overflow: 'hidden' }}>
                        {column.render(row, now)}
                      </div>
                    ))}
                  </div>
                );
              })}
            </div>
            {list.isFetchingNextPage && (
              <Group justify="center" p="xs">
                <Loader size="xs" />
              </Group>
            )}
          </div>
        </Paper>
      )}
    </Stack>
  );
}

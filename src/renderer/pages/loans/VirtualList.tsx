import { Button, Group, Paper, Skeleton, Stack, Text, UnstyledButton } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { IconArrowDown, IconArrowUp } from '@tabler/icons-react';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { ChannelInput, ChannelOutput } from '../../../shared/rpc/contract';
import { rpcQuery, useInvalidateOn, useRpcQuery } from '../../api/hooks';
import { useInnerWidth } from '../../components/useInnerWidth';
import { formatCount } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { fitColumns, type FitColumn } from './columnFit';
import classes from './portfolio.module.css';

export interface VirtualColumn<Row> extends FitColumn {
  header: string;
  align?: 'left' | 'right';
  render(row: Row): ReactNode;
}

type PagedChannel = 'portfolio:loans-list' | 'portfolio:lines-list';
type PagedRow<C extends PagedChannel> = ChannelOutput<C>['rows'][number];

const pageSize = 100;
const rowHeight = 36;

/**
 * A list paged, sorted and filtered by the back end and virtualised here: only the pages under the
 * viewport are fetched, so 100,000 rows scroll like 100. Columns that do not fit the list's width
 * give way by priority (columnFit.ts); "show all columns" brings them back with a sideways scroll.
 */
export function VirtualList<C extends PagedChannel>({
  channel,
  input,
  columns: allColumns,
  sort,
  direction,
  onSort,
  rowHref,
  testId,
  height = 'calc(100vh - 260px)',
}: {
  channel: C;
  input: Omit<ChannelInput<C>, 'offset' | 'limit'>;
  columns: VirtualColumn<PagedRow<C>>[];
  sort: string;
  direction: 'asc' | 'desc';
  onSort(sort: string, direction: 'asc' | 'desc'): void;
  rowHref(row: PagedRow<C>): string;
  testId: string;
  height?: string;
}) {
  const { t, locale } = useI18n();
  const scrollRef = useRef<HTMLDivElement>(null);
  const available = useInnerWidth(scrollRef);
  const [showAll, setShowAll] = useState(false);
  const fitted = fitColumns(allColumns, available, sort);
  const hiddenNames = fitted.hidden.map((column) => column.header).join(t('common.listSeparator'));
  const columns = showAll ? allColumns : fitted.shown;
  const first = useRpcQuery(channel, { ...input, offset: 0, limit: pageSize } as ChannelInput<C>);
  // New sync data refreshes the pages on screen (they stay where they are).
  useInvalidateOn('sync:data-changed', [channel]);
  const total = (first.data as ChannelOutput<C> | undefined)?.total ?? 0;
  // The virtualizer's functions change every render by design; this component re-renders on scroll anyway.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 20 });
  const items = virtualizer.getVirtualItems();
  const pagesInView = useMemo(() => {
    const pages = new Set<number>();
    for (const item of items) pages.add(Math.floor(item.index / pageSize));
    return [...pages].filter((page) => page > 0).sort((a, b) => a - b);
  }, [items]);
  const pageQueries = useQueries({
    queries: pagesInView.map((page) => {
      const pageInput = { ...input, offset: page * pageSize, limit: pageSize } as ChannelInput<C>;
      return { ...rpcQuery(channel, pageInput), staleTime: 15_000 };
    }),
  });
  const rowsByPage = new Map<number, PagedRow<C>[]>();
  if (first.data) rowsByPage.set(0, (first.data as ChannelOutput<C>).rows as PagedRow<C>[]);
  pagesInView.forEach((page, index) => {
    const data = pageQueries[index]?.data as ChannelOutput<C> | undefined;
    if (data) rowsByPage.set(page, data.rows as PagedRow<C>[]);
  });
  const width = columns.reduce((sum, column) => sum + column.width, 0);

  return (
    <Stack gap={4}>
      <Group justify="space-between" gap="xs" wrap="nowrap" mih={22}>
        <Text size="xs" c="dimmed" data-testid={`${testId}-total`} style={{ whiteSpace: 'nowrap' }}>
          {first.isPending ? t('common.loading') : t('portfolio.rowsTotal', { count: formatCount(total, locale) })}
        </Text>
        {fitted.hidden.length > 0 && (
          <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
            {!showAll && (
              <Text size="xs" c="dimmed" truncate="end" data-testid={`${testId}-hidden`} title={hiddenNames}>
                {t('portfolio.columnsHidden', { columns: hiddenNames })}
              </Text>
            )}
            <Button size="compact-xs" variant="subtle" onClick={() => setShowAll(!showAll)} data-testid={`${testId}-show-all`} style={{ flexShrink: 0 }}>
              {showAll ? t('portfolio.fitColumns') : t('portfolio.showAllColumns')}
            </Button>
          </Group>
        )}
      </Group>
      <Paper withBorder radius="sm" style={{ overflow: 'hidden' }}>
        <div ref={scrollRef} style={{ height, overflow: 'auto' }} role="table" aria-rowcount={total} data-testid={testId}>
          <div role="row" style={{ display: 'flex', position: 'sticky', top: 0, zIndex: 1, minWidth: width, background: 'var(--mantine-color-body)', borderBottom: '1px solid var(--mantine-color-default-border)' }}>
            {columns.map((column) => (
              <div key={column.key} role="columnheader" data-column={column.key} style={{ width: column.width, flex: `0 0 ${column.width}px`, padding: '6px 8px', textAlign: column.align ?? 'left' }}>
                {column.sort ? (
                  <UnstyledButton
                    onClick={() => onSort(column.sort as string, sort === column.sort && direction === 'desc' ? 'asc' : 'desc')}
                    aria-label={`${t('portfolio.sortBy')} ${column.header}`}
                  >
                    <Group gap={2} wrap="nowrap" justify={column.align === 'right' ? 'flex-end' : 'flex-start'}>
                      <Text size="xs" fw={600}>
                        {column.header}
                      </Text>
                      {sort === column.sort && (direction === 'desc' ? <IconArrowDown size={12} /> : <IconArrowUp size={12} />)}
                    </Group>
                  </UnstyledButton>
                ) : (
                  <Text size="xs" fw={600}>
                    {column.header}
                  </Text>
                )}
              </div>
            ))}
          </div>
          {total === 0 && !first.isPending ? (
            <Text p="md" c="dimmed" size="sm">
              {t('portfolio.noRows')}
            </Text>
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: width }}>
              {items.map((item) => {
                const row = rowsByPage.get(Math.floor(item.index / pageSize))?.[item.index % pageSize];
                return (
                  <div
                    key={item.key}
                    role="row"
                    aria-rowindex={item.index + 1}
                    style={{ position: 'absolute', top: 0, left: 0, right: 0, height: rowHeight, transform: `translateY(${item.start}px)`, display: 'flex', alignItems: 'center', borderBottom: '1px solid var(--mantine-color-default-border)' }}
                  >
                    {row ? (
                      <UnstyledButton component={Link} to={rowHref(row)} style={{ display: 'flex', alignItems: 'center', width: '100%', height: '100%' }} className={classes.rowLink}>
                        {columns.map((column) => (
                          <div key={column.key} role="cell" data-column={column.key} style={{ width: column.width, flex: `0 0 ${column.width}px`, padding: '0 8px', textAlign: column.align ?? 'left', overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis', fontSize: 13, fontVariantNumeric: 'tabular-nums' }}>
                            {column.render(row)}
                          </div>
                        ))}
                      </UnstyledButton>
                    ) : (
                      <Skeleton height={14} mx="sm" width={width - 32} />
                    )}
                  </div>
                );
              })}
            </div>
          )}
        </div>
      </Paper>
    </Stack>
  );
}

/** Small pieces shared by the Sync page's tabs: state badges, a pager, durations. */
import { Badge, Button, Group, Text } from '@mantine/core';
import type { InstitutionSyncState } from '../../../shared/contracts/institutions';
import { useI18n } from '../../i18n/I18nProvider';

const stateColors: Record<InstitutionSyncState, string> = {
  idle: 'green',
  syncing: 'blue',
  failed: 'red',
  credentials_rejected: 'red',
  clock_skew: 'red',
  circuit_open: 'orange',
  disabled: 'gray',
  incomplete: 'orange',
};

export function StateBadge({ state }: { state: InstitutionSyncState }) {
  const { t } = useI18n();
  return (
    <Badge color={stateColors[state]} variant="light" data-testid="sync-state">
      {t(`sync.state.${state}`)}
    </Badge>
  );
}

/** Seconds as "1 h 5 min", "3 min 20 s" or "12 s". */
export function formatSeconds(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  if (total >= 3600) return `${Math.floor(total / 3600)} h ${Math.floor((total % 3600) / 60)} min`;
  if (total >= 60) return `${Math.floor(total / 60)} min ${total % 60} s`;
  return `${total} s`;
}

export function Pager({ offset, limit, total, onChange }: { offset: number; limit: number; total: number; onChange(offset: number): void }) {
  const { t } = useI18n();
  if (total <= limit && offset === 0) return null;
  return (
    <Group justify="flex-end" gap="xs" mt="xs">
      <Text size="xs" c="dimmed">
        {t('sync.page.of', { from: total === 0 ? 0 : offset + 1, to: Math.min(total, offset + limit), total })}
      </Text>
      <Button size="compact-xs" variant="default" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        {t('sync.page.previous')}
      </Button>
      <Button size="compact-xs" variant="default" disabled={offset + limit >= total} onClick={() => onChange(offset + limit)}>
        {t('sync.page.next')}
      </Button>
    </Group>
  );
}

import { Stack, Text } from '@mantine/core';
import type { SyncErrorCode } from '../../../shared/contracts/sync';
import { useI18n } from '../../i18n/I18nProvider';

/**
 * Why a sync run, an outbox delivery or an institution's state failed: the stored code in the
 * user's language, the stored English text under it as the technical detail for support. Rows
 * stored before the code existed show their text as it is.
 */
export function SyncFailure({ code, status, text, lineClamp, color = 'red' }: { code: SyncErrorCode | null; status: number | null; text: string | null; lineClamp?: number; color?: string }) {
  const { t } = useI18n();
  if (code === null) {
    return (
      <Text size="xs" c={color} lineClamp={lineClamp}>
        {text ?? ''}
      </Text>
    );
  }
  return (
    <Stack gap={0} data-testid="sync-failure">
      <Text size="xs" c={color} lineClamp={lineClamp}>
        {t(`sync.failure.${code}`, { status: status ?? '—' })}
      </Text>
      {text !== null && text !== '' && (
        <Text size="xs" c="dimmed" ff="monospace" lineClamp={lineClamp} data-testid="sync-failure-technical">
          {t('sync.failure.technical', { detail: text })}
        </Text>
      )}
    </Stack>
  );
}

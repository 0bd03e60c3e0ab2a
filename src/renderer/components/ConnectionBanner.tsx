import { Group, Loader, Paper, Text } from '@mantine/core';
import { useConnection, useRefreshOnReconnect } from '../api/hooks';
import { useT } from '../i18n/I18nProvider';

/**
 * The one app-wide word that the back end is unreachable: over the middle of the header (no control
 * there), on every screen including sign-in, gone by itself when the server answers again, at which
 * point everything on screen is refetched.
 */
export function ConnectionBanner() {
  const t = useT();
  const { online } = useConnection();
  useRefreshOnReconnect();
  if (online) return null;
  return (
    <Paper
      role="status"
      aria-live="assertive"
      data-testid="connection-banner"
      shadow="sm"
      radius="xl"
      px="md"
      py={4}
      bg="yellow.1"
      withBorder
      style={{ position: 'fixed', top: 12, left: '50%', transform: 'translateX(-50%)', zIndex: 400, borderColor: 'var(--mantine-color-yellow-5)', maxWidth: 'calc(100vw - 620px)' }}
    >
      <Group gap="xs" wrap="nowrap">
        <Loader size={12} color="yellow.8" />
        <Text size="sm" c="yellow.9" fw={500} style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} title={t('connection.offlineHint')}>
          {t('connection.offline')}
        </Text>
      </Group>
    </Paper>
  );
}

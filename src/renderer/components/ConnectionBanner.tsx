import { Group, Loader, Paper, Text } from '@mantine/core';
import { useConnection, useRefreshOnReconnect } from '../api/hooks';
import type { ConnectionState } from '../api/connection';
import { useT, type Translate } from '../i18n/I18nProvider';

/** What the banner says: reconnecting, or (a desktop on a team server) why the server refuses this desktop. */
function bannerText(t: Translate, link: ConnectionState['link']): string {
  switch (link?.state) {
    case undefined:
    case 'reconnecting':
      return t('connection.offline');
    case 'incompatible-version':
      return t(link.update === 'desktop' ? 'desk.update.desktop' : 'desk.update.server', { version: link.serverAppVersion });
    case 'certificate-untrusted':
      return t('error.reason.certificate-untrusted');
    case 'certificate-changed':
      return t('error.reason.certificate-changed');
    default: {
      const unknown: never = link;
      return unknown;
    }
  }
}

/**
 * The one app-wide word that the back end is unreachable: over the middle of the header (no control
 * there), on every screen including sign-in, gone by itself when the server answers again, at which
 * point everything on screen is refetched. A desktop on a team server follows its main process's
 * link (connection.ts), which also says when the server refuses it (version, certificate).
 */
export function ConnectionBanner() {
  const t = useT();
  const { online, link } = useConnection();
  useRefreshOnReconnect();
  if (online) return null;
  const text = bannerText(t, link);
  const waiting = link === undefined || link === null || link.state === 'reconnecting';
  return (
    <Paper
      role="status"
      aria-live="assertive"
      data-testid="connection-banner"
      data-link={link?.state ?? 'unreachable'}
      shadow="sm"
      radius="xl"
      px="md"
      py={4}
      bg={waiting ? 'yellow.1' : 'red.1'}
      withBorder
      style={{ position: 'fixed', top: 12, left: '50%', transform: 'translateX(-50%)', zIndex: 400, borderColor: `var(--mantine-color-${waiting ? 'yellow' : 'red'}-5)`, maxWidth: 'calc(100vw - 620px)' }}
    >
      <Group gap="xs" wrap="nowrap">
        {waiting && <Loader size={12} color="yellow.8" />}
        <Text size="sm" c={waiting ? 'yellow.9' : 'red.9'} fw={500} style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} title={waiting ? t('connection.offlineHint') : text}>
          {text}
        </Text>
      </Group>
    </Paper>
  );
}

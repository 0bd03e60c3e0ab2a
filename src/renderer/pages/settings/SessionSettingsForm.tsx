import { Alert, Button, Group, Loader, NumberInput, Paper, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { SessionSettings } from '../../../shared/contracts/auth';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useI18n } from '../../i18n/I18nProvider';

function Fields({ saved }: { saved: SessionSettings }) {
  const { t } = useI18n();
  const save = useRpcMutation('auth:set-session-settings', { invalidates: ['auth:session-settings'] });
  const [idle, setIdle] = useState<number | string>(saved.idleTimeoutMinutes);
  const [lifetime, setLifetime] = useState<number | string>(saved.lifetimeHours);

  function submit() {
    save.mutate(
      { idleTimeoutMinutes: Number(idle), lifetimeHours: Number(lifetime) },
      { onSuccess: () => notifications.show({ color: 'green', message: t('users.saved') }) },
    );
  }

  return (
    <>
      {save.error && (
        <Alert color="red" role="alert" mb="sm">
          {save.error.code === 'VALIDATION' ? t('sessions.invalid') : save.error.message}
        </Alert>
      )}
      <Group align="flex-end">
        <NumberInput label={t('sessions.idle')} min={5} max={1440} w={220} value={idle} onChange={setIdle} />
        <NumberInput label={t('sessions.lifetime')} min={1} max={168} w={220} value={lifetime} onChange={setLifetime} />
        <Button onClick={submit} loading={save.isPending}>
          {t('common.save')}
        </Button>
      </Group>
    </>
  );
}

/** Idle timeout and lifetime of sessions, for administrators (open sessions follow at their next call). */
export function SessionSettingsForm() {
  const { t } = useI18n();
  const settings = useRpcQuery('auth:session-settings', {});
  return (
    <Paper withBorder p="md" mt="lg">
      <Title order={5}>{t('sessions.title')}</Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('sessions.description')}
      </Text>
      {settings.isPending ? (
        <Loader size="sm" />
      ) : settings.isError ? (
        <ErrorAlert error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <Fields key={`${settings.data.idleTimeoutMinutes}/${settings.data.lifetimeHours}`} saved={settings.data} />
      )}
    </Paper>
  );
}

import { Alert, Button, Center, Code, Group, Loader, Paper, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle, IconServer, IconDeviceDesktop } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { locales } from '../../shared/contracts/auth';
import { teamServerUrlSchema, type DeskConnection, type DeskMode } from '../../shared/contracts/desk';
import { RpcError } from '../api/client';
import { useRpcMutation } from '../api/hooks';
import { useErrorText, useI18n } from '../i18n/I18nProvider';

type Step = { kind: 'form' } | { kind: 'checking' } | { kind: 'confirm'; fingerprint: string } | { kind: 'restarting' };

/** The operator's words for a failed check: which side to update, or the reason the main process named. */
export function useChoiceErrorText(): (error: unknown) => string {
  const { t } = useI18n();
  const errorText = useErrorText();
  return (error) => {
    if (error instanceof RpcError) {
      const details = (error.details ?? {}) as { reason?: string; update?: string; serverAppVersion?: string };
      if (details.reason === 'incompatible-version' && (details.update === 'desktop' || details.update === 'server')) {
        return t(details.update === 'desktop' ? 'desk.update.desktop' : 'desk.update.server', { version: details.serverAppVersion ?? '?' });
      }
    }
    return errorText(error);
  };
}

/**
 * This computer or a team server. A team server is checked by the main process before it is saved
 * (reachable, same contract version, certificate trusted or its fingerprint confirmed here); saving
 * restarts the desktop on the choice.
 */
export function ConnectionChoice({ current, onCancel, embedded = false }: { current: DeskConnection; onCancel?: () => void; embedded?: boolean }) {
  const { t, locale, setLocale } = useI18n();
  const choiceErrorText = useChoiceErrorText();
  const [mode, setMode] = useState<DeskMode>(current.mode ?? 'local');
  const [serverUrl, setServerUrl] = useState(current.serverUrl ?? 'https://');
  const [step, setStep] = useState<Step>({ kind: 'form' });
  const { mutateAsync: chooseConnection } = useRpcMutation('desk:choose-connection');
  const [error, setError] = useState<string | null>(null);

  async function choose(fingerprint?: string) {
    setError(null);
    if (mode === 'team') {
      const checked = teamServerUrlSchema.safeParse(serverUrl);
      if (!checked.success) {
        setError(t(URL.canParse(serverUrl.trim()) ? 'error.reason.not-https' : 'error.reason.invalid-url'));
        return;
      }
    }
    setStep({ kind: 'checking' });
    try {
      const answer = await chooseConnection(mode === 'local' ? { mode } : { mode, serverUrl, fingerprint });
      setStep(answer.outcome === 'restarting' ? { kind: 'restarting' } : { kind: 'confirm', fingerprint: answer.fingerprint });
    } catch (caught) {
      setError(choiceErrorText(caught));
      setStep({ kind: 'form' });
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void choose();
  }

  const body =
    step.kind === 'restarting' ? (
      <Group gap="xs" role="status">
        <Loader size="sm" />
        <Text>{t('desk.restarting')}</Text>
      </Group>
    ) : step.kind === 'confirm' ? (
      <Stack gap="sm" data-testid="desk-confirm-certificate">
        <Title order={4}>{t('desk.certificate.title')}</Title>
        <Text size="sm">{t('desk.certificate.body')}</Text>
        <Text size="sm" c="dimmed">
          {serverUrl}
        </Text>
        <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="desk-fingerprint">
          {step.fingerprint}
        </Code>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setStep({ kind: 'form' })}>
            {t('desk.cancel')}
          </Button>
          <Button color="orange" onClick={() => void choose(step.fingerprint)}>
            {t('desk.certificate.trust')}
          </Button>
        </Group>
      </Stack>
    ) : (
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {!embedded && <Title order={3}>{t('desk.title')}</Title>}
          <Text size="sm" c="dimmed">
            {t('desk.intro')}
          </Text>
          {error && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
              {error}
            </Alert>
          )}
          <Radio.Group value={mode} onChange={(value) => setMode(value === 'team' ? 'team' : 'local')}>
            <Stack gap="xs">
              <Radio.Card value="local" p="md" radius="md" data-testid="desk-local">
                <Group wrap="nowrap" align="flex-start">
                  <Radio.Indicator />
                  <IconDeviceDesktop size={20} />
                  <div>
                    <Text fw={600}>{t('desk.local')}</Text>
                    <Text size="sm" c="dimmed">
                      {t('desk.local.hint')}
                    </Text>
                  </div>
                </Group>
              </Radio.Card>
              <Radio.Card value="team" p="md" radius="md" data-testid="desk-team">
                <Group wrap="nowrap" align="flex-start">
                  <Radio.Indicator />
                  <IconServer size={20} />
                  <div>
                    <Text fw={600}>{t('desk.team')}</Text>
                    <Text size="sm" c="dimmed">
                      {t('desk.team.hint')}
                    </Text>
                  </div>
                </Group>
              </Radio.Card>
            </Stack>
          </Radio.Group>
          {mode === 'team' && (
            <TextInput
              label={t('desk.serverUrl')}
              description={t('desk.serverUrl.hint')}
              placeholder="https://creditdesk.example.com:8443"
              value={serverUrl}
              onChange={(event) => setServerUrl(event.currentTarget.value)}
              data-testid="desk-server-url"
              autoFocus
            />
          )}
          <Group justify="space-between">
            {!embedded ? (
              <Group gap={4}>
                {locales.map((next) => (
                  <Button key={next} size="compact-xs" variant={locale === next ? 'light' : 'subtle'} onClick={() => setLocale(next)}>
                    {next === 'zh-CN' ? '中文' : 'English'}
                  </Button>
                ))}
              </Group>
            ) : (
              <span />
            )}
            <Group gap="xs">
              {onCancel && (
                <Button variant="default" onClick={onCancel}>
                  {t('desk.cancel')}
                </Button>
              )}
              <Button type="submit" loading={step.kind === 'checking'} data-testid="desk-submit">
                {t('desk.submit')}
              </Button>
            </Group>
          </Group>
          {step.kind === 'checking' && (
            <Text size="xs" c="dimmed" role="status">
              {t('desk.checking')}
            </Text>
          )}
        </Stack>
      </form>
    );

  if (embedded) return body;
  return (
    <Center mih="100vh" bg="var(--mantine-color-gray-light)">
      <Paper withBorder shadow="md" p="xl" radius="md" w={520} data-testid="desk-choice">
        {body}
      </Paper>
    </Center>
  );
}

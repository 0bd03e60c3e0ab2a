import { Alert, Anchor, Button, Center, Group, Paper, PasswordInput, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { contract } from '../../shared/rpc/contract';
import { RpcError } from '../api/client';
import { contractResolver } from '../forms/contract-form';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/I18nProvider';
import { useDesk } from '../desk/DeskProvider';
import { useSession } from './SessionProvider';

export function SignInPage() {
  const { t, locale, setLocale } = useI18n();
  const { signIn } = useSession();
  const desk = useDesk();
  const form = useForm({
    initialValues: { username: '', password: '' },
    validate: contractResolver(contract['auth:sign-in'].input, t, { username: 'signIn.usernameRequired', password: 'signIn.passwordRequired' }),
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit({ username, password }: typeof form.values) {
    setBusy(true);
    setError(null);
    try {
      await signIn(username, password);
    } catch (caught) {
      if (caught instanceof RpcError && caught.code === 'RATE_LIMITED') {
        const retryAfterMs = (caught.details as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 1000;
        setError(t('signIn.throttled', { seconds: Math.ceil(retryAfterMs / 1000) }));
      } else if (caught instanceof RpcError && caught.code === 'UNAUTHORIZED') {
        setError(t('signIn.failed'));
      } else {
        setError(errorText(locale, caught));
      }
      form.setFieldValue('password', '');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" bg="var(--mantine-color-gray-light)">
      <Paper withBorder shadow="md" p="xl" radius="md" w={380}>
        <form onSubmit={form.onSubmit(submit)} noValidate>
          <Stack gap="md">
            <div>
              <Title order={2}>{t('app.name')}</Title>
              <Text c="dimmed" size="sm">
                {t('app.tagline')}
              </Text>
            </div>
            <Title order={4}>{t('signIn.title')}</Title>
            {error && (
              <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
                {error}
              </Alert>
            )}
            <TextInput
              label={t('signIn.username')}
              autoComplete="username"
              autoFocus
              {...form.getInputProps('username')}
            />
            <PasswordInput
              label={t('signIn.password')}
              autoComplete="current-password"
              {...form.getInputProps('password')}
            />
            <Button type="submit" loading={busy} fullWidth>
              {t('signIn.submit')}
            </Button>
            <SegmentedControl
              size="xs"
              value={locale}
              onChange={(value) => setLocale(value === 'en' ? 'en' : 'zh-CN')}
              data={[
                { value: 'zh-CN', label: '中文' },
                { value: 'en', label: 'English' },
              ]}
              aria-label={t('menu.language')}
            />
            {desk.connection.canChoose && (
              <Group gap={6} justify="center" wrap="nowrap" data-testid="desk-current">
                <Text size="xs" c="dimmed" truncate>
                  {desk.connection.mode === 'team' ? t('desk.current.team', { url: desk.connection.serverUrl ?? '' }) : t('desk.current.local')}
                </Text>
                <Anchor component="button" type="button" size="xs" onClick={desk.openChoice} style={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
                  {t('desk.change')}
                </Anchor>
              </Group>
            )}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

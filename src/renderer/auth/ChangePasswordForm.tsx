import { Alert, Button, PasswordInput, Stack } from '@mantine/core';
import { notify } from '../components/notify';
import { useState, type FormEvent } from 'react';
import { rpc } from '../api/client';
import { useT } from '../i18n/I18nProvider';
import { passwordErrorText } from './passwordErrors';

export function ChangePasswordForm({ onDone }: { onDone(): void }) {
  const t = useT();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (next.length < 10) return setError(t('password.tooShort'));
    if (next !== confirm) return setError(t('password.mismatch'));
    setBusy(true);
    setError(null);
    try {
      await rpc('auth:change-password', { currentPassword: current, newPassword: next });
      notify({ color: 'green', message: t('password.changed') });
      onDone();
    } catch (caught) {
      setError(passwordErrorText(t, caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <PasswordInput label={t('password.current')} autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.currentTarget.value)} />
        <PasswordInput
          label={t('password.new')}
          description={t('password.rules')}
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.currentTarget.value)}
        />
        <PasswordInput label={t('password.confirm')} autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} />
        <Button type="submit" loading={busy}>
          {t('password.submit')}
        </Button>
      </Stack>
    </form>
  );
}

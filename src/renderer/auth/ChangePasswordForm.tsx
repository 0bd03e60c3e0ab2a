import { Alert, Button, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { z } from 'zod';
import { contract } from '../../shared/rpc/contract';
import { useRpcMutation } from '../api/hooks';
import { notify } from '../components/notify';
import { contractResolver } from '../forms/contract-form';
import { useT } from '../i18n/I18nProvider';
import { passwordErrorText } from './passwordErrors';

/** The channel's rule, plus the confirmation the operator types twice. */
const changePasswordForm = contract['auth:change-password'].input
  .extend({ confirm: z.string() })
  .refine((values) => values.newPassword === values.confirm, { path: ['confirm'] });

export function ChangePasswordForm({ onDone }: { onDone(): void }) {
  const t = useT();
  const change = useRpcMutation('auth:change-password');
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirm: '' },
    validate: contractResolver(changePasswordForm, t, { currentPassword: 'password.currentRequired', newPassword: 'password.length', confirm: 'password.mismatch' }),
  });

  async function submit({ currentPassword, newPassword }: typeof form.values) {
    await change.mutateAsync({ currentPassword, newPassword });
    notify({ color: 'green', message: t('password.changed') });
    onDone();
  }

  return (
    <form onSubmit={form.onSubmit((values) => void submit(values).catch(() => undefined))} noValidate>
      <Stack gap="sm">
        {change.error && (
          <Alert color="red" role="alert">
            {passwordErrorText(t, change.error)}
          </Alert>
        )}
        <PasswordInput label={t('password.current')} autoComplete="current-password" {...form.getInputProps('currentPassword')} />
        <PasswordInput label={t('password.new')} description={t('password.rules')} autoComplete="new-password" {...form.getInputProps('newPassword')} />
        <PasswordInput label={t('password.confirm')} autoComplete="new-password" {...form.getInputProps('confirm')} />
        <Button type="submit" loading={change.isPending}>
          {t('password.submit')}
        </Button>
      </Stack>
    </form>
  );
}

import { ActionIcon, Alert, Badge, Button, Group, Loader, Menu, Modal, PasswordInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notify } from '../../components/notify';
import { IconDots, IconUserPlus } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { displayNameMaxLength, type UserSummary } from '../../../shared/contracts/users';
import { LengthCounter } from '../../components/LengthCounter';
import { contract } from '../../../shared/rpc/contract';
import { roles, type Role } from '../../../shared/rpc/permissions';
import { useInvalidateOn, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { passwordErrorText } from '../../auth/passwordErrors';
import { useOperator } from '../../auth/SessionProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { contractResolver } from '../../forms/contract-form';
import { formatDateTime } from '../../i18n/format';
import { useErrorText, useI18n } from '../../i18n/I18nProvider';
import { SessionSettingsForm } from './SessionSettingsForm';

function CreateUserForm({ onDone }: { onDone(): void }) {
  const { t } = useI18n();
  const create = useRpcMutation('users:create', { invalidates: ['users:list'] });
  const form = useForm<{ username: string; displayName: string; role: Role; password: string }>({
    initialValues: { username: '', displayName: '', role: 'reviewer', password: '' },
    validate: contractResolver(contract['users:create'].input, t, { username: 'users.usernameRule', displayName: 'users.displayNameRequired', password: 'password.length' }),
  });

  async function submit(values: typeof form.values) {
    const user = await create.mutateAsync(values);
    notify({ color: 'green', message: t('users.created', { username: user.username }) });
    onDone();
  }

  return (
    <form onSubmit={form.onSubmit((values) => void submit(values).catch(() => undefined))} noValidate>
      <Stack gap="sm">
        {create.error && <Alert color="red" role="alert">{passwordErrorText(t, create.error)}</Alert>}
        <TextInput label={t('users.username')} {...form.getInputProps('username')} required />
        <TextInput label={t('users.displayName')} {...form.getInputProps('displayName')} required maxLength={displayNameMaxLength} rightSectionWidth={72} rightSection={<LengthCounter value={form.values.displayName} max={displayNameMaxLength} />} />
        <Select
          label={t('users.role')}
          data={roles.map((value) => ({ value, label: t(`role.${value}`) }))}
          value={form.values.role}
          onChange={(value) => value && form.setFieldValue('role', value as Role)}
          allowDeselect={false}
        />
        <PasswordInput label={t('users.initialPassword')} description={t('users.initialPasswordHint')} {...form.getInputProps('password')} required />
        <Button type="submit" loading={create.isPending}>
          {t('users.add')}
        </Button>
      </Stack>
    </form>
  );
}

/** The channel's rule for the new password; the account's id is added on submit. */
const resetPasswordForm = contract['users:reset-password'].input.pick({ password: true });

function ResetPasswordForm({ user, onDone }: { user: UserSummary; onDone(): void }) {
  const { t } = useI18n();
  const reset = useRpcMutation('users:reset-password', { invalidates: ['users:list'] });
  const form = useForm({ initialValues: { password: '' }, validate: contractResolver(resetPasswordForm, t, { password: 'password.length' }) });
  return (
    <form onSubmit={form.onSubmit(({ password }) => reset.mutate({ id: user.id, password }, { onSuccess: onDone }))} noValidate>
      <Stack gap="sm">
        {reset.error && <Alert color="red" role="alert">{passwordErrorText(t, reset.error)}</Alert>}
        <PasswordInput label={t('users.initialPassword')} description={t('users.initialPasswordHint')} {...form.getInputProps('password')} />
        <Button type="submit" loading={reset.isPending}>
          {t('users.resetPassword')}
        </Button>
      </Stack>
    </form>
  );
}

/** Operator accounts for administrators; the same rules as `creditdesk users` apply server-side. */
export function UsersPanel() {
  const errorText = useErrorText();
  const { t, locale } = useI18n();
  const me = useOperator();
  const users = useRpcQuery('users:list', {});
  const update = useRpcMutation('users:update', { invalidates: ['users:list'] });
  const [createOpen, createModal] = useDisclosure(false);
  const [resetting, setResetting] = useState<UserSummary | null>(null);
  useInvalidateOn('users:changed', ['users:list']);

  function change(input: Parameters<typeof update.mutate>[0]) {
    update.mutate(input, {
      onSuccess: () => notify({ color: 'green', message: t('users.saved') }),
      onError: (error) => notify({ color: 'red', message: errorText(error) }),
    });
  }

  if (users.isPending) return <Loader size="sm" />;
  if (users.isError) return <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />;
  return (
    <>
      <Group justify="flex-end" mb="sm">
        <Button leftSection={<IconUserPlus size={16} />} onClick={createModal.open}>
          {t('users.add')}
        </Button>
      </Group>
      <Table striped highlightOnHover withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('users.username')}</Table.Th>
            <Table.Th>{t('users.displayName')}</Table.Th>
            <Table.Th>{t('users.role')}</Table.Th>
            <Table.Th>{t('users.state')}</Table.Th>
            <Table.Th>{t('users.lastSignIn')}</Table.Th>
            <Table.Th w={60}>{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.data.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {user.username} {user.id === me.id && <Text span c="dimmed" size="xs">{t('users.you')}</Text>}
                </Text>
              </Table.Td>
              <Table.Td>{user.displayName}</Table.Td>
              <Table.Td>
                <Select
                  size="xs"
                  w={130}
                  aria-label={`${t('users.role')} ${user.username}`}
                  data={roles.map((value) => ({ value, label: t(`role.${value}`) }))}
                  value={user.role}
                  disabled={user.id === me.id}
                  allowDeselect={false}
                  onChange={(value) => value && value !== user.role && change({ id: user.id, role: value as Role })}
                />
              </Table.Td>
              <Table.Td>
                {user.disabled ? (
                  <Badge color="gray">{t('users.disabled')}</Badge>
                ) : user.locked ? (
                  <Badge color="orange">{t('users.locked')}</Badge>
                ) : (
                  <Badge color="green">{t('users.active')}</Badge>
                )}
              </Table.Td>
              <Table.Td>{user.lastSignInAt ? formatDateTime(user.lastSignInAt, locale) : t('users.never')}</Table.Td>
              <Table.Td>
                <Menu position="bottom-end" withinPortal>
                  <Menu.Target>
                    <ActionIcon variant="subtle" aria-label={`${t('common.actions')} ${user.username}`}>
                      <IconDots size={16} />
                    </ActionIcon>
                  </Menu.Target>
                  <Menu.Dropdown>
                    {user.locked && <Menu.Item onClick={() => change({ id: user.id, unlock: true })}>{t('users.unlock')}</Menu.Item>}
                    {user.id !== me.id && <Menu.Item onClick={() => setResetting(user)}>{t('users.resetPassword')}</Menu.Item>}
                    {user.id !== me.id && (
                      <Menu.Item color={user.disabled ? undefined : 'red'} onClick={() => change({ id: user.id, disabled: !user.disabled })}>
                        {user.disabled ? t('users.enable') : t('users.disable')}
                      </Menu.Item>
                    )}
                  </Menu.Dropdown>
                </Menu>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <SessionSettingsForm />
      <Modal opened={createOpen} onClose={createModal.close} title={t('users.add')}>
        <CreateUserForm onDone={createModal.close} />
      </Modal>
      <Modal opened={resetting !== null} onClose={() => setResetting(null)} title={`${t('users.resetPassword')}: ${resetting?.username ?? ''}`}>
        {resetting && <ResetPasswordForm user={resetting} onDone={() => setResetting(null)} />}
      </Modal>
    </>
  );
}

import { Alert, Badge, Button, Group, Loader, Modal, NumberInput, PasswordInput, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { notify } from '../../components/notify';
import { IconCheck, IconPlugConnected, IconPlus, IconX } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { ConnectionTest, InstitutionSummary } from '../../../shared/contracts/institutions';
import { contract } from '../../../shared/rpc/contract';
import { RpcError } from '../../api/client';
import { useInvalidateOn, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { contractResolver } from '../../forms/contract-form';
import { formatDateTime } from '../../i18n/format';
import { useErrorText, useI18n } from '../../i18n/I18nProvider';
import { StateBadge } from '../sync/shared';

function ConnectionResult({ result }: { result: ConnectionTest }) {
  const { t } = useI18n();
  const checks = [
    ['reachability', result.reachability],
    ['signature', result.signature],
    ['capabilities', result.capabilities],
  ] as const;
  return (
    <Stack gap={4} data-testid="connection-result">
      {checks.map(([name, check]) => (
        <Group key={name} gap={6} wrap="nowrap" align="flex-start">
          {check.checked ? check.ok ? <IconCheck size={16} color="var(--mantine-color-green-6)" /> : <IconX size={16} color="var(--mantine-color-red-6)" /> : <IconX size={16} color="var(--mantine-color-gray-5)" />}
          <Text size="sm" fw={600} w={120}>
            {t(`institutions.test.${name}`)}
          </Text>
          <Text size="sm" c={check.checked ? (check.ok ? 'green' : 'red') : 'dimmed'}>
            {check.checked ? (check.ok ? t('institutions.test.ok') : t('institutions.test.failed')) : t('institutions.test.skipped')}
            {check.message ? ` — ${check.message}` : ''}
          </Text>
        </Group>
      ))}
      {result.institution && (
        <Text size="xs" c="dimmed">
          {t('institutions.test.serves', { name: result.institution.name, code: result.institution.code, resources: result.institution.resources.join(', ') })}
          {result.institution.repaymentPlans ? '' : ` · ${t('institutions.plansMissing')}`}
        </Text>
      )}
    </Stack>
  );
}

interface Draft {
  code: string;
  name: string;
  baseUrl: string;
  appId: string;
  secret: string;
  syncIntervalSeconds: number;
  enabled: boolean;
}

const institutionMessages = {
  code: 'institutions.codeRule',
  name: 'institutions.nameRequired',
  baseUrl: 'institutions.baseUrlRule',
  appId: 'institutions.appIdRequired',
  secret: 'institutions.secretRule',
  syncIntervalSeconds: 'institutions.intervalRule',
} as const;

/** An edit sends what changed: an empty secret keeps the stored one. */
function updateOf(id: number, draft: Draft) {
  return {
    id,
    name: draft.name,
    baseUrl: draft.baseUrl,
    appId: draft.appId,
    syncIntervalSeconds: draft.syncIntervalSeconds,
    enabled: draft.enabled,
    ...(draft.secret !== '' ? { secret: draft.secret } : {}),
  };
}

/** Add or edit one institution. The secret is write-only: blank when editing keeps the stored one. */
function InstitutionForm({ existing, onDone }: { existing: InstitutionSummary | null; onDone(): void }) {
  const errorText = useErrorText();
  const { t } = useI18n();
  const createRule = contractResolver(contract['institutions:create'].input, t, institutionMessages);
  const updateRule = contractResolver(contract['institutions:update'].input, t, institutionMessages);
  const form = useForm<Draft>({
    initialValues: {
      code: existing?.code ?? '',
      name: existing?.name ?? '',
      baseUrl: existing?.baseUrl ?? '',
      appId: existing?.appId ?? '',
      secret: '',
      syncIntervalSeconds: existing?.syncIntervalSeconds ?? 300,
      enabled: existing?.enabled ?? true,
    },
    // The channel the form will call checks it: create the whole, update what it sends.
    validate: (values) => (existing ? updateRule(updateOf(existing.id, values)) : createRule(values)),
  });
  const draft = form.values;
  const create = useRpcMutation('institutions:create', { invalidates: ['institutions:list', 'sync:overview'] });
  const update = useRpcMutation('institutions:update', { invalidates: ['institutions:list', 'sync:overview'] });
  const test = useRpcMutation('institutions:test-connection');
  const error = create.error ?? update.error;
  // The stored secret only signs requests to the stored URL: a new URL needs it typed again.
  const urlChanged = existing !== null && draft.baseUrl.trim() !== existing.baseUrl;
  const secretMissing = (existing === null || urlChanged) && draft.secret === '';
  const messageOf = (failure: Error) =>
    failure instanceof RpcError && (failure.details as { reason?: unknown } | undefined)?.reason === 'secret-required-for-new-url' ? t('institutions.secretForNewUrl') : errorText(failure);

  async function submit(values: Draft) {
    if (existing) {
      await update.mutateAsync(updateOf(existing.id, values));
    } else {
      await create.mutateAsync(values);
    }
    notify({ color: 'green', message: t('institutions.saved') });
    onDone();
  }

  function runTest() {
    test.mutate(
      existing
        ? { id: existing.id, baseUrl: draft.baseUrl, appId: draft.appId, ...(draft.secret !== '' ? { secret: draft.secret } : {}) }
        : { baseUrl: draft.baseUrl, appId: draft.appId, secret: draft.secret },
    );
  }

  return (
    <form onSubmit={form.onSubmit((values) => void submit(values).catch(() => undefined))} noValidate>
      <Stack gap="sm">
        {error && <Alert color="red">{messageOf(error)}</Alert>}
        <TextInput label={t('institutions.code')} description={t('institutions.codeHint')} {...form.getInputProps('code')} disabled={existing !== null} required />
        <TextInput label={t('institutions.name')} {...form.getInputProps('name')} required />
        <TextInput label={t('institutions.baseUrl')} description={t('institutions.baseUrlHint')} placeholder="https://api.example.com/credit" {...form.getInputProps('baseUrl')} required />
        <TextInput label={t('institutions.appId')} {...form.getInputProps('appId')} required />
        <PasswordInput
          label={t('institutions.secret')}
          description={urlChanged ? t('institutions.secretForNewUrl') : existing ? (existing.secretReadable ? t('institutions.secretKeep') : t('institutions.secretUnreadable')) : t('institutions.secretNew')}
          {...form.getInputProps('secret')}
          autoComplete="new-password"
          required={existing === null || urlChanged}
        />
        <NumberInput label={t('institutions.interval')} min={10} max={86_400} {...form.getInputProps('syncIntervalSeconds')} onChange={(value) => form.setFieldValue('syncIntervalSeconds', Number(value) || 0)} />
        <Switch label={t('institutions.enabled')} {...form.getInputProps('enabled', { type: 'checkbox' })} />
        {test.data && <ConnectionResult result={test.data} />}
        {test.error && <Alert color="red">{messageOf(test.error)}</Alert>}
        <Group justify="space-between">
          <Button variant="default" leftSection={<IconPlugConnected size={16} />} loading={test.isPending} onClick={runTest} disabled={draft.baseUrl === '' || draft.appId === '' || secretMissing}>
            {t('institutions.test')}
          </Button>
          <Button type="submit" loading={create.isPending || update.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Settings > Institutions (admin): the institutions CreditDesk syncs, and how to reach them. */
export function InstitutionsPanel() {
  const errorText = useErrorText();
  const { t, locale } = useI18n();
  const institutions = useRpcQuery('institutions:list', {});
  const update = useRpcMutation('institutions:update', { invalidates: ['institutions:list', 'sync:overview'] });
  const [editing, setEditing] = useState<InstitutionSummary | 'new' | null>(null);
  useInvalidateOn('sync:state', ['institutions:list']);

  if (institutions.isPending) return <Loader size="sm" />;
  if (institutions.isError) return <ErrorAlert error={institutions.error} onRetry={() => void institutions.refetch()} />;
  return (
    <>
      <Group justify="flex-end" mb="sm">
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
          {t('institutions.add')}
        </Button>
      </Group>
      {institutions.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('institutions.empty')}
        </Text>
      ) : (
        <Table striped highlightOnHover withTableBorder fz="sm" data-testid="institutions-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('institutions.code')}</Table.Th>
              <Table.Th>{t('institutions.name')}</Table.Th>
              <Table.Th>{t('institutions.baseUrl')}</Table.Th>
              <Table.Th>{t('institutions.interval')}</Table.Th>
              <Table.Th>{t('institutions.state')}</Table.Th>
              <Table.Th>{t('sync.lastSuccess')}</Table.Th>
              <Table.Th>{t('institutions.enabled')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {institutions.data.map((institution) => (
              <Table.Tr key={institution.id}>
                <Table.Td ff="monospace">
                  {institution.code}{' '}
                  {institution.demo && (
                    <Badge size="xs" variant="outline">
                      {t('institutions.demo')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{institution.name}</Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace">
                    {institution.baseUrl}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {institution.appId}
                  </Text>
                </Table.Td>
                <Table.Td>{institution.syncIntervalSeconds}</Table.Td>
                <Table.Td>
                  <StateBadge state={institution.state} />
                </Table.Td>
                <Table.Td>{institution.lastSuccessAt ? formatDateTime(institution.lastSuccessAt, locale) : t('sync.never')}</Table.Td>
                <Table.Td>
                  <Switch
                    size="xs"
                    aria-label={`${t('institutions.enabled')} ${institution.code}`}
                    checked={institution.enabled}
                    onChange={(event) => update.mutate({ id: institution.id, enabled: event.currentTarget.checked }, { onError: (error) => notify({ color: 'red', message: errorText(error) }) })}
                  />
                </Table.Td>
                <Table.Td>
                  <Button size="compact-xs" variant="light" onClick={() => setEditing(institution)}>
                    {t('institutions.edit')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing === 'new' ? t('institutions.add') : t('institutions.edit')} size="lg">
        {editing !== null && <InstitutionForm existing={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      </Modal>
    </>
  );
}

import { Alert, Badge, Button, Group, Loader, Modal, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { notify } from '../../components/notify';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { ReasonAction, ReasonCode, ReviewSettings } from '../../../shared/contracts/review';
import { reasonActions } from '../../../shared/domain/review';
import type { ReviewQueue } from '../../../shared/domain/findings';
import { useInvalidateOn, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useErrorText, useI18n } from '../../i18n/I18nProvider';
import { label, reviewQueues } from '../review/shared';

function SlaForm({ settings }: { settings: ReviewSettings }) {
  const errorText = useErrorText();
  const { t } = useI18n();
  const save = useRpcMutation('review:save-settings', { invalidates: ['review:settings', 'review:counts', 'review:list'] });
  const [draft, setDraft] = useState<ReviewSettings>(settings);
  const setQueue = (queue: ReviewQueue, key: 'slaMinutes' | 'dueSoonMinutes', value: number) =>
    setDraft({ ...draft, queues: { ...draft.queues, [queue]: { ...draft.queues[queue], [key]: value } } });
  return (
    <Paper withBorder p="sm" radius="sm">
      <Title order={6} mb="xs">
        {t('review.settings.sla')}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
        {reviewQueues.map((queue) => (
          <Stack key={queue} gap={4}>
            <Text size="sm" fw={600}>
              {label(t, 'review.queue', queue)}
            </Text>
            <NumberInput
              size="xs"
              label={t('review.settings.slaMinutes')}
              min={1}
              value={draft.queues[queue].slaMinutes}
              onChange={(value) => setQueue(queue, 'slaMinutes', Number(value) || 0)}
            />
            <NumberInput
              size="xs"
              label={t('review.settings.dueSoonMinutes')}
              min={0}
              value={draft.queues[queue].dueSoonMinutes}
              onChange={(value) => setQueue(queue, 'dueSoonMinutes', Number(value) || 0)}
            />
          </Stack>
        ))}
      </SimpleGrid>
      <Group mt="sm" align="flex-end">
        <NumberInput
          size="xs"
          w={220}
          label={t('review.settings.lease')}
          description={t('review.settings.leaseHint')}
          min={30}
          max={3600}
          value={draft.leaseSeconds}
          onChange={(value) => setDraft({ ...draft, leaseSeconds: Number(value) || 0 })}
        />
        <Switch
          mb={6}
          label={t('review.settings.fourEyesHigh')}
          checked={draft.fourEyesOnHighSeverity}
          onChange={(event) => setDraft({ ...draft, fourEyesOnHighSeverity: event.currentTarget.checked })}
        />
        <Button
          size="xs"
          loading={save.isPending}
          onClick={() => save.mutate(draft, { onSuccess: () => notify({ color: 'green', message: t('review.settings.saved') }) })}
        >
          {t('common.save')}
        </Button>
      </Group>
      {save.error && (
        <Alert color="red" mt="xs" p="xs">
          {errorText(save.error)}
        </Alert>
      )}
    </Paper>
  );
}

type Draft = Omit<ReasonCode, 'id'> & { id?: number };

function ReasonForm({ initial, onDone }: { initial: Draft; onDone(): void }) {
  const errorText = useErrorText();
  const { t } = useI18n();
  const save = useRpcMutation('review:save-reason-code', { invalidates: ['review:reason-codes', 'review:task'] });
  const [draft, setDraft] = useState<Draft>(initial);
  const editing = initial.id !== undefined;
  return (
    <Stack gap="sm">
      <Group grow>
        <Select
          label={t('review.settings.queue')}
          data={reviewQueues.map((queue) => ({ value: queue, label: label(t, 'review.queue', queue) }))}
          value={draft.queue}
          onChange={(value) => value && setDraft({ ...draft, queue: value as ReviewQueue })}
          disabled={editing}
          allowDeselect={false}
        />
        <Select
          label={t('review.settings.action')}
          data={reasonActions.map((action) => ({ value: action, label: label(t, 'review.action', action) }))}
          value={draft.action}
          onChange={(value) => value && setDraft({ ...draft, action: value as ReasonAction })}
          disabled={editing}
          allowDeselect={false}
        />
      </Group>
      <TextInput
        label={t('review.settings.code')}
        description={t('review.settings.codeHint')}
        value={draft.code}
        onChange={(event) => setDraft({ ...draft, code: event.currentTarget.value.toUpperCase() })}
        disabled={editing}
        ff="monospace"
      />
      <TextInput label={t('review.settings.labelZh')} value={draft.labelZh} onChange={(event) => setDraft({ ...draft, labelZh: event.currentTarget.value })} />
      <TextInput label={t('review.settings.labelEn')} value={draft.labelEn} onChange={(event) => setDraft({ ...draft, labelEn: event.currentTarget.value })} />
      <Group grow align="flex-end">
        <NumberInput label={t('review.settings.order')} min={0} value={draft.sortOrder} onChange={(value) => setDraft({ ...draft, sortOrder: Number(value) || 0 })} />
        <Switch label={t('review.settings.active')} checked={draft.active} onChange={(event) => setDraft({ ...draft, active: event.currentTarget.checked })} />
      </Group>
      {save.error && (
        <Alert color="red" p="xs">
          {errorText(save.error)}
        </Alert>
      )}
      <Button loading={save.isPending} onClick={() => save.mutate(draft, { onSuccess: onDone })}>
        {t('common.save')}
      </Button>
    </Stack>
  );
}

/** Settings > Review: SLA per queue, the claim lease, and the closed reason lists (administrators). */
export function ReviewSettingsPanel() {
  const { t, locale } = useI18n();
  const settings = useRpcQuery('review:settings', {});
  const codes = useRpcQuery('review:reason-codes', { includeInactive: true });
  const [editing, setEditing] = useState<Draft | null>(null);
  const [queue, setQueue] = useState<ReviewQueue>('contacts');
  useInvalidateOn('review:changed', ['review:settings']);
  if (settings.isPending || codes.isPending) return <Loader size="sm" />;
  if (settings.isError) return <ErrorAlert error={settings.error} onRetry={() => void settings.refetch()} />;
  if (codes.isError) return <ErrorAlert error={codes.error} onRetry={() => void codes.refetch()} />;
  const rows = codes.data.filter((code) => code.queue === queue);
  return (
    <Stack gap="sm">
      <SlaForm key={JSON.stringify(settings.data)} settings={settings.data} />
      <Paper withBorder p="sm" radius="sm">
        <Group justify="space-between" mb="xs">
          <Group gap="xs">
            <Title order={6}>{t('review.settings.reasons')}</Title>
            <Select
              size="xs"
              w={150}
              data={reviewQueues.map((value) => ({ value, label: label(t, 'review.queue', value) }))}
              value={queue}
              onChange={(value) => value && setQueue(value as ReviewQueue)}
              allowDeselect={false}
              aria-label={t('review.settings.queue')}
            />
          </Group>
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setEditing({ queue, action: 'reject', code: '', labelZh: '', labelEn: '', active: true, sortOrder: 100 })}>
            {t('review.settings.addReason')}
          </Button>
        </Group>
        <Table striped highlightOnHover withTableBorder verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={110}>{t('review.settings.action')}</Table.Th>
              <Table.Th w={220}>{t('review.settings.code')}</Table.Th>
              <Table.Th>{locale === 'zh-CN' ? t('review.settings.labelZh') : t('review.settings.labelEn')}</Table.Th>
              <Table.Th w={70}>{t('review.settings.order')}</Table.Th>
              <Table.Th w={90}>{t('review.settings.active')}</Table.Th>
              <Table.Th w={80} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((code) => (
              <Table.Tr key={code.id}>
                <Table.Td>{label(t, 'review.action', code.action)}</Table.Td>
                <Table.Td ff="monospace">{code.code}</Table.Td>
                <Table.Td>{locale === 'zh-CN' ? code.labelZh : code.labelEn}</Table.Td>
                <Table.Td>{code.sortOrder}</Table.Td>
                <Table.Td>
                  <Badge size="sm" color={code.active ? 'green' : 'gray'} variant="light" style={{ textTransform: 'none' }}>
                    {code.active ? t('review.settings.activeYes') : t('review.settings.activeNo')}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Button size="compact-xs" variant="subtle" onClick={() => setEditing(code)}>
                    {t('review.settings.edit')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing?.id ? t('review.settings.editReason') : t('review.settings.addReason')}>
        {editing && <ReasonForm key={editing.id ?? 'new'} initial={editing} onDone={() => setEditing(null)} />}
      </Modal>
    </Stack>
  );
}

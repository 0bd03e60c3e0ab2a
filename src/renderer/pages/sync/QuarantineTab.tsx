import { Badge, Button, Checkbox, Code, Group, Select, Spoiler, Stack, Table, Text } from '@mantine/core';
import { notify } from '../../components/notify';
import { useState } from 'react';
import type { InstitutionSummary } from '../../../shared/contracts/institutions';
import { quarantineStatusSchema, syncResourceSchema, type QuarantineItem, type SyncResourceName } from '../../../shared/contracts/sync';
import { useInvalidateOn, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { PagedQuery } from '../../components/PagedQuery';
import { formatDateTime } from '../../i18n/format';
import { useErrorText, useI18n } from '../../i18n/I18nProvider';
import { labelOf } from '../../i18n/translate';
import { InstitutionFilter } from './RunsTab';
import { Pager } from './shared';

/** Quarantine reasons of the sync's own record checks (not zod's), said in the user's language before the detail. */
const recordCheckCodes = new Set(['not_stored', 'duplicate_period', 'unusable_id_number', 'invalid_utf8']);

const resources = syncResourceSchema.options;
const statusColors: Record<QuarantineItem['status'], string> = { open: 'orange', resolved: 'green', superseded: 'gray' };
const limit = 25;

/** Records that failed the API schema, with their reasons; retried by id after the institution fixes them. */
export function QuarantineTab({ institutions, canManage }: { institutions: InstitutionSummary[]; canManage: boolean }) {
  const errorText = useErrorText();
  const { t, locale } = useI18n();
  const [institutionId, setInstitutionId] = useState<number | undefined>(undefined);
  const [resource, setResource] = useState<SyncResourceName | undefined>(undefined);
  const [status, setStatus] = useState<QuarantineItem['status'] | undefined>('open');
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const items = useRpcQuery('sync:quarantine', { institutionId, resource, status, limit, offset });
  const retry = useRpcMutation('sync:quarantine-retry', { invalidates: ['sync:quarantine', 'sync:overview'] });
  useInvalidateOn('sync:state', ['sync:quarantine']);

  const toggle = (id: number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <Group align="flex-end" gap="sm">
        <InstitutionFilter
          institutions={institutions}
          value={institutionId}
          onChange={(value) => {
            setInstitutionId(value);
            setOffset(0);
          }}
        />
        <Select
          size="xs"
          w={170}
          label={t('sync.filter.resource')}
          data={[{ value: '', label: t('sync.filter.all') }, ...resources.map((value) => ({ value, label: t(`sync.resource.${value}`) }))]}
          value={resource ?? ''}
          onChange={(value) => {
            setResource(value ? (value as SyncResourceName) : undefined);
            setOffset(0);
          }}
          allowDeselect={false}
        />
        <Select
          size="xs"
          w={150}
          label={t('sync.filter.status')}
          data={[
            { value: '', label: t('sync.filter.all') },
            ...quarantineStatusSchema.options.map((value) => ({ value, label: t(`sync.quarantine.status.${value}`) })),
          ]}
          value={status ?? ''}
          onChange={(value) => {
            setStatus(value ? (value as QuarantineItem['status']) : undefined);
            setOffset(0);
          }}
          allowDeselect={false}
        />
        {canManage && (
          <Button
            size="xs"
            disabled={selected.size === 0}
            loading={retry.isPending}
            onClick={() =>
              retry.mutate(
                { ids: [...selected] },
                {
                  onSuccess: (result) => {
                    setSelected(new Set());
                    notify({ color: result.failed + result.stillInvalid > 0 ? 'orange' : 'green', message: t('sync.quarantine.retried', result) });
                  },
                  onError: (error) => notify({ color: 'red', message: errorText(error) }),
                },
              )
            }
          >
            {t('sync.quarantine.retry', { count: selected.size })}
          </Button>
        )}
      </Group>
      <PagedQuery query={items} empty={t('sync.quarantine.empty')}>
        {(page) => (
          <>
              <Table withTableBorder mt="sm" fz="xs" verticalSpacing={6} data-testid="sync-quarantine">
                <Table.Thead>
                  <Table.Tr>
                    {canManage && <Table.Th w={30} />}
                    <Table.Th>{t('sync.quarantine.record')}</Table.Th>
                    <Table.Th>{t('sync.quarantine.issues')}</Table.Th>
                    <Table.Th>{t('sync.quarantine.received')}</Table.Th>
                    <Table.Th>{t('sync.filter.status')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.rows.map((item) => (
                    <Table.Tr key={item.id}>
                      {canManage && (
                        <Table.Td>
                          <Checkbox
                            size="xs"
                            aria-label={`${item.institutionCode} ${item.externalId ?? item.id}`}
                            disabled={item.status !== 'open' || item.externalId === null}
                            checked={selected.has(item.id)}
                            onChange={() => toggle(item.id)}
                          />
                        </Table.Td>
                      )}
                      <Table.Td>
                        <Stack gap={0}>
                          <Text size="xs" ff="monospace">
                            {item.institutionCode} · {item.externalId ?? t('sync.quarantine.noId')}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {t(`sync.resource.${item.resource}`)}
                          </Text>
                        </Stack>
                      </Table.Td>
                      <Table.Td maw={460}>
                        <Stack gap={2}>
                          {item.issues.map((issue, index) => (
                            <Text key={index} size="xs">
                              <Code>{issue.path || '(root)'}</Code> {recordCheckCodes.has(issue.code) ? `${labelOf(t, 'sync.quarantine.code', issue.code)} · ` : ''}
                              {issue.message}
                            </Text>
                          ))}
                          <Spoiler maxHeight={0} showLabel={t('sync.quarantine.payload')} hideLabel={t('common.close')}>
                            <Code block fz={10} mah={260} style={{ overflow: 'auto' }}>
                              {item.payload}
                            </Code>
                          </Spoiler>
                        </Stack>
                      </Table.Td>
                      <Table.Td>{formatDateTime(item.receivedAt, locale)}</Table.Td>
                      <Table.Td>
                        <Stack gap={2}>
                          <Badge size="xs" variant="light" color={statusColors[item.status]}>
                            {t(`sync.quarantine.status.${item.status}`)}
                          </Badge>
                          {item.resolution && (
                            <Text size="xs" c="dimmed">
                              {item.resolution}
                            </Text>
                          )}
                        </Stack>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Pager offset={offset} limit={limit} total={page.total} onChange={setOffset} />
          </>
        )}
      </PagedQuery>
    </>
  );
}

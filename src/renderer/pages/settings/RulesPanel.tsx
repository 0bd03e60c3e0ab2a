import { ActionIcon, Alert, Button, Card, Group, Loader, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { notify } from '../../components/notify';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { faceVendorSchema, defaultFaceBands, type FaceBand } from '../../../shared/domain/face';
import type { DomainSettings } from '../../../shared/domain/settings';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useErrorText, useI18n } from '../../i18n/I18nProvider';
import { labelOf } from '../../i18n/translate';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder padding="md">
      <Title order={5} mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

/** Basis points shown and typed as a percentage with two decimals (2400 <-> 24.00). */
function percentFromBps(bps: number): number {
  return bps / 100;
}
function bpsFromPercent(value: string | number): number {
  return Math.round(Number(value) * 100);
}

/**
 * The business settings behind the domain rules (DOMAIN.md: choices, not laws). Saving sends the
 * whole form; the server validates it and re-derives delinquency, APR flags, line flags and findings.
 */
export function RulesPanel() {
  const errorText = useErrorText();
  const { t } = useI18n();
  const current = useRpcQuery('settings:get-domain', {});
  const institutions = useRpcQuery('institutions:list', {});
  const save = useRpcMutation('settings:set-domain', { invalidates: ['settings:get-domain'] });
  const [draft, setDraft] = useState<DomainSettings | null>(null);

  if (current.isPending) return <Loader size="sm" />;
  if (current.isError) return <ErrorAlert error={current.error} onRetry={() => void current.refetch()} />;
  const form = draft ?? current.data;
  const dirty = draft !== null && JSON.stringify(draft) !== JSON.stringify(current.data);
  const update = (changes: Partial<DomainSettings>) => setDraft({ ...form, ...changes });
  const updateBand = (index: number, changes: Partial<FaceBand>) =>
    update({ faceBands: form.faceBands.map((band, position) => (position === index ? { ...band, ...changes } : band)) });
  const integer = (value: string | number, fallback: number) => (Number.isFinite(Number(value)) && value !== '' ? Math.trunc(Number(value)) : fallback);

  async function submit() {
    try {
      await save.mutateAsync({ settings: form as unknown as Record<string, unknown> });
      setDraft(null);
      notify({ color: 'green', message: t('rules.saved') });
    } catch {
      // The error is shown above the form.
    }
  }

  const vendorLabel = (vendor: string) => labelOf(t, 'review.vendor', vendor);
  return (
    <Stack gap="md" maw={1100}>
      <Text size="sm" c="dimmed">
        {t('rules.intro')}
      </Text>
      {save.error && (
        <Alert color="red" role="alert">
          {errorText(save.error)}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Section title={t('rules.section.delinquency')}>
          <NumberInput
            label={t('rules.graceDays')}
            description={t('rules.graceDays.hint')}
            min={0}
            max={3}
            value={form.graceDays}
            onChange={(value) => update({ graceDays: integer(value, form.graceDays) })}
            maw={320}
          />
          <Text size="sm" fw={600} mt="md" mb={4}>
            {t('rules.graceByInstitution')}
          </Text>
          <Table withTableBorder fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('rules.institution')}</Table.Th>
                <Table.Th>{t('rules.declared')}</Table.Th>
                <Table.Th>{t('rules.override')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(institutions.data ?? []).map((institution) => {
                const key = String(institution.id);
                const override = form.graceDaysByInstitution[key];
                return (
                  <Table.Tr key={institution.id}>
                    <Table.Td>{institution.name}</Table.Td>
                    <Table.Td>{institution.capabilities ? institution.capabilities.graceDays : t('rules.unknown')}</Table.Td>
                    <Table.Td>
                      <Select
                        size="xs"
                        w={190}
                        aria-label={`${t('rules.override')} ${institution.name}`}
                        data={[{ value: '', label: t('rules.inherit') }, ...['0', '1', '2', '3'].map((value) => ({ value, label: value }))]}
                        value={override === undefined ? '' : String(override)}
                        allowDeselect={false}
                        onChange={(value) => {
                          const next = { ...form.graceDaysByInstitution };
                          if (value === null || value === '') delete next[key];
                          else next[key] = Number(value);
                          update({ graceDaysByInstitution: next });
                        }}
                      />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Section>
        <Stack gap="md">
          <Section title={t('rules.section.apr')}>
            <Group grow align="flex-start">
              <NumberInput
                label={t('rules.aprWarning')}
                decimalScale={2}
                min={0}
                value={percentFromBps(form.aprWarningBps)}
                onChange={(value) => update({ aprWarningBps: bpsFromPercent(value) })}
              />
              <NumberInput
                label={t('rules.aprNonCompliant')}
                decimalScale={2}
                min={0}
                value={percentFromBps(form.aprNonCompliantBps)}
                onChange={(value) => update({ aprNonCompliantBps: bpsFromPercent(value) })}
              />
            </Group>
            <Text size="sm" mt="sm" mb={4}>
              {t('rules.aprBasis')}
            </Text>
            <SegmentedControl
              value={form.aprBasis}
              onChange={(value) => update({ aprBasis: value === 'xirr' ? 'xirr' : 'monthly' })}
              data={[
                { value: 'monthly', label: t('rules.aprBasis.monthly') },
                { value: 'xirr', label: t('rules.aprBasis.xirr') },
              ]}
            />
          </Section>
          <Section title={t('rules.section.penalty')}>
            <Group grow align="flex-start">
              <TextInput label={t('rules.penaltyMultiplier')} value={form.penaltyMultiplier} onChange={(event) => update({ penaltyMultiplier: event.currentTarget.value.trim() })} />
              <Select
                label={t('rules.penaltyDayBasis')}
                data={['360', '365']}
                value={String(form.penaltyDayBasis)}
                allowDeselect={false}
                onChange={(value) => update({ penaltyDayBasis: value === '365' ? 365 : 360 })}
              />
            </Group>
          </Section>
        </Stack>
      </SimpleGrid>
      <Section title={t('rules.section.flags')}>
        <SimpleGrid cols={{ base: 2, lg: 4 }}>
          <NumberInput
            label={t('rules.sharedContact')}
            description={t('rules.sharedContact.hint')}
            min={1}
            value={form.sharedContactMinApplicants}
            onChange={(value) => update({ sharedContactMinApplicants: integer(value, form.sharedContactMinApplicants) })}
          />
          <NumberInput label={t('rules.expiringWithin')} min={0} value={form.expiringWithinDays} onChange={(value) => update({ expiringWithinDays: integer(value, form.expiringWithinDays) })} />
          <NumberInput
            label={t('rules.singleBatchExpiring')}
            min={0}
            value={form.singleBatchExpiringDays}
            onChange={(value) => update({ singleBatchExpiringDays: integer(value, form.singleBatchExpiringDays) })}
          />
          <NumberInput label={t('rules.ocrExpiring')} min={0} value={form.ocrExpiringSoonDays} onChange={(value) => update({ ocrExpiringSoonDays: integer(value, form.ocrExpiringSoonDays) })} />
          <NumberInput
            label={t('rules.rollCohort')}
            description={t('rules.rollCohort.hint')}
            min={1}
            value={form.rollRateMinimumCohortLoans}
            onChange={(value) => update({ rollRateMinimumCohortLoans: integer(value, form.rollRateMinimumCohortLoans) })}
          />
        </SimpleGrid>
      </Section>
      <Section title={t('rules.section.privacy')}>
        <Switch
          label={t('rules.revealPurpose')}
          description={t('rules.revealPurpose.hint')}
          checked={form.revealNeedsPurpose}
          onChange={(event) => update({ revealNeedsPurpose: event.currentTarget.checked })}
          data-testid="reveal-needs-purpose"
        />
      </Section>
      <Section title={t('rules.section.face')}>
        <Text size="sm" c="dimmed" mb="sm">
          {t('rules.face.hint')}
        </Text>
        <Table withTableBorder fz="sm" data-testid="face-bands">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rules.face.vendor')}</Table.Th>
              <Table.Th>{t('rules.face.model')}</Table.Th>
              <Table.Th>{t('rules.face.rejectBelow')}</Table.Th>
              <Table.Th>{t('rules.face.passAt')}</Table.Th>
              <Table.Th>{t('rules.face.published')}</Table.Th>
              <Table.Th w={50} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {form.faceBands.map((band, index) => (
              <Table.Tr key={index}>
                <Table.Td>
                  <Select
                    size="xs"
                    w={180}
                    aria-label={t('rules.face.vendor')}
                    data={faceVendorSchema.options.map((vendor) => ({ value: vendor, label: vendorLabel(vendor) }))}
                    value={band.vendor}
                    allowDeselect={false}
                    onChange={(value) => value && updateBand(index, { vendor: faceVendorSchema.parse(value) })}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    size="xs"
                    w={110}
                    aria-label={t('rules.face.model')}
                    value={band.modelVersion}
                    placeholder="*"
                    onChange={(event) => updateBand(index, { modelVersion: event.currentTarget.value.trim() || '*' })}
                  />
                  {band.modelVersion === '*' && (
                    <Text size="xs" c="dimmed">
                      {t('rules.face.anyModel')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <NumberInput size="xs" w={110} aria-label={t('rules.face.rejectBelow')} decimalScale={3} value={band.rejectBelow} onChange={(value) => updateBand(index, { rejectBelow: Number(value) })} />
                </Table.Td>
                <Table.Td>
                  <NumberInput size="xs" w={110} aria-label={t('rules.face.passAt')} decimalScale={3} value={band.passAtOrAbove} onChange={(value) => updateBand(index, { passAtOrAbove: Number(value) })} />
                </Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed">
                    {band.falseAcceptThresholds
                      ? `${band.falseAcceptThresholds.at1e3} / ${band.falseAcceptThresholds.at1e4} / ${band.falseAcceptThresholds.at1e5 ?? '—'}`
                      : '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <ActionIcon variant="subtle" color="red" aria-label={t('rules.face.remove')} onClick={() => update({ faceBands: form.faceBands.filter((_band, position) => position !== index) })}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group mt="sm" gap="xs">
          <Button
            size="xs"
            variant="light"
            leftSection={<IconPlus size={14} />}
            onClick={() => update({ faceBands: [...form.faceBands, { vendor: 'tencent_compareface', modelVersion: '', passAtOrAbove: 0, rejectBelow: 0 }] })}
          >
            {t('rules.face.add')}
          </Button>
          <Button size="xs" variant="subtle" onClick={() => update({ faceBands: [...defaultFaceBands] })}>
            {t('rules.face.resetDefaults')}
          </Button>
        </Group>
      </Section>
      <Group justify="flex-end" gap="xs" pos="sticky" bottom={0} py="sm" style={{ background: 'var(--mantine-color-body)' }}>
        {dirty && (
          <Text size="sm" c="orange">
            {t('rules.unsaved')}
          </Text>
        )}
        <Button variant="default" disabled={!dirty} onClick={() => setDraft(null)}>
          {t('rules.discard')}
        </Button>
        <Button disabled={!dirty} loading={save.isPending} onClick={() => void submit()} data-testid="rules-save">
          {t('rules.save')}
        </Button>
      </Group>
    </Stack>
  );
}

import { Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCheck } from '@tabler/icons-react';
import type { TaskDetail } from '../../../shared/contracts/review';
import { useI18n } from '../../i18n/I18nProvider';
import { ImageViewer, type ImageView } from './ImageViewer';
import { label, PersonalValue, severityColor, severityOf } from './shared';

type Ocr = NonNullable<TaskDetail['ocr']>;
type IdCheck = Ocr['submittedId'];

const validityColors: Record<Ocr['validity']['state'], string> = { valid: 'green', expiring_soon: 'orange', expired: 'red', not_yet_valid: 'red', unreadable: 'orange' };

function IdCheckCard({ title, check, taskId, canReveal }: { title: string; check: IdCheck; taskId: number; canReveal: boolean }) {
  const { t } = useI18n();
  return (
    <Paper withBorder p="xs" radius="sm">
      <Group justify="space-between" mb={2} wrap="nowrap">
        <Text size="sm" fw={600}>
          {title}
        </Text>
        <Badge size="sm" color={check.valid ? 'green' : 'red'} variant="light" style={{ textTransform: 'none' }}>
          {check.valid ? t('review.ocr.idValid') : t('review.ocr.idInvalid')}
        </Badge>
      </Group>
      <PersonalValue taskId={taskId} value={check.number} canReveal={canReveal} mono />
      <Table withRowBorders={false} verticalSpacing={1} mt={2}>
        <Table.Tbody>
          <Table.Tr>
            <Table.Td c="dimmed" w={110}>
              {t('review.ocr.checksum')}
            </Table.Td>
            <Table.Td>
              {check.checkExpected === null ? (
                '—'
              ) : check.checkExpected === check.checkActual ? (
                <Group gap={4} wrap="nowrap">
                  <IconCheck size={14} color="var(--mantine-color-green-7)" />
                  <Text size="sm">{t('review.ocr.checksumOk', { check: check.checkExpected })}</Text>
                </Group>
              ) : (
                <Text size="sm" c="red.8" fw={600}>
                  {t('review.ocr.checksumBad', { expected: check.checkExpected, actual: check.checkActual ?? '—' })}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.ocr.encodedSex')}</Table.Td>
            <Table.Td>{check.sex ? label(t, 'review.sex', check.sex) : '—'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.ocr.encodedBirth')}</Table.Td>
            <Table.Td>{check.birthDate ? <PersonalValue taskId={taskId} value={check.birthDate} canReveal={canReveal} mono /> : '—'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.ocr.ageBand')}</Table.Td>
            <Table.Td>{check.ageBand ? t('review.ocr.ageBandValue', { band: check.ageBand }) : '—'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.ocr.province')}</Table.Td>
            <Table.Td>{check.province ?? '—'}</Table.Td>
          </Table.Tr>
          {check.errors.length > 0 && (
            <Table.Tr>
              <Table.Td c="dimmed">{t('review.ocr.errors')}</Table.Td>
              <Table.Td c="red.8">{check.errors.map((error) => label(t, 'review.idError', error)).join('；')}</Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

/** ID front and back, the OCR fields against the submission, the number's checks, validity and quality. */
export function OcrEvidence({ taskId, ocr, canSeeImages, canReveal, view, findingCount = 0 }: { taskId: number; ocr: Ocr; canSeeImages: boolean; canReveal: boolean; view: ImageView; findingCount?: number }) {
  const { t } = useI18n();
  // A flagged validity date is not a mismatch of two values: it is expired, not yet valid or unreadable.
  const isValidityField = (field: Ocr['fields'][number]) => field.field === 'validFrom' || field.field === 'validTo';
  const mismatches = ocr.fields.filter((field) => field.mismatch && !isValidityField(field)).length;
  // Green "all match" only when nothing else put the task here (a quality warning or an expiry).
  const fieldBadge = mismatches > 0 ? { color: 'red', text: t('review.ocr.mismatches', { count: mismatches }) } : findingCount > 0 ? { color: 'gray', text: t('review.ocr.fieldsMatchOnly', { count: findingCount }) } : { color: 'green', text: t('review.ocr.noMismatch') };
  return (
    <Stack gap="sm">
      <Group gap="sm" align="stretch" wrap="nowrap">
        <ImageViewer taskId={taskId} which="id_front" title={t('review.ocr.front')} enabled={canSeeImages} view={view} height={210} />
        <ImageViewer taskId={taskId} which="id_back" title={t('review.ocr.back')} enabled={canSeeImages} view={view} height={210} />
      </Group>
      <Paper withBorder p="sm" radius="sm">
        <Group justify="space-between" mb={4}>
          <Title order={6}>{t('review.ocr.fields')}</Title>
          <Badge color={fieldBadge.color} variant="light" style={{ textTransform: 'none' }} data-testid="ocr-mismatches">
            {fieldBadge.text}
          </Badge>
        </Group>
        <Table withTableBorder verticalSpacing={4} data-testid="ocr-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={120}>{t('review.ocr.field')}</Table.Th>
              <Table.Th>{t('review.ocr.ocrValue')}</Table.Th>
              <Table.Th>{t('review.ocr.compared')}</Table.Th>
              <Table.Th w={90}>{t('review.ocr.result')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {ocr.fields.map((field) => (
              <Table.Tr key={field.field} bg={field.mismatch ? 'var(--mantine-color-red-0)' : undefined} data-mismatch={field.mismatch || undefined}>
                <Table.Td fw={500}>{label(t, 'review.ocr.fieldName', field.field)}</Table.Td>
                <Table.Td>
                  <PersonalValue taskId={taskId} value={field.field === 'sex' ? { ...field.ocr, value: label(t, 'review.sex', field.ocr.value) } : field.ocr} canReveal={canReveal} mono={field.field === 'idNumber'} />
                </Table.Td>
                <Table.Td>
                  {field.compared ? (
                    <Group gap={6} wrap="nowrap">
                      <PersonalValue
                        taskId={taskId}
                        value={field.field === 'sex' ? { ...field.compared, value: label(t, 'review.sex', field.compared.value) } : field.compared}
                        canReveal={canReveal}
                        mono={field.field === 'idNumber'}
                      />
                      <Text size="xs" c="dimmed">
                        {field.comparedSource ? label(t, 'review.ocr.source', field.comparedSource) : ''}
                      </Text>
                    </Group>
                  ) : (
                    <Text size="xs" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {field.mismatch ? (
                    <Group gap={4} wrap="nowrap">
                      <IconAlertTriangle size={14} color="var(--mantine-color-red-7)" />
                      <Text size="sm" c="red.8" fw={700} data-testid={`ocr-result-${field.field}`}>
                        {isValidityField(field) ? label(t, 'review.ocr.validityFlag', ocr.validity.state) : t('review.ocr.mismatch')}
                      </Text>
                    </Group>
                  ) : field.compared ? (
                    <IconCheck size={14} color="var(--mantine-color-green-7)" />
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed" mt={4} data-testid="ocr-mask-note">
          {t('review.ocr.maskNote')}
        </Text>
      </Paper>
      <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="sm">
        <IdCheckCard title={t('review.ocr.submittedNumber')} check={ocr.submittedId} taskId={taskId} canReveal={canReveal} />
        <IdCheckCard title={t('review.ocr.ocrNumber')} check={ocr.ocrId} taskId={taskId} canReveal={canReveal} />
        <Paper withBorder p="xs" radius="sm">
          <Group justify="space-between" mb={2}>
            <Text size="sm" fw={600}>
              {t('review.ocr.validity')}
            </Text>
            <Badge size="sm" color={validityColors[ocr.validity.state]} variant="light" style={{ textTransform: 'none' }}>
              {label(t, 'review.ocr.validityState', ocr.validity.state)}
            </Badge>
          </Group>
          <Text size="sm">
            {ocr.validity.from} — {ocr.validity.longTerm ? t('review.ocr.longTerm') : ocr.validity.to}
          </Text>
          {ocr.validity.daysLeft !== null && (
            <Text size="xs" c={ocr.validity.daysLeft < 0 ? 'red.8' : 'dimmed'}>
              {ocr.validity.daysLeft < 0 ? t('review.ocr.expiredDays', { days: -ocr.validity.daysLeft }) : t('review.ocr.daysLeft', { days: ocr.validity.daysLeft })}
            </Text>
          )}
          <Text size="sm" fw={600} mt="xs">
            {t('review.ocr.quality', { score: ocr.qualityScore })}
          </Text>
          {ocr.qualityWarnings.length === 0 ? (
            <Text size="xs" c="dimmed">
              {t('review.ocr.noWarnings')}
            </Text>
          ) : (
            <Stack gap={2} mt={2} data-testid="ocr-warnings">
              {ocr.qualityWarnings.map((warning) => (
                <Group key={warning} gap={6} wrap="nowrap" align="flex-start">
                  <IconAlertTriangle size={14} color={`var(--mantine-color-${severityColor(severityOf(`ocr_quality_${warning}`))}-7)`} style={{ flex: 'none', marginTop: 2 }} />
                  <Text size="xs">{label(t, 'review.quality', warning)}</Text>
                </Group>
              ))}
            </Stack>
          )}
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}

import { Badge, Box, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Fragment, useRef } from 'react';
import type { TaskDetail } from '../../../shared/contracts/review';
import { ANY_MODEL_VERSION } from '../../../shared/domain/face';
import { useInnerWidth } from '../../components/useInnerWidth';
import { useI18n } from '../../i18n/I18nProvider';
import { ImageViewer, type ImageView } from './ImageViewer';
import { scoreBarLayout, type Rect } from './scoreBarLayout';
import { label } from './shared';

type Face = NonNullable<TaskDetail['face']>;

const bandColors: Record<string, string> = { pass: 'green', review: 'orange', reject: 'red', unknown_model: 'gray' };

const zoneColors = { reject: 'var(--mantine-color-red-2)', review: 'var(--mantine-color-orange-2)', pass: 'var(--mantine-color-green-2)', unbanded: 'var(--mantine-color-gray-2)' } as const;
// Before the first layout (and in a test DOM) the bar has no width yet: lay out for a typical one.
const unmeasuredWidth = 300;

/**
 * The score on a 0-100 bar with the reject, review and pass zones and the vendor's published
 * thresholds; scoreBarLayout.ts keeps every label clear of every marker at any score.
 */
export function ScoreBar({ score, rejectBelow, passAtOrAbove, vendorThresholds }: { score: number; rejectBelow: number | null; passAtOrAbove: number | null; vendorThresholds: Array<{ falseAcceptRate: string; score: number }> }) {
  const { t } = useI18n();
  const frame = useRef<HTMLDivElement>(null);
  const width = useInnerWidth(frame) || unmeasuredWidth;
  const layout = scoreBarLayout({ width, score, rejectBelow, passAtOrAbove, vendorThresholds: vendorThresholds.map((threshold) => threshold.score) });
  const place = (rect: Rect) => ({ position: 'absolute' as const, left: rect.x, top: rect.y, width: rect.width, height: rect.height });
  return (
    <Box pt={6} pb={4} px={6} data-testid="score-bar" aria-label={t('review.face.scoreBar', { score: score.toFixed(2) })}>
      <Box ref={frame} style={{ position: 'relative', height: layout.height }}>
        {layout.zones.map((zone) => (
          <Box key={zone.kind} style={{ ...place(zone), background: zoneColors[zone.kind] }} />
        ))}
        {layout.vendorTicks.map((tick, index) => (
          <Box key={index} style={{ ...place(tick), background: 'var(--mantine-color-gray-6)' }} title={`FAR ${vendorThresholds[index]?.falseAcceptRate}: ${tick.value}`} />
        ))}
        {layout.thresholds.map(({ kind, marker, label }) => (
          <Fragment key={kind}>
            <Box data-testid={`threshold-${kind}`} style={{ ...place(marker), background: kind === 'reject' ? 'var(--mantine-color-red-7)' : 'var(--mantine-color-green-7)' }} />
            <Text size="xs" fw={600} lh={`${label.height}px`} c={kind === 'reject' ? 'red.8' : 'green.8'} data-testid={`threshold-${kind}-label`} style={{ ...place(label), textAlign: label.align, whiteSpace: 'nowrap' }}>
              {label.text}
            </Text>
          </Fragment>
        ))}
        <Box data-testid="score-marker" style={{ ...place(layout.score.marker), background: 'var(--mantine-color-dark-7)', borderRadius: 2 }} />
        <Text size="sm" fw={700} lh={`${layout.score.label.height}px`} data-testid="face-score" style={{ ...place(layout.score.label), textAlign: 'center', whiteSpace: 'nowrap' }}>
          {layout.score.label.text}
        </Text>
      </Box>
      <Group justify="space-between" mt={6}>
        <Text size="xs" c="dimmed">
          0
        </Text>
        <Group gap="md">
          <Text size="xs" c="red.8">
            ■ {t('review.face.zone.reject')}
          </Text>
          <Text size="xs" c="orange.8">
            ■ {t('review.face.zone.review')}
          </Text>
          <Text size="xs" c="green.8">
            ■ {t('review.face.zone.pass')}
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          100
        </Text>
      </Group>
    </Box>
  );
}

/** Live photo and reference photo side by side, the score on its band, and liveness. */
export function FaceEvidence({ taskId, face, canSeeImages, view, swapped }: { taskId: number; face: Face; canSeeImages: boolean; view: ImageView; swapped: boolean }) {
  const { t } = useI18n();
  const images = [
    { which: 'live' as const, title: t('review.face.live') },
    { which: 'reference' as const, title: t('review.face.reference') },
  ];
  const ordered = swapped ? [...images].reverse() : images;
  const { compare, band, liveness } = face;
  return (
    <Stack gap="sm">
      <Group gap="sm" align="stretch" wrap="nowrap">
        {ordered.map((image) => (
          <ImageViewer key={image.which} taskId={taskId} which={image.which} title={image.title} enabled={canSeeImages && (image.which === 'live' || compare !== null)} view={view} height={300} />
        ))}
      </Group>
      <SimpleGrid cols={2} spacing="sm">
        <Paper withBorder p="sm" radius="sm">
          <Group justify="space-between" mb={4}>
            <Title order={6}>{t('review.face.compare')}</Title>
            {band && (
              <Badge color={bandColors[band.band]} variant="filled" style={{ textTransform: 'none' }} data-testid="face-band">
                {label(t, 'review.face.band', band.band)}
              </Badge>
            )}
          </Group>
          {compare ? (
            <>
              <Text size="sm">
                {label(t, 'review.vendor', compare.vendor)} · {t('review.face.model', { version: compare.modelVersion })}
                {band?.bandModelVersion && band.bandModelVersion !== compare.modelVersion
                  ? ` · ${band.bandModelVersion === ANY_MODEL_VERSION ? t('review.face.bandRowAnyModel') : t('review.face.bandRow', { version: band.bandModelVersion })}`
                  : ''}
              </Text>
              <ScoreBar score={compare.score} rejectBelow={band?.rejectBelow ?? null} passAtOrAbove={band?.passAtOrAbove ?? null} vendorThresholds={compare.vendorThresholds} />
              <Text size="xs" c="dimmed">
                {t('review.face.thresholds', { reject: band?.rejectBelow ?? '—', pass: band?.passAtOrAbove ?? '—' })}
                {compare.vendorThresholds.length > 0 && ` · ${compare.vendorThresholds.map((threshold) => `FAR ${threshold.falseAcceptRate} = ${threshold.score}`).join(', ')}`}
              </Text>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              {t('review.face.noCompare')}
            </Text>
          )}
        </Paper>
        <Paper withBorder p="sm" radius="sm">
          <Group justify="space-between" mb={4}>
            <Title order={6}>{t('review.face.liveness')}</Title>
            {liveness && (
              <Badge color={liveness.passed ? 'green' : 'red'} variant="filled" style={{ textTransform: 'none' }}>
                {liveness.passed ? t('review.face.livenessPassed') : t('review.face.livenessFailed')}
              </Badge>
            )}
          </Group>
          {liveness ? (
            <Table withRowBorders={false} verticalSpacing={2}>
              <Table.Tbody>
                <Table.Tr>
                  <Table.Td c="dimmed">{t('review.face.attempts')}</Table.Td>
                  <Table.Td fw={liveness.attempts > 1 ? 700 : undefined} c={liveness.attempts > 1 ? 'orange.8' : undefined}>
                    {liveness.attempts}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td c="dimmed">{t('review.face.livenessScore')}</Table.Td>
                  <Table.Td>
                    {liveness.score} / {t('review.face.livenessThreshold', { threshold: liveness.threshold })}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td c="dimmed">{t('review.face.actions')}</Table.Td>
                  <Table.Td>{liveness.actions.map((action) => label(t, 'review.face.action', action)).join(t('common.listSeparator'))}</Table.Td>
                </Table.Tr>
                {liveness.failureReason && (
                  <Table.Tr>
                    <Table.Td c="dimmed">{t('review.face.failureReason')}</Table.Td>
                    <Table.Td c="red.8">{label(t, 'review.face.failure', liveness.failureReason)}</Table.Td>
                  </Table.Tr>
                )}
                <Table.Tr>
                  <Table.Td c="dimmed">{t('review.face.vendor')}</Table.Td>
                  <Table.Td>
                    {label(t, 'review.vendor', liveness.vendor)} {liveness.modelVersion}
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          ) : (
            <Text size="sm" c="dimmed">
              {t('review.face.noLiveness')}
            </Text>
          )}
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}

import { Badge, Box, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { TaskDetail } from '../../../shared/contracts/review';
import { ANY_MODEL_VERSION } from '../../../shared/domain/face';
import { useI18n } from '../../i18n/I18nProvider';
import { ImageViewer, type ImageView } from './ImageViewer';
import { label } from './shared';

type Face = NonNullable<TaskDetail['face']>;

const bandColors: Record<string, string> = { pass: 'green', review: 'orange', reject: 'red', unknown_model: 'gray' };

/** The score on a 0-100 bar with the reject, review and pass zones and the vendor's published thresholds. */
export function ScoreBar({ score, rejectBelow, passAtOrAbove, vendorThresholds }: { score: number; rejectBelow: number | null; passAtOrAbove: number | null; vendorThresholds: Array<{ falseAcceptRate: string; score: number }> }) {
  const { t } = useI18n();
  const clamp = (value: number) => Math.min(100, Math.max(0, value));
  const zones =
    rejectBelow !== null && passAtOrAbove !== null
      ? [
          { from: 0, to: rejectBelow, color: 'var(--mantine-color-red-2)' },
          { from: rejectBelow, to: passAtOrAbove, color: 'var(--mantine-color-orange-2)' },
          { from: passAtOrAbove, to: 100, color: 'var(--mantine-color-green-2)' },
        ]
      : [{ from: 0, to: 100, color: 'var(--mantine-color-gray-2)' }];
  return (
    <Box pt={30} pb={30} px={6} data-testid="score-bar" aria-label={t('review.face.scoreBar', { score: score.toFixed(2) })}>
      <Box style={{ position: 'relative', height: 18, borderRadius: 4, overflow: 'visible' }}>
        {zones.map((zone) => (
          <Box
            key={zone.from}
            style={{ position: 'absolute', left: `${clamp(zone.from)}%`, width: `${clamp(zone.to) - clamp(zone.from)}%`, top: 0, bottom: 0, background: zone.color }}
          />
        ))}
        {[rejectBelow, passAtOrAbove].map((value, index) =>
          value === null ? null : (
            <Box key={index} style={{ position: 'absolute', left: `${clamp(value)}%`, top: -4, bottom: -4, width: 2, background: index === 0 ? 'var(--mantine-color-red-7)' : 'var(--mantine-color-green-7)' }}>
              <Text size="xs" fw={600} c={index === 0 ? 'red.8' : 'green.8'} style={{ position: 'absolute', top: 22, left: -20, width: 42, textAlign: 'center' }}>
                {value}
              </Text>
            </Box>
          ),
        )}
        {vendorThresholds.map((threshold) => (
          <Box key={threshold.falseAcceptRate} style={{ position: 'absolute', left: `${clamp(threshold.score)}%`, top: 18, height: 6, width: 1, background: 'var(--mantine-color-gray-6)' }} title={`FAR ${threshold.falseAcceptRate}: ${threshold.score}`} />
        ))}
        <Box style={{ position: 'absolute', left: `${clamp(score)}%`, top: -8, bottom: -8, width: 3, marginLeft: -1, background: 'var(--mantine-color-dark-7)', borderRadius: 2 }}>
          <Text size="sm" fw={700} style={{ position: 'absolute', top: -20, left: -30, width: 62, textAlign: 'center' }} data-testid="face-score">
            {score.toFixed(2)}
          </Text>
        </Box>
      </Box>
      <Group justify="space-between" mt={26}>
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
  const { t, locale } = useI18n();
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
                  <Table.Td>{liveness.actions.map((action) => label(t, 'review.face.action', action)).join(locale === 'zh-CN' ? '、' : ', ')}</Table.Td>
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

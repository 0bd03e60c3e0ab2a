import { Box, Center, Loader, Paper, Stack, Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { IconLock, IconPhotoOff } from '@tabler/icons-react';
import { useState } from 'react';
import type { ImageKind } from '../../../shared/contracts/review';
import { useEvidenceImage } from '../../api/images';
import { useErrorText, useI18n } from '../../i18n/I18nProvider';

export interface ImageView {
  zoom: number;
  /** Degrees, a multiple of 90. */
  rotation: number;
}

export const defaultView: ImageView = { zoom: 1, rotation: 0 };
export const zoomSteps = [1, 1.5, 2, 3, 4];

export function zoomIn(view: ImageView): ImageView {
  return { ...view, zoom: zoomSteps.find((step) => step > view.zoom) ?? view.zoom };
}

export function zoomOut(view: ImageView): ImageView {
  return { ...view, zoom: [...zoomSteps].reverse().find((step) => step < view.zoom) ?? view.zoom };
}

export function rotate(view: ImageView): ImageView {
  return { ...view, rotation: (view.rotation + 90) % 360 };
}

/**
 * One evidence image in a fixed frame: zoomed images scroll inside the frame, rotated ones are
 * laid out at their rotated size so nothing is cut off.
 */
export function ImageViewer({ taskId, which, title, enabled, view, height }: { taskId: number; which: ImageKind; title: string; enabled: boolean; view: ImageView; height: number }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const { ref, width } = useElementSize();
  const image = useEvidenceImage(taskId, which, enabled);
  const [failed, setFailed] = useState<string | null>(null);
  const sideways = view.rotation % 180 !== 0;
  const frameWidth = Math.max(width, 1);
  const visualWidth = frameWidth * view.zoom;
  const visualHeight = height * view.zoom;
  // Before rotation the box has the visual size's sides swapped when the image lies on its side.
  const boxWidth = sideways ? visualHeight : visualWidth;
  const boxHeight = sideways ? visualWidth : visualHeight;

  let content;
  if (!enabled) {
    content = (
      <Center h={height}>
        <Stack align="center" gap={4}>
          <IconLock size={22} color="var(--mantine-color-dimmed)" />
          <Text size="xs" c="dimmed" ta="center" maw={220}>
            {t('review.image.claimFirst')}
          </Text>
        </Stack>
      </Center>
    );
  } else if (image.error || failed === image.url) {
    content = (
      <Center h={height}>
        <Stack align="center" gap={4}>
          <IconPhotoOff size={22} color="var(--mantine-color-red-6)" />
          <Text size="xs" c="red" ta="center" maw={240}>
            {image.error ? errorText(image.error) : t('review.image.failed')}
          </Text>
        </Stack>
      </Center>
    );
  } else if (!image.url) {
    content = (
      <Center h={height}>
        <Loader size="sm" />
      </Center>
    );
  } else {
    content = (
      <Box style={{ height, overflow: 'auto' }} data-testid={`image-${which}`}>
        <Box style={{ position: 'relative', width: visualWidth, height: visualHeight }}>
          <img
            src={image.url}
            alt={title}
            onError={() => setFailed(image.url)}
            draggable={false}
            style={{
              position: 'absolute',
              left: (visualWidth - boxWidth) / 2,
              top: (visualHeight - boxHeight) / 2,
              width: boxWidth,
              height: boxHeight,
              objectFit: 'contain',
              transform: `rotate(${view.rotation}deg)`,
              background: 'var(--mantine-color-gray-1)',
            }}
          />
        </Box>
      </Box>
    );
  }
  return (
    <Paper withBorder radius="sm" p={4} style={{ flex: 1, minWidth: 0 }}>
      <Text size="xs" fw={600} c="dimmed" px={4} pb={2}>
        {title}
        {enabled && view.zoom !== 1 ? ` · ${Math.round(view.zoom * 100)}%` : ''}
        {enabled && view.rotation !== 0 ? ` · ${view.rotation}°` : ''}
      </Text>
      <div ref={ref}>{content}</div>
    </Paper>
  );
}

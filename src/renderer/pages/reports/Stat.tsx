import { Paper, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** One headline figure of a report. */
export function Stat({ label, value, detail, color, testId }: { label: string; value: ReactNode; detail?: ReactNode; color?: string; testId?: string }) {
  return (
    <Paper withBorder p="sm" radius="sm" data-testid={testId} style={color ? { borderLeft: `4px solid var(--mantine-color-${color}-6)` } : undefined}>
      <Text size="xs" c="dimmed" lineClamp={1}>
        {label}
      </Text>
      <Text fw={600} size="lg" style={{ fontVariantNumeric: 'tabular-nums' }}>
        {value}
      </Text>
      {detail !== undefined && (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      )}
    </Paper>
  );
}

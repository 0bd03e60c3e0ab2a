import { Text } from '@mantine/core';
import { formatCount } from '../i18n/format';
import { useI18n } from '../i18n/I18nProvider';

/**
 * "n / max" beside an input with a length limit the server enforces too; red once over (a pasted
 * text is kept whole so the operator decides what to cut, never cut silently).
 */
export function LengthCounter({ value, max, testId }: { value: string; max: number; testId?: string }) {
  const { locale } = useI18n();
  const over = value.length > max;
  return (
    <Text size="xs" c={over ? 'red' : 'dimmed'} fw={over ? 700 : undefined} style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }} data-testid={testId} aria-live="polite">
      {formatCount(value.length, locale)} / {formatCount(max, locale)}
    </Text>
  );
}

import { DateInput, DatesProvider } from '@mantine/dates';
import 'dayjs/locale/zh-cn';
import type { ReactNode } from 'react';
import { parseTypedDate } from '../../shared/time';
import { useI18n } from '../i18n/I18nProvider';

/**
 * A calendar day typed or picked, as `YYYY-MM-DD` (a day in Asia/Shanghai, as every filter reads
 * it). Replaces the browser's date input, whose format follows the browser's locale rather than
 * the operator's (a zh-CN screen showed "mm/dd/yyyy"). Typing accepts 2026-12-03, 2026/12/03,
 * 2026.12.03 and 20261203 (`parseTypedDate`); anything else is put back on blur.
 */
export interface DateFieldProps {
  value: string | undefined;
  onChange(value: string | undefined): void;
  label?: ReactNode;
  'aria-label'?: string;
  leftSection?: ReactNode;
  leftSectionWidth?: number;
  min?: string;
  max?: string;
  /** Whether the day can be removed (an open end); a required day is only ever replaced. */
  clearable?: boolean;
  w?: number;
}

/** The calendar's language and week for every date field, following the operator's locale. */
export function DatesLocale({ children }: { children: ReactNode }) {
  const { locale } = useI18n();
  return <DatesProvider settings={{ locale: locale === 'zh-CN' ? 'zh-cn' : 'en', firstDayOfWeek: 1, weekendDays: [0, 6] }}>{children}</DatesProvider>;
}

export function DateField({ value, onChange, label, min, max, clearable = false, w, leftSection, leftSectionWidth, 'aria-label': ariaLabel }: DateFieldProps) {
  const { locale } = useI18n();
  return (
    <DateInput
      size="xs"
      w={w}
      label={label}
      aria-label={ariaLabel}
      leftSection={leftSection}
      leftSectionWidth={leftSectionWidth}
      valueFormat="YYYY-MM-DD"
      placeholder="YYYY-MM-DD"
      dateParser={parseTypedDate}
      monthLabelFormat={locale === 'zh-CN' ? 'YYYY年M月' : 'MMMM YYYY'}
      yearLabelFormat={locale === 'zh-CN' ? 'YYYY年' : 'YYYY'}
      value={value ?? null}
      minDate={min}
      maxDate={max}
      clearable={clearable}
      allowDeselect={clearable}
      popoverProps={{ withinPortal: true }}
      onChange={(next) => {
        if (next === null && !clearable) return;
        onChange(next ?? undefined);
      }}
    />
  );
}

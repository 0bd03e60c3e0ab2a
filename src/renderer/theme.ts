import { createTheme, type MantineThemeOverride } from '@mantine/core';
import type { Locale } from '../shared/contracts/auth';

/**
 * System fonts that cover Chinese on every desktop (PingFang / Microsoft YaHei / Noto Sans CJK)
 * before the Latin fallbacks. English puts one face first that holds only ‘ ’ “ ” from a Latin font
 * (fonts.css): a Chinese font draws them full-width ("server’ s"); its letters stay as they were.
 */
const chineseFirst = '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", Roboto, "Helvetica Neue", Arial, sans-serif';

export const fontFamilies: Record<Locale, string> = {
  'zh-CN': chineseFirst,
  en: `"CreditDesk Latin Quotes", ${chineseFirst}`,
};

/** Dense but readable: reviewers look at this all day. */
function themeIn(locale: Locale): MantineThemeOverride {
  return createTheme({
    primaryColor: 'indigo',
    defaultRadius: 'sm',
    fontFamily: fontFamilies[locale],
    fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
    headings: { fontWeight: '600', fontFamily: fontFamilies[locale] },
    fontSizes: { xs: '12px', sm: '13px', md: '14px', lg: '16px', xl: '18px' },
    components: {
      Table: { defaultProps: { verticalSpacing: 6, horizontalSpacing: 'sm' } },
    },
  });
}

/** The theme of each language, made once (a new object each render would restyle the whole app). */
export const themes: Record<Locale, MantineThemeOverride> = { 'zh-CN': themeIn('zh-CN'), en: themeIn('en') };

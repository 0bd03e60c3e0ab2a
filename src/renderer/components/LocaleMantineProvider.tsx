import { MantineProvider } from '@mantine/core';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { themes } from '../theme';

/** Mantine with the theme of the operator's language (its fonts: see theme.ts). */
export function LocaleMantineProvider({ children }: { children: ReactNode }) {
  const { locale } = useI18n();
  return (
    <MantineProvider theme={themes[locale]} defaultColorScheme="light">
      {children}
    </MantineProvider>
  );
}

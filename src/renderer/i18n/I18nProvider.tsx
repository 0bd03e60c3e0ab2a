import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Locale } from '../../shared/contracts/auth';
import { errorText } from './errorText';
import { translate, type Translate } from './translate';

export { translate, type Translate } from './translate';

interface I18nValue {
  locale: Locale;
  setLocale(locale: Locale): void;
  t: Translate;
}

const I18nContext = createContext<I18nValue | null>(null);
const storageKey = 'creditdesk.locale';

function initialLocale(): Locale {
  const stored = globalThis.localStorage?.getItem(storageKey);
  return stored === 'en' || stored === 'zh-CN' ? stored : 'zh-CN';
}


/** zh-CN first, en second; the choice follows the operator (saved on the server) once signed in. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    globalThis.localStorage?.setItem(storageKey, next);
  }, []);
  // The page says its language from the first render (index.html says zh-CN): screen readers and
  // the browser's choice of glyphs follow it.
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18nValue>(
    () => ({ locale, setLocale, t: (key, params) => translate(locale, key, params) }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n needs an I18nProvider');
  return value;
}

export function useT(): Translate {
  return useI18n().t;
}

/** A failed call in the operator's language (see errorText). */
export function useErrorText(): (error: unknown) => string {
  const { locale } = useI18n();
  return useCallback((error: unknown) => errorText(locale, error), [locale]);
}

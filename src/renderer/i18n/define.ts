/**
 * An English message that depends on a number: `one` for 1, `other` otherwise, chosen by
 * Intl.PluralRules('en'). Chinese has no plural forms, so the zh-CN side stays one string.
 */
export interface EnglishPlural {
  one: string;
  other: string;
  /** The parameter that decides (default 'count'). */
  by?: string;
}

/** Each message carries both languages side by side, so neither can be forgotten. */
export interface Bilingual {
  'zh-CN': string;
  en: string | EnglishPlural;
}

export function defineMessages<K extends string>(messages: Record<K, Bilingual>): Record<K, Bilingual> {
  return messages;
}

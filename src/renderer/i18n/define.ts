import type { Locale } from '../../shared/contracts/auth';

/** Each message carries both languages side by side, so neither can be forgotten. */
export type Bilingual = Record<Locale, string>;

export function defineMessages<K extends string>(messages: Record<K, Bilingual>): Record<K, Bilingual> {
  return messages;
}

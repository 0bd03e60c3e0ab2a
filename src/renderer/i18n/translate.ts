import type { Locale } from '../../shared/contracts/auth';
import type { EnglishPlural } from './define';
import { messages, type MessageKey } from './messages';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const englishPlurals = new Intl.PluralRules('en');

/** The template for a number: a parameter formatted for display ("1,234") still decides. */
function templateOf(entry: string | EnglishPlural, params?: Record<string, string | number>): string {
  if (typeof entry === 'string') return entry;
  const value = params?.[entry.by ?? 'count'];
  const count = typeof value === 'number' ? value : Number(String(value).replace(/,/g, ''));
  return englishPlurals.select(count) === 'one' ? entry.one : entry.other;
}

/** A message in one language with its {placeholders} filled; the key itself when there is no such message. */
export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const entry = messages[key]?.[locale];
  const template = entry === undefined ? key : templateOf(entry, params);
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Whether a key built at run time names a message. */
export function isMessageKey(key: string): key is MessageKey {
  return key in messages;
}

/** The message for a code known only at run time (a status, a finding, a reported enum), or the code itself when there is none. */
export function labelOf(t: Translate, prefix: string, value: string, params?: Record<string, string | number>): string {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? t(key, params) : value;
}

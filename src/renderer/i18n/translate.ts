import type { Locale } from '../../shared/contracts/auth';
import { messages, type MessageKey } from './messages';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A message in one language with its {placeholders} filled; the key itself when there is no such message. */
export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const template = messages[key]?.[locale] ?? key;
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

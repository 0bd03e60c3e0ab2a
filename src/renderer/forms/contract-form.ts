import { schemaResolver, type FormErrors } from '@mantine/form';
import type { z } from 'zod';
import type { MessageKey } from '../i18n/messages';
import type { Translate } from '../i18n/translate';

/**
 * A form's rule: the channel's own input schema, so the form refuses exactly what the router
 * would. The schemas' messages are English and written for the CLI and the API, so each field
 * that fails shows the message named for it here, in the UI language (a generic one otherwise).
 */
export function contractResolver<Values>(schema: z.ZodType<unknown, Values>, t: Translate, messages: Partial<Record<keyof Values & string, MessageKey>>): (values: Values) => FormErrors {
  const resolve = schemaResolver(schema, { sync: true });
  const named: Partial<Record<string, MessageKey>> = messages;
  return (values) => Object.fromEntries(Object.keys(resolve(values)).map((field) => [field, t(named[field] ?? 'form.invalid')]));
}

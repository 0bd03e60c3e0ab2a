import { Anchor, Collapse, Group, List, Text } from '@mantine/core';
import { useState } from 'react';
import type { SyncIgnoredNote } from '../../../shared/contracts/sync';
import { formatCount } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { labelOf, type Translate } from '../../i18n/translate';
import { statsSubjectLabel } from './labels';

/** Kinds whose `detail` is zod's own text: worded from `field` and `issue`, the text kept for support. */
const unreadableKinds: ReadonlySet<SyncIgnoredNote['kind']> = new Set(['unreadable_product', 'unreadable_figures']);

/** What a note is about: a resource or sum of /v1/stats worded as elsewhere on the page; a product, resource or key the client does not know as sent. */
function subjectOf(t: Translate, note: SyncIgnoredNote): string {
  return note.source === 'stats' && note.kind !== 'unknown_key' ? statsSubjectLabel(t, note.subject) : note.subject;
}

/** What is wrong with an unreadable entry, in the user's language (notes stored before `issue` existed point to the technical detail). */
function reasonOf(t: Translate, note: SyncIgnoredNote): string {
  if (note.issue === undefined) return t('sync.ignored.issue.unknown');
  if (note.issue === 'not_an_object') return t('sync.ignored.issue.not_an_object');
  if (note.field == null) return t('sync.ignored.issue.entry');
  return labelOf(t, 'sync.ignored.issue', note.issue, { field: note.field });
}

/**
 * What the institution's /v1/capabilities and /v1/stats said that this client ignores or cannot
 * compare (a new resource or product, an unknown status or key, a sum beyond 2^53): additions the
 * standard allows, so the pass goes on, but an administrator should know (the client may need an
 * update, or the institution a word). A count with the list behind "Show".
 */
export function SyncIgnoredNotes({ notes }: { notes: readonly SyncIgnoredNote[] }) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState(false);
  if (notes.length === 0) return null;
  return (
    <div data-testid="sync-ignored">
      <Group gap={6} wrap="nowrap" align="flex-start">
        <Text size="xs" c="yellow.8">
          {t('sync.ignored.summary', { count: formatCount(notes.length, locale) })}
        </Text>
        <Anchor component="button" type="button" size="xs" onClick={() => setOpen((value) => !value)} style={{ whiteSpace: 'nowrap' }} data-testid="sync-ignored-toggle">
          {open ? t('sync.ignored.hide') : t('sync.ignored.show')}
        </Anchor>
      </Group>
      <Collapse expanded={open}>
        <List size="xs" spacing={2} mt={4} data-testid="sync-ignored-list">
          {notes.map((note, index) => (
            <List.Item key={`${note.source}/${note.kind}/${note.subject}/${note.detail ?? ''}/${index}`}>
              <Text size="xs" span c="dimmed">
                {labelOf(t, 'sync.ignored.source', note.source)} ·{' '}
              </Text>
              <Text size="xs" span>
                {labelOf(t, 'sync.ignored', note.kind, { subject: subjectOf(t, note), detail: note.detail ?? '', reason: unreadableKinds.has(note.kind) ? reasonOf(t, note) : '' })}
              </Text>
              {unreadableKinds.has(note.kind) && note.detail !== null && (
                <Text size="xs" c="dimmed" ff="monospace" data-testid="sync-ignored-technical">
                  {t('sync.ignored.technical', { detail: note.detail })}
                </Text>
              )}
            </List.Item>
          ))}
        </List>
      </Collapse>
    </div>
  );
}

import { Anchor, Collapse, Group, List, Text } from '@mantine/core';
import { useState } from 'react';
import type { SyncIgnoredNote } from '../../../shared/contracts/sync';
import { formatCount } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { labelOf } from '../../i18n/translate';

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
                {labelOf(t, 'sync.ignored', note.kind, { subject: note.subject, detail: note.detail ?? '' })}
              </Text>
            </List.Item>
          ))}
        </List>
      </Collapse>
    </div>
  );
}

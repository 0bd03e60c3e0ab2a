import { Alert } from '@mantine/core';
import { IconHourglass } from '@tabler/icons-react';
import { PageHeader } from '../components/PageHeader';
import { useT } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/messages';

/** A navigation target whose capability has not landed yet; says so plainly. */
export function Placeholder({ title, capability }: { title: MessageKey; capability: string }) {
  const t = useT();
  return (
    <>
      <PageHeader title={t(title)} />
      <Alert icon={<IconHourglass size={18} />} color="gray">
        {t('common.comingWith', { capability })}
      </Alert>
    </>
  );
}

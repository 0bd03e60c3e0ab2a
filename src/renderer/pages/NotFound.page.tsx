import { Button, Stack, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useT } from '../i18n/I18nProvider';

export function NotFoundPage() {
  const t = useT();
  return (
    <Stack align="flex-start">
      <Title order={3}>{t('notFound.title')}</Title>
      <Button component={Link} to="/" variant="light">
        {t('notFound.back')}
      </Button>
    </Stack>
  );
}

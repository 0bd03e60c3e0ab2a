import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link } from 'react-router';
import { RpcError } from '../api/client';
import { useT } from '../i18n/I18nProvider';

/**
 * The number in a deep link (#/loans/123), or null when it is not one: such a link can never load,
 * so the page says "not found" at once instead of waiting on a query that will never run.
 */
export function routeId(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) return null;
  const id = Number(raw);
  return id > 0 ? id : null;
}

/** The back end answered that the record does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof RpcError && error.code === 'NOT_FOUND';
}

/** "Not found" with a way back: to the list the record belongs to, else to the start page. */
export function NotFoundPage({ title, back }: { title?: string; back?: { to: string; label: string } }) {
  const t = useT();
  return (
    <Stack align="flex-start" gap="sm" data-testid="not-found" role="alert">
      <Title order={3}>{title ?? t('notFound.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('notFound.body')}
      </Text>
      <Group gap="xs">
        {back && (
          <Button component={Link} to={back.to} leftSection={<IconArrowLeft size={16} />} data-testid="not-found-back">
            {back.label}
          </Button>
        )}
        <Button component={Link} to="/" variant={back ? 'default' : 'light'}>
          {t('notFound.back')}
        </Button>
      </Group>
    </Stack>
  );
}

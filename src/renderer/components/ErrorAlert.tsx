import { Alert, Button, Group } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { RpcError } from '../api/client';
import { useErrorText, useT } from '../i18n/I18nProvider';

/** A failed load, in words, with a retry where a retry can help. */
export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  const errorText = useErrorText();
  const message = errorText(error);
  const retryable = !(error instanceof RpcError) || error.retryable;
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t('common.error')} role="alert">
      <Group justify="space-between" wrap="nowrap">
        <span>{message}</span>
        {onRetry && retryable && (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )}
      </Group>
    </Alert>
  );
}

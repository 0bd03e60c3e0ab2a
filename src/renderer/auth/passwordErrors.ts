import { RpcError } from '../api/client';
import type { Translate } from '../i18n/translate';

const ruleReasons = ['common', 'username', 'app-name', 'pattern'] as const;

function isRuleReason(reason: string | undefined): reason is (typeof ruleReasons)[number] {
  return (ruleReasons as readonly (string | undefined)[]).includes(reason);
}

/**
 * A refused password (set, reset or changed) in the operator's language: the back end names the
 * rule in `details.reason`; anything else falls back to the message it sent.
 */
export function passwordErrorText(t: Translate, error: unknown): string {
  if (!(error instanceof RpcError)) return error instanceof Error ? error.message : String(error);
  const details = (error.details ?? {}) as { reason?: string; retryAfterMs?: number };
  if (error.code === 'RATE_LIMITED') return t('password.throttled', { seconds: Math.ceil((details.retryAfterMs ?? 1000) / 1000) });
  if (isRuleReason(details.reason)) return t(`password.rule.${details.reason}`);
  if (details.reason === 'current-wrong') return t('password.currentWrong');
  if (details.reason === 'same') return t('password.same');
  if (details.reason === 'own-password') return t('users.resetOwn');
  return error.message;
}

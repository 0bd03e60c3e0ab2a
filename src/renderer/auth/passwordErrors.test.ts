import { describe, expect, it } from 'vitest';
import { RpcError } from '../api/client';
import { translate } from '../i18n/translate';
import { passwordErrorText } from './passwordErrors';

describe('refused passwords in the operator’s language', () => {
  const zh = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('zh-CN', key, params);
  const en = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('en', key, params);

  it('names each rule the back end reports, in Chinese first and in English', () => {
    for (const reason of ['common', 'username', 'app-name', 'pattern']) {
      const error = new RpcError('VALIDATION', 'English from the server', { field: 'newPassword', reason });
      expect(passwordErrorText(zh, error)).toBe(translate('zh-CN', `password.rule.${reason}` as 'password.rule.common'));
      expect(passwordErrorText(en, error)).toBe(translate('en', `password.rule.${reason}` as 'password.rule.common'));
      expect(passwordErrorText(zh, error)).not.toBe('English from the server');
    }
  });

  it('tells the wait after too many wrong current passwords, and sends one’s own reset to change-password', () => {
    expect(passwordErrorText(zh, new RpcError('RATE_LIMITED', 'x', { retryAfterMs: 30_000 }))).toBe('当前密码错误次数过多，请 30 秒后再试。');
    expect(passwordErrorText(en, new RpcError('CONFLICT', 'x', { reason: 'own-password' }))).toBe(translate('en', 'users.resetOwn'));
    expect(passwordErrorText(zh, new RpcError('VALIDATION', 'x', { reason: 'current-wrong' }))).toBe('当前密码不正确。');
  });
});

import { describe, expect, it } from 'vitest';
import { errorText } from './errorText';

describe('errorText', () => {
  it('says a validation error by field and limit in Chinese, never the server’s English', () => {
    const error = { code: 'VALIDATION', message: 'Invalid input for borrowers:search: query: Too big', details: { issues: [{ path: ['query'], code: 'too_big', limit: 64, message: 'Too big' }] } };
    expect(errorText('zh-CN', error)).toBe('搜索内容过长：最多 64 个字符');
    expect(errorText('en', error)).toBe('The search is too long: at most 64 characters');
  });

  it('says "does not exist" for an unknown id in the operator’s language', () => {
    const text = errorText('zh-CN', { code: 'NOT_FOUND', message: 'Loan 999999 does not exist.' });
    expect(text).toBe('要找的记录不存在，可能编号有误或已被删除。');
    expect(text).not.toMatch(/Loan|exist/);
  });

  it('uses the reason the server names, with its parameters', () => {
    expect(errorText('zh-CN', { code: 'CONFLICT', message: 'Li is working on this task.', details: { reason: 'held_by_other', holder: '李四' } })).toBe('李四 正在处理此任务。');
  });

  it('says an unreachable server, and anything unknown, without English from elsewhere', () => {
    expect(errorText('zh-CN', { code: 'NETWORK', message: 'CreditDesk’s server cannot be reached.' })).toBe('无法连接 CreditDesk 服务。');
    expect(errorText('zh-CN', new TypeError('Failed to fetch'))).toBe('服务器出错了，详情已记入日志。');
  });
});

import { defineMessages } from '../define';

export const authMessages = defineMessages({
  'signIn.title': { 'zh-CN': '登录 CreditDesk', en: 'Sign in to CreditDesk' },
  'signIn.username': { 'zh-CN': '用户名', en: 'Username' },
  'signIn.password': { 'zh-CN': '密码', en: 'Password' },
  'signIn.submit': { 'zh-CN': '登录', en: 'Sign in' },
  'signIn.failed': { 'zh-CN': '用户名或密码错误。', en: 'Wrong username or password.' },
  'signIn.locked': {
    'zh-CN': '多次输入错误，账号已锁定至 {time}。请稍后再试或联系管理员解锁。',
    en: 'Too many wrong passwords: the account is locked until {time}. Try later or ask an administrator.',
  },
  'signIn.disabled': { 'zh-CN': '此账号已停用，请联系管理员。', en: 'This account is disabled. Ask an administrator.' },
  'signIn.required': { 'zh-CN': '请输入用户名和密码。', en: 'Enter your username and password.' },
  'password.title': { 'zh-CN': '修改密码', en: 'Change password' },
  'password.mustChange': {
    'zh-CN': '首次登录或密码被重置后，请先设置新密码。',
    en: 'Set a new password before you continue (first sign-in or a reset password).',
  },
  'password.current': { 'zh-CN': '当前密码', en: 'Current password' },
  'password.new': { 'zh-CN': '新密码', en: 'New password' },
  'password.confirm': { 'zh-CN': '确认新密码', en: 'Confirm new password' },
  'password.mismatch': { 'zh-CN': '两次输入的新密码不一致。', en: 'The new passwords do not match.' },
  'password.tooShort': { 'zh-CN': '新密码至少 10 个字符。', en: 'The new password needs at least 10 characters.' },
  'password.changed': { 'zh-CN': '密码已修改。', en: 'Password changed.' },
  'password.submit': { 'zh-CN': '修改密码', en: 'Change password' },
});

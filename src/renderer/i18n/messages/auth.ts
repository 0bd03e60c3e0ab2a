import { defineMessages } from '../define';

export const authMessages = defineMessages({
  'signIn.title': { 'zh-CN': '登录 CreditDesk', en: 'Sign in to CreditDesk' },
  'signIn.username': { 'zh-CN': '用户名', en: 'Username' },
  'signIn.password': { 'zh-CN': '密码', en: 'Password' },
  'signIn.submit': { 'zh-CN': '登录', en: 'Sign in' },
  'signIn.failed': { 'zh-CN': '用户名或密码错误，或账号已停用。', en: 'Wrong username or password, or the account is disabled.' },
  'signIn.throttled': {
    'zh-CN': '尝试次数过多，请 {seconds} 秒后再试。如仍无法登录，请联系管理员解锁。',
    en: 'Too many attempts. Try again in {seconds} s; if you still cannot sign in, ask an administrator to unlock the account.',
  },
  'signIn.usernameRequired': { 'zh-CN': '请输入用户名。', en: 'Enter your username.' },
  'signIn.passwordRequired': { 'zh-CN': '请输入密码。', en: 'Enter your password.' },
  'password.title': { 'zh-CN': '修改密码', en: 'Change password' },
  'password.mustChange': {
    'zh-CN': '首次登录或密码被重置后，请先设置新密码。',
    en: 'Set a new password before you continue (first sign-in or a reset password).',
  },
  'password.current': { 'zh-CN': '当前密码', en: 'Current password' },
  'password.new': { 'zh-CN': '新密码', en: 'New password' },
  'password.confirm': { 'zh-CN': '确认新密码', en: 'Confirm new password' },
  'password.mismatch': { 'zh-CN': '两次输入的新密码不一致。', en: 'The new passwords do not match.' },
  'password.length': { 'zh-CN': '密码需 10 至 200 个字符。', en: 'A password has 10 to 200 characters.' },
  'password.currentRequired': { 'zh-CN': '请输入当前密码。', en: 'Enter your current password.' },
  'password.changed': { 'zh-CN': '密码已修改。', en: 'Password changed.' },
  'password.submit': { 'zh-CN': '修改密码', en: 'Change password' },
  'password.rules': {
    'zh-CN': '至少 10 个字符；不可使用常见密码，不可包含用户名或应用名称，不可为重复或连续的字符。',
    en: 'At least 10 characters; not a common password, not containing the username or the app name, not repeated or sequential characters.',
  },
  'password.currentWrong': { 'zh-CN': '当前密码不正确。', en: 'The current password is wrong.' },
  'password.same': { 'zh-CN': '新密码不能与当前密码相同。', en: 'The new password must differ from the current one.' },
  'password.throttled': {
    'zh-CN': '当前密码错误次数过多，请 {seconds} 秒后再试。',
    en: 'Too many wrong current passwords. Try again in {seconds} s.',
  },
  'password.rule.common': { 'zh-CN': '该密码过于常见，请换一个难以猜到的密码。', en: 'This password is too common; choose one that is hard to guess.' },
  'password.rule.username': { 'zh-CN': '密码不能包含用户名（包括倒写）。', en: 'The password must not contain the username (or it reversed).' },
  'password.rule.app-name': { 'zh-CN': '密码不能包含应用名称 CreditDesk。', en: 'The password must not contain the app name, CreditDesk.' },
  'password.rule.pattern': {
    'zh-CN': '密码由重复或连续的字符组成，请换一个难以猜到的密码。',
    en: 'The password is made of repeated or sequential characters; choose one that is hard to guess.',
  },
});

import { defineMessages } from '../define';

/** The desktop's choice of back end, its link to a team server, and what supervisors see of the team. */
export const teamMessages = defineMessages({
  'desk.title': { 'zh-CN': 'CreditDesk 在哪里工作？', en: 'Where does CreditDesk work?' },
  'desk.intro': {
    'zh-CN': '可以随时在登录页或右上角的用户菜单中更改。',
    en: 'You can change this later from the sign-in screen or the operator menu.',
  },
  'desk.local': { 'zh-CN': '本机', en: 'This computer' },
  'desk.local.hint': {
    'zh-CN': '数据库和机构同步都在这台电脑上，适合一个人使用。',
    en: 'The database and the institutions’ sync run on this computer: for one person working alone.',
  },
  'desk.team': { 'zh-CN': '团队服务器', en: 'A team server' },
  'desk.team.hint': {
    'zh-CN': '连接团队共用的 CreditDesk 服务器：同一队列、四眼复核、本机不保存借款人数据。',
    en: 'Connect to the team’s CreditDesk server: one shared queue, four-eyes across people, no borrower data kept on this computer.',
  },
  'desk.serverUrl': { 'zh-CN': '服务器地址', en: 'Server address' },
  'desk.serverUrl.hint': { 'zh-CN': '由管理员提供，以 https:// 开头', en: 'From your administrator; starts with https://' },
  'desk.submit': { 'zh-CN': '使用此设置', en: 'Use this' },
  'desk.cancel': { 'zh-CN': '取消', en: 'Cancel' },
  'desk.restarting': { 'zh-CN': '已保存，CreditDesk 正在重新启动…', en: 'Saved; CreditDesk is restarting…' },
  'desk.checking': { 'zh-CN': '正在检查服务器…', en: 'Checking the server…' },
  'desk.certificate.title': { 'zh-CN': '请核对服务器证书', en: 'Check the server’s certificate' },
  'desk.certificate.body': {
    'zh-CN': '此服务器的证书没有受信任的机构签名。请将下面的 SHA-256 指纹与管理员提供的指纹逐字核对，一致时才选择“信任并连接”。之后证书若变化，连接将被拒绝。',
    en: 'No trusted authority signed this server’s certificate. Compare the SHA-256 fingerprint below with the one your administrator gave you, character by character, and choose “Trust and connect” only if they match. If the certificate changes later, the connection is refused.',
  },
  'desk.certificate.trust': { 'zh-CN': '信任并连接', en: 'Trust and connect' },
  'desk.current.local': { 'zh-CN': '工作位置：本机', en: 'Working on: this computer' },
  'desk.current.team': { 'zh-CN': '工作位置：团队服务器 {url}', en: 'Working on: the team server {url}' },
  'desk.change': { 'zh-CN': '更改', en: 'Change' },
  'desk.menu': { 'zh-CN': '工作位置（本机 / 团队服务器）…', en: 'Where CreditDesk works…' },
  'desk.update.desktop': {
    'zh-CN': '团队服务器运行的 CreditDesk 版本（{version}）比本桌面端新：请将本桌面端更新到该版本。',
    en: 'The team server runs a newer CreditDesk ({version}) than this desktop: update this desktop to that release.',
  },
  'desk.update.server': {
    'zh-CN': '团队服务器运行的 CreditDesk 版本（{version}）比本桌面端旧：请管理员更新服务器。',
    en: 'The team server runs an older CreditDesk ({version}) than this desktop: ask the administrator to update the server.',
  },
  'review.taken.claimed': { 'zh-CN': '{name} 已于 {age}前领取此任务，您现在不能处理它。', en: '{name} took this task {age} ago; you cannot work on it now.' },
  'review.taken.decided': { 'zh-CN': '此任务已由他人处理。', en: 'Someone else has dealt with this task.' },
  'review.taken.next': { 'zh-CN': '处理下一个任务', en: 'Take the next task' },
  'error.reason.invalid-url': { 'zh-CN': '这不是有效的网址，例如 https://creditdesk.example.com:8443', en: 'That is not a web address; for example https://creditdesk.example.com:8443' },
  'error.reason.not-https': { 'zh-CN': '团队服务器只能通过 https:// 连接。', en: 'A team server is reached over https:// only.' },
  'error.reason.unreachable': {
    'zh-CN': '该地址没有 CreditDesk 服务器应答。请检查地址、端口和网络，或联系管理员。',
    en: 'No CreditDesk server answers at that address. Check the address, the port and the network, or ask your administrator.',
  },
  'error.reason.invalid-fingerprint': { 'zh-CN': 'SHA-256 指纹应为 64 位十六进制数字。', en: 'A SHA-256 fingerprint is 64 hex digits.' },
  'error.reason.certificate-changed': {
    'zh-CN': '服务器出示的证书与之前确认的不同，连接已被拒绝。请联系管理员核实（可能是证书已更换，也可能是有人冒充服务器）。',
    en: 'The server presents another certificate than the one confirmed before, so the connection is refused. Ask your administrator (the certificate may have been replaced, or someone may be posing as the server).',
  },
  'error.reason.certificate-untrusted': { 'zh-CN': '请先核对并确认服务器证书的指纹。', en: 'Confirm the server certificate’s fingerprint first.' },
  'error.reason.incompatible-version': {
    'zh-CN': '本桌面端与团队服务器的版本不兼容，请按提示更新其中一方。',
    en: 'This desktop and the team server run incompatible releases; update the side named.',
  },
  'error.reason.reconnecting': { 'zh-CN': '暂时连不上团队服务器，正在重连；恢复后请重试。', en: 'The team server cannot be reached; reconnecting. Try again when it is back.' },
  'error.reason.dropped': {
    'zh-CN': '操作进行中与团队服务器的连接中断，可能已生效也可能未生效。请刷新核对后再试。',
    en: 'The connection to the team server dropped during this action; it may or may not have been applied. Check, then try again.',
  },
  'error.reason.not-chosen': { 'zh-CN': '请先选择 CreditDesk 的工作位置。', en: 'Choose where CreditDesk works first.' },
  'error.reason.not-desktop': { 'zh-CN': '只有桌面端可以选择工作位置。', en: 'Only the desktop chooses where it works.' },
});

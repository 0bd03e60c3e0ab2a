import { defineMessages } from '../define';

export const auditMessages = defineMessages({
  'audit.description': { 'zh-CN': '登录、查看个人信息、决定、分配、导出、设置与用户管理的不可篡改记录。', en: 'Tamper-evident record of sign-ins, personal-data reveals, decisions, assignments, exports, settings and user management.' },
  'audit.operator': { 'zh-CN': '操作员', en: 'Operator' },
  'audit.action': { 'zh-CN': '操作', en: 'Action' },
  'audit.allActions': { 'zh-CN': '全部操作', en: 'All actions' },
  'audit.targetType': { 'zh-CN': '对象类型', en: 'Target type' },
  'audit.targetId': { 'zh-CN': '对象编号', en: 'Target id' },
  'audit.time': { 'zh-CN': '时间', en: 'Time' },
  'audit.target': { 'zh-CN': '对象', en: 'Target' },
  'audit.details': { 'zh-CN': '详情', en: 'Details' },
  'audit.system': { 'zh-CN': '系统', en: 'System' },
  'audit.total': { 'zh-CN': '共 {count} 条', en: '{count} entries' },
  'audit.more': { 'zh-CN': '加载更多', en: 'Load more' },
  'audit.empty': { 'zh-CN': '没有符合条件的记录。', en: 'No entries match.' },
  'audit.verify': { 'zh-CN': '校验哈希链', en: 'Verify the chain' },
  'audit.verified': { 'zh-CN': '哈希链完整：已校验 {count} 条。', en: 'The chain is intact: {count} entries verified.' },
  'audit.broken': { 'zh-CN': '哈希链在第 {id} 条断开（{reason}）：该记录或其之前的记录被篡改。', en: 'The chain breaks at entry #{id} ({reason}): it or an entry before it was tampered with.' },
});

import type { Locale } from '../../shared/contracts/auth';

type Words = Record<string, { 'zh-CN': string; en: string }>;

/** Words the exported files use (the renderer has its own messages for the screens). */
const words = {
  all: { 'zh-CN': '全部', en: 'All' },
  dates: { 'zh-CN': '日期', en: 'Dates' },
  institution: { 'zh-CN': '机构', en: 'Institution' },
  asOf: { 'zh-CN': '统计时点', en: 'As of' },
  'queue.contacts': { 'zh-CN': '紧急联系人', en: 'Contacts' },
  'queue.face': { 'zh-CN': '人脸比对', en: 'Face' },
  'queue.ocr': { 'zh-CN': '身份证OCR', en: 'ID-card OCR' },
  'action.approve': { 'zh-CN': '通过', en: 'Approve' },
  'action.reject': { 'zh-CN': '拒绝', en: 'Reject' },
  'action.resubmit': { 'zh-CN': '补件', en: 'Resubmit' },
  'action.escalate': { 'zh-CN': '升级', en: 'Escalate' },
  'stage.single': { 'zh-CN': '单人', en: 'Single' },
  'stage.first': { 'zh-CN': '双人复核-初审', en: 'Four-eyes first' },
  'stage.second': { 'zh-CN': '双人复核-复审', en: 'Four-eyes second' },
  'state.effective': { 'zh-CN': '生效', en: 'Effective' },
  'state.awaiting_second': { 'zh-CN': '待复审', en: 'Awaiting second' },
  'state.confirmed': { 'zh-CN': '复审确认', en: 'Confirmed' },
  'state.overruled': { 'zh-CN': '复审推翻', en: 'Overruled' },
  'state.cancelled': { 'zh-CN': '已取消', en: 'Cancelled' },
  'item.real_name': { 'zh-CN': '实名认证', en: 'Real name' },
  'item.carrier': { 'zh-CN': '运营商授权', en: 'Carrier' },
  'item.personal_info': { 'zh-CN': '个人信息', en: 'Personal info' },
  'item.contacts': { 'zh-CN': '联系人', en: 'Contacts' },
  'item.id_card_ocr': { 'zh-CN': '身份证OCR', en: 'ID-card OCR' },
  'item.liveness': { 'zh-CN': '活体检测', en: 'Liveness' },
  'item.face_compare': { 'zh-CN': '人脸比对', en: 'Face compare' },
  'item.credit_card_four_elements': { 'zh-CN': '信用卡四要素', en: 'Credit card 4 elements' },
  'item.online_banking': { 'zh-CN': '网银导入', en: 'Online banking' },
  'item.ecommerce': { 'zh-CN': '电商数据', en: 'E-commerce' },
  // Order statuses as the institution reports them (the same words as the loan screens).
  'status.AUDITING': { 'zh-CN': '审核中', en: 'Auditing' },
  'status.AUDIT_PASS': { 'zh-CN': '审核通过', en: 'Approved' },
  'status.AUDIT_NO_PASS': { 'zh-CN': '审核拒绝', en: 'Refused' },
  'status.LOAN_CANCEL': { 'zh-CN': '已取消', en: 'Cancelled' },
  'status.LOAN_FAILED': { 'zh-CN': '放款失败', en: 'Disbursement failed' },
  'status.LOAN_SUCCESS': { 'zh-CN': '放款成功', en: 'Disbursed' },
  'status.REPAYING': { 'zh-CN': '还款中', en: 'Repaying' },
  'status.OVERDUE': { 'zh-CN': '已逾期', en: 'Overdue' },
  'status.CLOSED': { 'zh-CN': '已结清', en: 'Closed' },
  'aprFlag.ok': { 'zh-CN': '合规', en: 'Compliant' },
  'aprFlag.warning': { 'zh-CN': '超过警示线', en: 'Above warning line' },
  'aprFlag.non_compliant': { 'zh-CN': '不合规', en: 'Non-compliant' },
  'aprFlag.unknown': { 'zh-CN': '无法计算', en: 'Not computable' },
  'planState.booked': { 'zh-CN': '已入账', en: 'Booked' },
  'planState.missing': { 'zh-CN': '机构未提供', en: 'Not provided' },
  'planState.awaiting': { 'zh-CN': '待同步', en: 'Awaiting' },
  'outcome.approve': { 'zh-CN': '通过', en: 'Approved' },
  'outcome.reject': { 'zh-CN': '拒绝', en: 'Rejected' },
  'outcome.resubmit': { 'zh-CN': '补件', en: 'Resubmit' },
  'outcome.escalate': { 'zh-CN': '升级', en: 'Escalated' },
  'outcome.pending': { 'zh-CN': '待复审', en: 'Awaiting second' },
  'outcome.cancelled': { 'zh-CN': '已取消', en: 'Cancelled' },
  noData: { 'zh-CN': '无数据', en: 'No data' },
} satisfies Words;

export type WordKey = keyof typeof words;

/** The word in the export's language; unknown keys come back as they are. */
export function word(locale: Locale, key: string): string {
  const entry = (words as Words)[key];
  return entry ? entry[locale] : key.replace(/^[a-z]+\./, '');
}

/** Picks the language of a pair written inline. */
export function pick(locale: Locale, zh: string, en: string): string {
  return locale === 'en' ? en : zh;
}

import { defineMessages } from '../define';

/**
 * One line per finding, saying what was compared in the operator's language. The values come
 * from the finding (masked on the server where they are personal data); the machine wording of
 * the rules ("'>= 1 call'", "in address book") never reaches the screen.
 */
export const findingMessages = defineMessages({
  'review.findingDetail.ocr_name_mismatch': { 'zh-CN': '填写 {expected}，OCR 识别为 {actual}', en: 'submitted {expected}, OCR read {actual}' },
  'review.findingDetail.ocr_id_number_mismatch': { 'zh-CN': '填写 {expected}，OCR 识别为 {actual}', en: 'submitted {expected}, OCR read {actual}' },
  'review.findingDetail.ocr_sex_mismatch': { 'zh-CN': '身份证号编码为{expected}，OCR 识别为{actual}', en: 'the ID number encodes {expected}, OCR read {actual}' },
  'review.findingDetail.ocr_birth_date_mismatch': { 'zh-CN': '证件上的出生日期与号码编码的不同：{parts}不一致（日期本身已隐藏）', en: 'the card’s birth date differs from the one the number encodes: {parts} (the dates are hidden)' },
  'review.findingDetail.ocr_submitted_id_invalid': { 'zh-CN': '填写的身份证号 {actual} 未通过校验', en: 'the submitted ID number {actual} fails its check' },
  'review.findingDetail.ocr_id_number_invalid': { 'zh-CN': 'OCR 识别的身份证号 {actual} 未通过校验', en: 'the ID number OCR read, {actual}, fails its check' },
  'review.findingDetail.ocr_document_expired': { 'zh-CN': '有效期至 {actual}，核验日 {today} 已过期', en: 'valid to {actual}: expired by {today}, the day of the check' },
  'review.findingDetail.ocr_document_expiring_soon': { 'zh-CN': '有效期至 {actual}，{days} 天内到期', en: { one: 'valid to {actual}: expires within {days} day', other: 'valid to {actual}: expires within {days} days', by: 'days' } },
  'review.findingDetail.ocr_document_not_yet_valid': { 'zh-CN': '有效期自 {actual} 起，核验日 {today} 尚未生效', en: 'valid from {actual}: not yet valid on {today}, the day of the check' },
  'review.findingDetail.ocr_validity_unreadable': { 'zh-CN': '有效期无法识别：{actual}', en: 'validity unreadable: {actual}' },
  'review.findingDetail.ocr_quality_unknown': { 'zh-CN': '供应商告警：{actual}', en: 'vendor warning: {actual}' },
  'review.findingDetail.face_score_review': { 'zh-CN': '相似度 {actual}，通过线 {line}', en: 'similarity {actual}, passes from {line}' },
  'review.findingDetail.face_score_reject': { 'zh-CN': '相似度 {actual}，低于拒绝线 {line}', en: 'similarity {actual}, below the reject line {line}' },
  'review.findingDetail.face_score_invalid': { 'zh-CN': '相似度 {actual} 不在 {expected} 之内', en: 'similarity {actual} is outside {expected}' },
  'review.findingDetail.face_unknown_model': { 'zh-CN': '模型 {actual} 不在阈值表中', en: 'model {actual} is not in the threshold table' },
  'review.findingDetail.face_liveness_failed': { 'zh-CN': '活体检测未通过', en: 'the liveness check failed' },
  'review.findingDetail.face_liveness_retried': { 'zh-CN': '活体检测尝试了 {actual} 次', en: 'liveness took {actual} attempts' },
  'review.findingDetail.contact_not_in_address_book': { 'zh-CN': '{subject} 不在通讯录中', en: '{subject} is not in the address book' },
  'review.findingDetail.contact_relationship_mismatch': { 'zh-CN': '{subject}：所选关系「{relationship}」，通讯录备注指向「{actual}」', en: '{subject}: chose "{relationship}", the address book suggests "{actual}"' },
  'review.findingDetail.contact_relationship_unconfirmed': { 'zh-CN': '{subject}：所选关系「{relationship}」，通讯录备注和保存的名字都未体现关系', en: '{subject}: chose "{relationship}"; neither the remark nor the saved name names a relationship' },
  'review.findingDetail.contact_never_called': { 'zh-CN': '{subject}：通话 {actual} 次', en: '{subject}: {actual} calls' },
  'review.findingDetail.contact_is_borrower': { 'zh-CN': '{subject} 是借款人本人的手机号', en: "{subject} is the borrower's own phone" },
  'review.findingDetail.contact_phone_invalid': { 'zh-CN': '{actual} 不是有效的手机号（手机号为 1[3-9] 开头的 11 位数字）', en: '{actual} is not a mobile number (11 digits starting 1[3-9])' },
  'review.findingDetail.contact_shared_phone': { 'zh-CN': '{subject} 另有 {actual} 位申请人填写（阈值 {threshold}）', en: '{subject} is also given by {actual} other applicants (threshold {threshold})' },
  'review.findingDetail.contact_overdue_borrower': { 'zh-CN': '{subject} 属于一位逾期借款人', en: '{subject} belongs to an overdue borrower' },
  'review.findingDetail.contact_duplicate': { 'zh-CN': '{subject} 与另一位联系人号码相同', en: "{subject} repeats another contact's phone" },
});

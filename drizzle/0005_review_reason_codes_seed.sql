-- Starting reason codes per queue and action; administrators edit them in Settings > Review.
-- Codes travel to the institution in reason_codes, labels are what reviewers pick from.
INSERT INTO `review_reason_codes` (`queue`, `action`, `code`, `label_zh`, `label_en`, `sort_order`, `updated_at`) VALUES
  ('contacts', 'reject', 'CONTACT_FABRICATED', '紧急联系人疑似虚构', 'Emergency contact appears fabricated', 10, 0),
  ('contacts', 'reject', 'CONTACT_OVERDUE_LINK', '联系人为逾期借款人', 'Contact is an overdue borrower', 20, 0),
  ('contacts', 'reject', 'CONTACT_SHARED_RING', '联系人号码被多人共用，疑似中介', 'Contact phone shared by many applicants (suspected intermediary)', 30, 0),
  ('contacts', 'reject', 'CONTACT_IS_BORROWER', '联系人为借款人本人', 'Contact is the borrower', 40, 0),
  ('contacts', 'resubmit', 'CONTACT_REENTER', '请重新填写紧急联系人', 'Re-enter the emergency contacts', 10, 0),
  ('contacts', 'resubmit', 'CONTACT_RELATIONSHIP_WRONG', '联系人关系与通讯录不符，请更正', 'Relationship contradicts the address book; correct it', 20, 0),
  ('contacts', 'resubmit', 'CONTACT_PHONE_INVALID', '联系人号码无效，请更正', 'Contact phone is invalid; correct it', 30, 0),
  ('contacts', 'escalate', 'SUSPECTED_FRAUD', '疑似欺诈，需主管判断', 'Suspected fraud, needs a supervisor', 10, 0),
  ('contacts', 'escalate', 'POLICY_UNCLEAR', '规则不明确', 'Policy unclear', 20, 0),
  ('face', 'reject', 'FACE_NOT_SAME_PERSON', '现场照片与公安照片非同一人', 'Live photo and reference photo are not the same person', 10, 0),
  ('face', 'reject', 'LIVENESS_SPOOF', '活体检测疑似攻击（照片/视频/面具）', 'Liveness spoof suspected (photo, video, mask)', 20, 0),
  ('face', 'reject', 'FACE_MULTIPLE_PEOPLE', '画面中有多人或他人代办', 'Several people in frame or someone else applying', 30, 0),
  ('face', 'resubmit', 'FACE_RETAKE', '照片不清晰，请重新拍摄', 'Photo unclear; retake it', 10, 0),
  ('face', 'resubmit', 'LIVENESS_RETRY', '请重新进行活体检测', 'Redo the liveness check', 20, 0),
  ('face', 'escalate', 'SUSPECTED_FRAUD', '疑似欺诈，需主管判断', 'Suspected fraud, needs a supervisor', 10, 0),
  ('face', 'escalate', 'POLICY_UNCLEAR', '规则不明确', 'Policy unclear', 20, 0),
  ('ocr', 'reject', 'ID_FORGED', '证件疑似伪造或经过编辑', 'ID card appears forged or edited', 10, 0),
  ('ocr', 'reject', 'ID_NOT_BORROWER', '证件信息与申请人不符', 'ID card does not belong to the applicant', 20, 0),
  ('ocr', 'reject', 'ID_EXPIRED', '证件已过期', 'ID card expired', 30, 0),
  ('ocr', 'resubmit', 'ID_RETAKE', '证件照片不清晰或反光，请重新拍摄', 'ID photo unclear or glare; retake it', 10, 0),
  ('ocr', 'resubmit', 'ID_ORIGINAL_REQUIRED', '请拍摄证件原件（非复印件或翻拍）', 'Photograph the original card (no copy or screen re-shoot)', 20, 0),
  ('ocr', 'resubmit', 'ID_RENEWED_CARD', '请上传新换领的证件', 'Upload the renewed card', 30, 0),
  ('ocr', 'escalate', 'SUSPECTED_FRAUD', '疑似欺诈，需主管判断', 'Suspected fraud, needs a supervisor', 10, 0),
  ('ocr', 'escalate', 'POLICY_UNCLEAR', '规则不明确', 'Policy unclear', 20, 0);
--> statement-breakpoint
-- Tasks created before this migration get their finding codes in the index table.
INSERT OR IGNORE INTO `review_task_codes` (`task_id`, `code`)
WITH RECURSIVE `split`(`task_id`, `rest`, `code`) AS (
  SELECT `id`, `finding_codes` || ',', '' FROM `review_tasks`
  UNION ALL
  SELECT `task_id`, substr(`rest`, instr(`rest`, ',') + 1), substr(`rest`, 1, instr(`rest`, ',') - 1) FROM `split` WHERE `rest` <> ''
)
SELECT `task_id`, `code` FROM `split` WHERE `code` <> '';

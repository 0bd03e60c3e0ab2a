-- Reject reasons for common findings that had only a resubmit reason (or none): a reviewer who
-- rejects for them no longer has to pick a reason that says something else. OR IGNORE keeps a
-- code an administrator already added by hand.
INSERT OR IGNORE INTO `review_reason_codes` (`queue`, `action`, `code`, `label_zh`, `label_en`, `sort_order`, `updated_at`) VALUES
  ('contacts', 'reject', 'CONTACT_RELATIONSHIP_MISMATCH', '联系人关系与通讯录不符', 'Relationship contradicts the address book', 50, 0),
  ('contacts', 'reject', 'CONTACT_NOT_IN_ADDRESS_BOOK', '联系人不在借款人通讯录中', 'Contact is not in the borrower''s address book', 60, 0),
  ('contacts', 'reject', 'CONTACT_NEVER_CALLED', '借款人从未与联系人通话，关系无法证实', 'The borrower never called the contact; the relationship is unconfirmed', 70, 0),
  ('contacts', 'reject', 'CONTACT_PHONE_INVALID', '联系人号码无效', 'Contact phone is invalid', 80, 0),
  ('ocr', 'reject', 'ID_NUMBER_INVALID', '身份证号码校验不通过', 'ID number fails its check', 40, 0);

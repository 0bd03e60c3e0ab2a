-- Portfolio read models kept exact at ingest: triggers on the sync engine's tables update the
-- summaries in the same transaction as each write, so dashboards read a few hundred rows.
-- Backfilled here from whatever is already in the database.
CREATE TRIGGER `portfolio_orders_insert` AFTER INSERT ON `orders`
BEGIN
  INSERT INTO `portfolio_order_summary` (institution_id, product_code, status, bucket, apr_flag, plan_state, plan_mismatch, loan_count, overdue_count, principal_fen, outstanding_principal_fen, overdue_principal_fen, overdue_interest_fen, overdue_fee_fen, overdue_penalty_fen)
  VALUES (NEW.institution_id, NEW.product_code, NEW.status, NEW.bucket, NEW.apr_flag, NEW.plan_state, NEW.plan_mismatch, 1, (NEW.dpd > 0), NEW.principal_fen, NEW.outstanding_principal_fen, NEW.overdue_principal_fen, NEW.overdue_interest_fen, NEW.overdue_fee_fen, NEW.overdue_penalty_fen)
  ON CONFLICT DO UPDATE SET loan_count = loan_count + excluded.loan_count, overdue_count = overdue_count + excluded.overdue_count, principal_fen = principal_fen + excluded.principal_fen, outstanding_principal_fen = outstanding_principal_fen + excluded.outstanding_principal_fen, overdue_principal_fen = overdue_principal_fen + excluded.overdue_principal_fen, overdue_interest_fen = overdue_interest_fen + excluded.overdue_interest_fen, overdue_fee_fen = overdue_fee_fen + excluded.overdue_fee_fen, overdue_penalty_fen = overdue_penalty_fen + excluded.overdue_penalty_fen;
END;
--> statement-breakpoint
CREATE TRIGGER `portfolio_orders_update` AFTER UPDATE ON `orders`
WHEN OLD.institution_id IS NOT NEW.institution_id
  OR OLD.product_code IS NOT NEW.product_code
  OR OLD.status IS NOT NEW.status
  OR OLD.bucket IS NOT NEW.bucket
  OR OLD.apr_flag IS NOT NEW.apr_flag
  OR OLD.plan_state IS NOT NEW.plan_state
  OR OLD.plan_mismatch IS NOT NEW.plan_mismatch
  OR OLD.principal_fen IS NOT NEW.principal_fen
  OR OLD.outstanding_principal_fen IS NOT NEW.outstanding_principal_fen
  OR OLD.overdue_principal_fen IS NOT NEW.overdue_principal_fen
  OR OLD.overdue_interest_fen IS NOT NEW.overdue_interest_fen
  OR OLD.overdue_fee_fen IS NOT NEW.overdue_fee_fen
  OR OLD.overdue_penalty_fen IS NOT NEW.overdue_penalty_fen
  OR (OLD.dpd > 0) IS NOT (NEW.dpd > 0)
BEGIN
  INSERT INTO `portfolio_order_summary` (institution_id, product_code, status, bucket, apr_flag, plan_state, plan_mismatch, loan_count, overdue_count, principal_fen, outstanding_principal_fen, overdue_principal_fen, overdue_interest_fen, overdue_fee_fen, overdue_penalty_fen)
  VALUES (OLD.institution_id, OLD.product_code, OLD.status, OLD.bucket, OLD.apr_flag, OLD.plan_state, OLD.plan_mismatch, -(1), -((OLD.dpd > 0)), -(OLD.principal_fen), -(OLD.outstanding_principal_fen), -(OLD.overdue_principal_fen), -(OLD.overdue_interest_fen), -(OLD.overdue_fee_fen), -(OLD.overdue_penalty_fen))
  ON CONFLICT DO UPDATE SET loan_count = loan_count + excluded.loan_count, overdue_count = overdue_count + excluded.overdue_count, principal_fen = principal_fen + excluded.principal_fen, outstanding_principal_fen = outstanding_principal_fen + excluded.outstanding_principal_fen, overdue_principal_fen = overdue_principal_fen + excluded.overdue_principal_fen, overdue_interest_fen = overdue_interest_fen + excluded.overdue_interest_fen, overdue_fee_fen = overdue_fee_fen + excluded.overdue_fee_fen, overdue_penalty_fen = overdue_penalty_fen + excluded.overdue_penalty_fen;
  INSERT INTO `portfolio_order_summary` (institution_id, product_code, status, bucket, apr_flag, plan_state, plan_mismatch, loan_count, overdue_count, principal_fen, outstanding_principal_fen, overdue_principal_fen, overdue_interest_fen, overdue_fee_fen, overdue_penalty_fen)
  VALUES (NEW.institution_id, NEW.product_code, NEW.status, NEW.bucket, NEW.apr_flag, NEW.plan_state, NEW.plan_mismatch, 1, (NEW.dpd > 0), NEW.principal_fen, NEW.outstanding_principal_fen, NEW.overdue_principal_fen, NEW.overdue_interest_fen, NEW.overdue_fee_fen, NEW.overdue_penalty_fen)
  ON CONFLICT DO UPDATE SET loan_count = loan_count + excluded.loan_count, overdue_count = overdue_count + excluded.overdue_count, principal_fen = principal_fen + excluded.principal_fen, outstanding_principal_fen = outstanding_principal_fen + excluded.outstanding_principal_fen, overdue_principal_fen = overdue_principal_fen + excluded.overdue_principal_fen, overdue_interest_fen = overdue_interest_fen + excluded.overdue_interest_fen, overdue_fee_fen = overdue_fee_fen + excluded.overdue_fee_fen, overdue_penalty_fen = overdue_penalty_fen + excluded.overdue_penalty_fen;
  DELETE FROM `portfolio_order_summary` WHERE institution_id = OLD.institution_id AND product_code = OLD.product_code AND status = OLD.status AND bucket = OLD.bucket AND apr_flag = OLD.apr_flag AND plan_state = OLD.plan_state AND plan_mismatch = OLD.plan_mismatch AND loan_count = 0;
END;
--> statement-breakpoint
CREATE TRIGGER `portfolio_orders_delete` AFTER DELETE ON `orders`
BEGIN
  INSERT INTO `portfolio_order_summary` (institution_id, product_code, status, bucket, apr_flag, plan_state, plan_mismatch, loan_count, overdue_count, principal_fen, outstanding_principal_fen, overdue_principal_fen, overdue_interest_fen, overdue_fee_fen, overdue_penalty_fen)
  VALUES (OLD.institution_id, OLD.product_code, OLD.status, OLD.bucket, OLD.apr_flag, OLD.plan_state, OLD.plan_mismatch, -(1), -((OLD.dpd > 0)), -(OLD.principal_fen), -(OLD.outstanding_principal_fen), -(OLD.overdue_principal_fen), -(OLD.overdue_interest_fen), -(OLD.overdue_fee_fen), -(OLD.overdue_penalty_fen))
  ON CONFLICT DO UPDATE SET loan_count = loan_count + excluded.loan_count, overdue_count = overdue_count + excluded.overdue_count, principal_fen = principal_fen + excluded.principal_fen, outstanding_principal_fen = outstanding_principal_fen + excluded.outstanding_principal_fen, overdue_principal_fen = overdue_principal_fen + excluded.overdue_principal_fen, overdue_interest_fen = overdue_interest_fen + excluded.overdue_interest_fen, overdue_fee_fen = overdue_fee_fen + excluded.overdue_fee_fen, overdue_penalty_fen = overdue_penalty_fen + excluded.overdue_penalty_fen;
  DELETE FROM `portfolio_order_summary` WHERE institution_id = OLD.institution_id AND product_code = OLD.product_code AND status = OLD.status AND bucket = OLD.bucket AND apr_flag = OLD.apr_flag AND plan_state = OLD.plan_state AND plan_mismatch = OLD.plan_mismatch AND loan_count = 0;
END;
--> statement-breakpoint
CREATE TRIGGER `portfolio_lines_insert` AFTER INSERT ON `credit_lines`
BEGIN
  INSERT INTO `portfolio_line_summary` (institution_id, product_code, mode, status, derived_state, flags, line_count, limit_fen, used_fen, available_fen)
  VALUES (NEW.institution_id, NEW.product_code, NEW.mode, NEW.status, NEW.derived_state, NEW.flags, 1, NEW.limit_fen, NEW.derived_used_fen, NEW.derived_available_fen)
  ON CONFLICT DO UPDATE SET line_count = line_count + excluded.line_count, limit_fen = limit_fen + excluded.limit_fen, used_fen = used_fen + excluded.used_fen, available_fen = available_fen + excluded.available_fen;
END;
--> statement-breakpoint
CREATE TRIGGER `portfolio_lines_update` AFTER UPDATE ON `credit_lines`
WHEN OLD.institution_id IS NOT NEW.institution_id
  OR OLD.product_code IS NOT NEW.product_code
  OR OLD.mode IS NOT NEW.mode
  OR OLD.status IS NOT NEW.status
  OR OLD.derived_state IS NOT NEW.derived_state
  OR OLD.flags IS NOT NEW.flags
  OR OLD.limit_fen IS NOT NEW.limit_fen
  OR OLD.derived_used_fen IS NOT NEW.derived_used_fen
  OR OLD.derived_available_fen IS NOT NEW.derived_available_fen
BEGIN
  INSERT INTO `portfolio_line_summary` (institution_id, product_code, mode, status, derived_state, flags, line_count, limit_fen, used_fen, available_fen)
  VALUES (OLD.institution_id, OLD.product_code, OLD.mode, OLD.status, OLD.derived_state, OLD.flags, -(1), -(OLD.limit_fen), -(OLD.derived_used_fen), -(OLD.derived_available_fen))
  ON CONFLICT DO UPDATE SET line_count = line_count + excluded.line_count, limit_fen = limit_fen + excluded.limit_fen, used_fen = used_fen + excluded.used_fen, available_fen = available_fen + excluded.available_fen;
  INSERT INTO `portfolio_line_summary` (institution_id, product_code, mode, status, derived_state, flags, line_count, limit_fen, used_fen, available_fen)
  VALUES (NEW.institution_id, NEW.product_code, NEW.mode, NEW.status, NEW.derived_state, NEW.flags, 1, NEW.limit_fen, NEW.derived_used_fen, NEW.derived_available_fen)
  ON CONFLICT DO UPDATE SET line_count = line_count + excluded.line_count, limit_fen = limit_fen + excluded.limit_fen, used_fen = used_fen + excluded.used_fen, available_fen = available_fen + excluded.available_fen;
  DELETE FROM `portfolio_line_summary` WHERE institution_id = OLD.institution_id AND product_code = OLD.product_code AND mode = OLD.mode AND status = OLD.status AND derived_state = OLD.derived_state AND flags = OLD.flags AND line_count = 0;
END;
--> statement-breakpoint
CREATE TRIGGER `portfolio_lines_delete` AFTER DELETE ON `credit_lines`
BEGIN
  INSERT INTO `portfolio_line_summary` (institution_id, product_code, mode, status, derived_state, flags, line_count, limit_fen, used_fen, available_fen)
  VALUES (OLD.institution_id, OLD.product_code, OLD.mode, OLD.status, OLD.derived_state, OLD.flags, -(1), -(OLD.limit_fen), -(OLD.derived_used_fen), -(OLD.derived_available_fen))
  ON CONFLICT DO UPDATE SET line_count = line_count + excluded.line_count, limit_fen = limit_fen + excluded.limit_fen, used_fen = used_fen + excluded.used_fen, available_fen = available_fen + excluded.available_fen;
  DELETE FROM `portfolio_line_summary` WHERE institution_id = OLD.institution_id AND product_code = OLD.product_code AND mode = OLD.mode AND status = OLD.status AND derived_state = OLD.derived_state AND flags = OLD.flags AND line_count = 0;
END;
--> statement-breakpoint
CREATE TRIGGER `portfolio_line_grants_insert` AFTER INSERT ON `credit_lines`
BEGIN
  INSERT INTO `portfolio_line_grants` (month, institution_id, mode, line_count, limit_fen)
  VALUES (strftime('%Y-%m', (NEW.granted_at + 28800000) / 1000, 'unixepoch'), NEW.institution_id, NEW.mode, 1, NEW.limit_fen)
  ON CONFLICT DO UPDATE SET line_count = line_count + excluded.line_count, limit_fen = limit_fen + excluded.limit_fen;
END;
--> statement-breakpoint
CREATE TRIGGER `portfolio_line_grants_update` AFTER UPDATE ON `credit_lines`
WHEN OLD.granted_at IS NOT NEW.granted_at
  OR OLD.institution_id IS NOT NEW.institution_id
  OR OLD.mode IS NOT NEW.mode
  OR OLD.limit_fen IS NOT NEW.limit_fen
BEGIN
  INSERT INTO `portfolio_line_grants` (month, institution_id, mode, line_count, limit_fen)
  VALUES (strftime('%Y-%m', (OLD.granted_at + 28800000) / 1000, 'unixepoch'), OLD.institution_id, OLD.mode, -(1), -(OLD.limit_fen))
  ON CONFLICT DO UPDATE SET line_count = line_count + excluded.line_count, limit_fen = limit_fen + excluded.limit_fen;
  INSERT INTO `portfolio_line_grants` (month, institution_id, mode, line_count, limit_fen)
  VALUES (strftime('%Y-%m', (NEW.granted_at + 28800000) / 1000, 'unixepoch'), NEW.institution_id, NEW.mode, 1, NEW.limit_fen)
  ON CONFLICT DO UPDATE SET line_count = line_count + excluded.line_count, limit_fen = limit_fen + excluded.limit_fen;
  DELETE FROM `portfolio_line_grants` WHERE month = strftime('%Y-%m', (OLD.granted_at + 28800000) / 1000, 'unixepoch') AND institution_id = OLD.institution_id AND mode = OLD.mode AND line_count = 0;
END;
--> statement-breakpoint
CREATE TRIGGER `portfolio_line_grants_delete` AFTER DELETE ON `credit_lines`
BEGIN
  INSERT INTO `portfolio_line_grants` (month, institution_id, mode, line_count, limit_fen)
  VALUES (strftime('%Y-%m', (OLD.granted_at + 28800000) / 1000, 'unixepoch'), OLD.institution_id, OLD.mode, -(1), -(OLD.limit_fen))
  ON CONFLICT DO UPDATE SET line_count = line_count + excluded.line_count, limit_fen = limit_fen + excluded.limit_fen;
  DELETE FROM `portfolio_line_grants` WHERE month = strftime('%Y-%m', (OLD.granted_at + 28800000) / 1000, 'unixepoch') AND institution_id = OLD.institution_id AND mode = OLD.mode AND line_count = 0;
END;
--> statement-breakpoint
CREATE TRIGGER `borrower_search_insert` AFTER INSERT ON `borrowers`
BEGIN
  INSERT OR IGNORE INTO `borrower_search` (term, borrower_id) VALUES ('t:' || substr(upper(NEW.id_number), -4), NEW.id), ('q:' || substr(NEW.phone, -4), NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER `borrower_search_update` AFTER UPDATE ON `borrowers`
WHEN OLD.id_number IS NOT NEW.id_number
  OR OLD.phone IS NOT NEW.phone
BEGIN
  DELETE FROM `borrower_search` WHERE borrower_id = OLD.id AND term IN ('t:' || substr(upper(OLD.id_number), -4), 'q:' || substr(OLD.phone, -4));
  INSERT OR IGNORE INTO `borrower_search` (term, borrower_id) VALUES ('t:' || substr(upper(NEW.id_number), -4), NEW.id), ('q:' || substr(NEW.phone, -4), NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER `borrower_search_delete` AFTER DELETE ON `borrowers`
BEGIN
  DELETE FROM `borrower_search` WHERE borrower_id = OLD.id AND term IN ('t:' || substr(upper(OLD.id_number), -4), 'q:' || substr(OLD.phone, -4));
END;
--> statement-breakpoint
INSERT INTO `portfolio_order_summary` (institution_id, product_code, status, bucket, apr_flag, plan_state, plan_mismatch, loan_count, overdue_count, principal_fen, outstanding_principal_fen, overdue_principal_fen, overdue_interest_fen, overdue_fee_fen, overdue_penalty_fen)
SELECT institution_id, product_code, status, bucket, apr_flag, plan_state, plan_mismatch, count(*), sum(dpd > 0), sum(principal_fen), sum(outstanding_principal_fen), sum(overdue_principal_fen), sum(overdue_interest_fen), sum(overdue_fee_fen), sum(overdue_penalty_fen)
FROM `orders` GROUP BY institution_id, product_code, status, bucket, apr_flag, plan_state, plan_mismatch;
--> statement-breakpoint
INSERT INTO `portfolio_line_summary` (institution_id, product_code, mode, status, derived_state, flags, line_count, limit_fen, used_fen, available_fen)
SELECT institution_id, product_code, mode, status, derived_state, flags, count(*), sum(limit_fen), sum(derived_used_fen), sum(derived_available_fen)
FROM `credit_lines` GROUP BY institution_id, product_code, mode, status, derived_state, flags;
--> statement-breakpoint
INSERT INTO `portfolio_line_grants` (month, institution_id, mode, line_count, limit_fen)
SELECT strftime('%Y-%m', (credit_lines.granted_at + 28800000) / 1000, 'unixepoch'), institution_id, mode, count(*), sum(limit_fen)
FROM `credit_lines` GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT OR IGNORE INTO `borrower_search` (term, borrower_id)
SELECT 't:' || substr(upper(id_number), -4), id FROM `borrowers`
UNION ALL SELECT 'q:' || substr(phone, -4), id FROM `borrowers`;

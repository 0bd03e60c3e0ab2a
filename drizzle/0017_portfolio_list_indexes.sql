-- List indexes for the portfolio pages: each sortable column of orders and credit lines, the
-- utilisation expression, and one partial index per line flag (the lists filter by a flag and
-- sort by grant time; expiring lines also by end of validity). Each has an EXPLAIN test.
CREATE INDEX `orders_dpd_idx` ON `orders` (dpd);
--> statement-breakpoint
CREATE INDEX `orders_outstanding_idx` ON `orders` (outstanding_principal_fen);
--> statement-breakpoint
CREATE INDEX `orders_principal_idx` ON `orders` (principal_fen);
--> statement-breakpoint
CREATE INDEX `orders_apr_idx` ON `orders` (apr_nominal_bps);
--> statement-breakpoint
CREATE INDEX `orders_next_due_idx` ON `orders` (next_due_date);
--> statement-breakpoint
CREATE INDEX `orders_institution_disbursed_idx` ON `orders` (institution_id, disbursed_at);
--> statement-breakpoint
CREATE INDEX `credit_lines_limit_idx` ON `credit_lines` (limit_fen);
--> statement-breakpoint
CREATE INDEX `credit_lines_used_idx` ON `credit_lines` (derived_used_fen);
--> statement-breakpoint
CREATE INDEX `credit_lines_available_idx` ON `credit_lines` (derived_available_fen);
--> statement-breakpoint
CREATE INDEX `credit_lines_utilisation_idx` ON `credit_lines` ((CAST(derived_used_fen AS REAL) / NULLIF(limit_fen, 0)));
--> statement-breakpoint
CREATE INDEX `credit_lines_flag_frozen_overdue_idx` ON `credit_lines` (granted_at) WHERE (',' || flags || ',') LIKE '%,frozen_overdue,%';
--> statement-breakpoint
CREATE INDEX `credit_lines_flag_expiring_soon_idx` ON `credit_lines` (granted_at) WHERE (',' || flags || ',') LIKE '%,expiring_soon,%';
--> statement-breakpoint
CREATE INDEX `credit_lines_flag_exhausted_idx` ON `credit_lines` (granted_at) WHERE (',' || flags || ',') LIKE '%,exhausted,%';
--> statement-breakpoint
CREATE INDEX `credit_lines_flag_unused_single_batch_expiring_idx` ON `credit_lines` (granted_at) WHERE (',' || flags || ',') LIKE '%,unused_single_batch_expiring,%';
--> statement-breakpoint
CREATE INDEX `credit_lines_flag_expired_idx` ON `credit_lines` (granted_at) WHERE (',' || flags || ',') LIKE '%,expired,%';
--> statement-breakpoint
CREATE INDEX `credit_lines_expiring_valid_to_idx` ON `credit_lines` (valid_to) WHERE (',' || flags || ',') LIKE '%,expiring_soon,%';

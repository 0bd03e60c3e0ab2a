CREATE TABLE `borrower_search` (
	`term` text NOT NULL,
	`borrower_id` integer NOT NULL,
	PRIMARY KEY(`term`, `borrower_id`)
);
--> statement-breakpoint
CREATE TABLE `portfolio_daily_buckets` (
	`date` text NOT NULL,
	`institution_id` integer NOT NULL,
	`product_code` text NOT NULL,
	`bucket` text NOT NULL,
	`loan_count` integer NOT NULL,
	`balance_fen` integer NOT NULL,
	`source` text NOT NULL,
	`taken_at` integer NOT NULL,
	PRIMARY KEY(`date`, `institution_id`, `product_code`, `bucket`)
);
--> statement-breakpoint
CREATE TABLE `portfolio_daily_lines` (
	`date` text NOT NULL,
	`institution_id` integer NOT NULL,
	`mode` text NOT NULL,
	`line_count` integer NOT NULL,
	`limit_fen` integer NOT NULL,
	`used_fen` integer NOT NULL,
	`source` text NOT NULL,
	`taken_at` integer NOT NULL,
	PRIMARY KEY(`date`, `institution_id`, `mode`)
);
--> statement-breakpoint
CREATE TABLE `portfolio_line_grants` (
	`month` text NOT NULL,
	`institution_id` integer NOT NULL,
	`mode` text NOT NULL,
	`line_count` integer NOT NULL,
	`limit_fen` integer NOT NULL,
	PRIMARY KEY(`month`, `institution_id`, `mode`)
);
--> statement-breakpoint
CREATE TABLE `portfolio_line_summary` (
	`institution_id` integer NOT NULL,
	`product_code` text NOT NULL,
	`mode` text NOT NULL,
	`status` text NOT NULL,
	`derived_state` text NOT NULL,
	`flags` text NOT NULL,
	`line_count` integer NOT NULL,
	`limit_fen` integer NOT NULL,
	`used_fen` integer NOT NULL,
	`available_fen` integer NOT NULL,
	PRIMARY KEY(`institution_id`, `product_code`, `mode`, `status`, `derived_state`, `flags`)
);
--> statement-breakpoint
CREATE TABLE `portfolio_month_end_loans` (
	`month_end` text NOT NULL,
	`order_id` integer NOT NULL,
	`institution_id` integer NOT NULL,
	`product_code` text NOT NULL,
	`bucket` text NOT NULL,
	`dpd` integer NOT NULL,
	`balance_fen` integer NOT NULL,
	PRIMARY KEY(`month_end`, `order_id`)
);
--> statement-breakpoint
CREATE INDEX `portfolio_month_end_loans_bucket_idx` ON `portfolio_month_end_loans` (`month_end`,`bucket`,`institution_id`);--> statement-breakpoint
CREATE TABLE `portfolio_month_ends` (
	`month_end` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`loan_count` integer NOT NULL,
	`skipped_without_plan` integer NOT NULL,
	`taken_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `portfolio_order_summary` (
	`institution_id` integer NOT NULL,
	`product_code` text NOT NULL,
	`status` text NOT NULL,
	`bucket` text NOT NULL,
	`apr_flag` text NOT NULL,
	`plan_state` text NOT NULL,
	`plan_mismatch` integer NOT NULL,
	`loan_count` integer NOT NULL,
	`overdue_count` integer NOT NULL,
	`principal_fen` integer NOT NULL,
	`outstanding_principal_fen` integer NOT NULL,
	`overdue_principal_fen` integer NOT NULL,
	`overdue_interest_fen` integer NOT NULL,
	`overdue_fee_fen` integer NOT NULL,
	`overdue_penalty_fen` integer NOT NULL,
	PRIMARY KEY(`institution_id`, `product_code`, `status`, `bucket`, `apr_flag`, `plan_state`, `plan_mismatch`)
);
--> statement-breakpoint
CREATE TABLE `portfolio_roll_transitions` (
	`month_end` text NOT NULL,
	`institution_id` integer NOT NULL,
	`product_code` text NOT NULL,
	`from_bucket` text NOT NULL,
	`to_bucket` text NOT NULL,
	`loan_count` integer NOT NULL,
	`balance_fen` integer NOT NULL,
	`reconstructed` integer NOT NULL,
	PRIMARY KEY(`month_end`, `institution_id`, `product_code`, `from_bucket`, `to_bucket`)
);

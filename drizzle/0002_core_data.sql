CREATE TABLE `application_findings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`application_id` integer NOT NULL,
	`queue` text NOT NULL,
	`code` text NOT NULL,
	`severity` text NOT NULL,
	`subject` text,
	`expected` text,
	`actual` text,
	`evidence` text NOT NULL,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `application_findings_app_idx` ON `application_findings` (`application_id`);--> statement-breakpoint
CREATE INDEX `application_findings_code_idx` ON `application_findings` (`code`,`queue`);--> statement-breakpoint
CREATE TABLE `applications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`external_id` text NOT NULL,
	`version` integer NOT NULL,
	`remote_updated_at` integer NOT NULL,
	`borrower_id` integer NOT NULL,
	`platform_user_id` text NOT NULL,
	`product_code` text NOT NULL,
	`product_name` text NOT NULL,
	`line_mode` text NOT NULL,
	`requested_amount_fen` integer NOT NULL,
	`requested_term_months` integer NOT NULL,
	`status` text NOT NULL,
	`risk_result` text,
	`applied_at` integer NOT NULL,
	`submitted_at` integer,
	`credit_line_external_id` text,
	`record` text NOT NULL,
	`evidence_hash` text NOT NULL,
	`synced_at` integer NOT NULL,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`borrower_id`) REFERENCES `borrowers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `applications_external_unique` ON `applications` (`institution_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `applications_borrower_idx` ON `applications` (`borrower_id`);--> statement-breakpoint
CREATE INDEX `applications_status_idx` ON `applications` (`status`,`institution_id`);--> statement-breakpoint
CREATE INDEX `applications_applied_idx` ON `applications` (`applied_at`);--> statement-breakpoint
CREATE TABLE `contact_phones` (
	`application_id` integer NOT NULL,
	`borrower_id` integer NOT NULL,
	`phone` text NOT NULL,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contact_phones_phone_idx` ON `contact_phones` (`phone`,`borrower_id`);--> statement-breakpoint
CREATE INDEX `contact_phones_app_idx` ON `contact_phones` (`application_id`);--> statement-breakpoint
CREATE TABLE `borrowers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id_number` text NOT NULL,
	`id_tail` text NOT NULL,
	`id_valid` integer NOT NULL,
	`name` text NOT NULL,
	`phone` text NOT NULL,
	`platform_user_id` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `borrowers_id_number_unique` ON `borrowers` (`id_number`);--> statement-breakpoint
CREATE INDEX `borrowers_id_tail_idx` ON `borrowers` (`id_tail`);--> statement-breakpoint
CREATE INDEX `borrowers_phone_idx` ON `borrowers` (`phone`);--> statement-breakpoint
CREATE INDEX `borrowers_name_idx` ON `borrowers` (`name`);--> statement-breakpoint
CREATE INDEX `borrowers_platform_user_idx` ON `borrowers` (`platform_user_id`);--> statement-breakpoint
CREATE TABLE `institutions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`base_url` text NOT NULL,
	`app_id` text NOT NULL,
	`secret_ciphertext` blob NOT NULL,
	`secret_scheme` text NOT NULL,
	`sync_interval_seconds` integer DEFAULT 300 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`demo` integer DEFAULT false NOT NULL,
	`capabilities` text,
	`state` text DEFAULT 'idle' NOT NULL,
	`state_reason` text,
	`circuit_open_until` integer,
	`last_attempt_at` integer,
	`last_success_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `institutions_code_unique` ON `institutions` (`code`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`payload` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`response` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_idempotency_unique` ON `outbox` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_subject_idx` ON `outbox` (`institution_id`,`subject_id`);--> statement-breakpoint
CREATE TABLE `quarantine` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`resource` text NOT NULL,
	`external_id` text,
	`raw_payload` text NOT NULL,
	`issues` text NOT NULL,
	`received_at` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`resolved_at` integer,
	`resolution` text,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `quarantine_open_idx` ON `quarantine` (`institution_id`,`status`,`received_at`);--> statement-breakpoint
CREATE INDEX `quarantine_external_idx` ON `quarantine` (`institution_id`,`resource`,`external_id`);--> statement-breakpoint
CREATE TABLE `reconciliations` (
	`institution_id` integer NOT NULL,
	`resource` text NOT NULL,
	`local_total` integer NOT NULL,
	`remote_total` integer NOT NULL,
	`matched` integer NOT NULL,
	`details` text DEFAULT '{}' NOT NULL,
	`checked_at` integer NOT NULL,
	PRIMARY KEY(`institution_id`, `resource`),
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `sync_cursors` (
	`institution_id` integer NOT NULL,
	`resource` text NOT NULL,
	`cursor` text,
	`fetched` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`institution_id`, `resource`),
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `sync_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`trigger` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`status` text NOT NULL,
	`stats` text DEFAULT '{}' NOT NULL,
	`error` text,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sync_runs_institution_idx` ON `sync_runs` (`institution_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `credit_line_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`credit_line_id` integer NOT NULL,
	`version` integer NOT NULL,
	`seen_at` integer NOT NULL,
	`remote_updated_at` integer NOT NULL,
	`changes` text NOT NULL,
	FOREIGN KEY (`credit_line_id`) REFERENCES `credit_lines`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `credit_line_history_line_idx` ON `credit_line_history` (`credit_line_id`,`version`);--> statement-breakpoint
CREATE TABLE `credit_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`external_id` text NOT NULL,
	`version` integer NOT NULL,
	`remote_updated_at` integer NOT NULL,
	`application_external_id` text NOT NULL,
	`borrower_id` integer,
	`platform_user_id` text NOT NULL,
	`product_code` text NOT NULL,
	`mode` text NOT NULL,
	`limit_fen` integer NOT NULL,
	`used_fen` integer NOT NULL,
	`available_fen` integer NOT NULL,
	`partial_draw_allowed` integer NOT NULL,
	`valid_from` integer NOT NULL,
	`valid_to` integer NOT NULL,
	`status` text NOT NULL,
	`frozen_reason` text,
	`granted_at` integer NOT NULL,
	`derived_used_fen` integer DEFAULT 0 NOT NULL,
	`derived_available_fen` integer DEFAULT 0 NOT NULL,
	`derived_state` text DEFAULT 'active' NOT NULL,
	`flags` text DEFAULT '' NOT NULL,
	`derived_at` integer NOT NULL,
	`synced_at` integer NOT NULL,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`borrower_id`) REFERENCES `borrowers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_lines_external_unique` ON `credit_lines` (`institution_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `credit_lines_borrower_idx` ON `credit_lines` (`borrower_id`);--> statement-breakpoint
CREATE INDEX `credit_lines_mode_idx` ON `credit_lines` (`institution_id`,`mode`,`derived_state`);--> statement-breakpoint
CREATE INDEX `credit_lines_valid_to_idx` ON `credit_lines` (`valid_to`);--> statement-breakpoint
CREATE INDEX `credit_lines_granted_idx` ON `credit_lines` (`granted_at`);--> statement-breakpoint
CREATE TABLE `installments` (
	`plan_id` integer NOT NULL,
	`period` integer NOT NULL,
	`due_date` text NOT NULL,
	`principal_fen` integer NOT NULL,
	`interest_fen` integer NOT NULL,
	`fee_fen` integer NOT NULL,
	`penalty_fen` integer NOT NULL,
	`paid_principal_fen` integer NOT NULL,
	`paid_interest_fen` integer NOT NULL,
	`paid_fee_fen` integer NOT NULL,
	`paid_penalty_fen` integer NOT NULL,
	`status` text NOT NULL,
	`paid_off_at` integer,
	PRIMARY KEY(`plan_id`, `period`),
	FOREIGN KEY (`plan_id`) REFERENCES `repayment_plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`external_id` text NOT NULL,
	`version` integer NOT NULL,
	`remote_updated_at` integer NOT NULL,
	`credit_line_external_id` text NOT NULL,
	`application_external_id` text NOT NULL,
	`borrower_id` integer,
	`platform_user_id` text NOT NULL,
	`product_code` text NOT NULL,
	`principal_fen` integer NOT NULL,
	`received_fen` integer NOT NULL,
	`term_months` integer NOT NULL,
	`repayment_method` text NOT NULL,
	`monthly_interest_rate` text NOT NULL,
	`penalty_daily_rate` text NOT NULL,
	`declared_annual_rate` text NOT NULL,
	`fees` text NOT NULL,
	`quoted_plan` text NOT NULL,
	`status` text NOT NULL,
	`applied_at` integer NOT NULL,
	`disbursed_at` integer,
	`closed_at` integer,
	`bank_card` text,
	`apr_nominal_bps` integer,
	`apr_effective_bps` integer,
	`apr_basis` text,
	`apr_flag` text DEFAULT 'unknown' NOT NULL,
	`plan_state` text DEFAULT 'awaiting' NOT NULL,
	`plan_mismatch` integer DEFAULT false NOT NULL,
	`plan_differences` text,
	`dpd` integer DEFAULT 0 NOT NULL,
	`bucket` text DEFAULT 'M0' NOT NULL,
	`in_grace` integer DEFAULT false NOT NULL,
	`outstanding_principal_fen` integer DEFAULT 0 NOT NULL,
	`overdue_principal_fen` integer DEFAULT 0 NOT NULL,
	`overdue_interest_fen` integer DEFAULT 0 NOT NULL,
	`overdue_fee_fen` integer DEFAULT 0 NOT NULL,
	`overdue_penalty_fen` integer DEFAULT 0 NOT NULL,
	`next_due_date` text,
	`next_due_fen` integer,
	`derived_at` integer NOT NULL,
	`synced_at` integer NOT NULL,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`borrower_id`) REFERENCES `borrowers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_external_unique` ON `orders` (`institution_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `orders_borrower_idx` ON `orders` (`borrower_id`);--> statement-breakpoint
CREATE INDEX `orders_line_idx` ON `orders` (`institution_id`,`credit_line_external_id`);--> statement-breakpoint
CREATE INDEX `orders_status_idx` ON `orders` (`institution_id`,`status`);--> statement-breakpoint
CREATE INDEX `orders_bucket_idx` ON `orders` (`bucket`,`institution_id`);--> statement-breakpoint
CREATE INDEX `orders_disbursed_idx` ON `orders` (`disbursed_at`);--> statement-breakpoint
CREATE INDEX `orders_apr_flag_idx` ON `orders` (`apr_flag`);--> statement-breakpoint
CREATE TABLE `repayment_plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`external_id` text NOT NULL,
	`version` integer NOT NULL,
	`remote_updated_at` integer NOT NULL,
	`order_external_id` text NOT NULL,
	`synced_at` integer NOT NULL,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `repayment_plans_external_unique` ON `repayment_plans` (`institution_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `repayment_plans_order_idx` ON `repayment_plans` (`institution_id`,`order_external_id`);--> statement-breakpoint
CREATE TABLE `repayments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`external_id` text NOT NULL,
	`version` integer NOT NULL,
	`remote_updated_at` integer NOT NULL,
	`order_external_id` text NOT NULL,
	`platform_user_id` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`allocation` text NOT NULL,
	`paid_at` integer NOT NULL,
	`channel` text NOT NULL,
	`kind` text NOT NULL,
	`synced_at` integer NOT NULL,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `repayments_external_unique` ON `repayments` (`institution_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `repayments_order_idx` ON `repayments` (`institution_id`,`order_external_id`,`paid_at`);--> statement-breakpoint
CREATE TABLE `review_task_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`at` integer NOT NULL,
	`operator_id` integer,
	`kind` text NOT NULL,
	`details` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `review_tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `review_task_events_task_idx` ON `review_task_events` (`task_id`,`at`);--> statement-breakpoint
CREATE TABLE `review_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`application_id` integer NOT NULL,
	`institution_id` integer NOT NULL,
	`borrower_id` integer NOT NULL,
	`queue` text NOT NULL,
	`status` text NOT NULL,
	`priority` integer NOT NULL,
	`finding_codes` text NOT NULL,
	`finding_count` integer NOT NULL,
	`evidence_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`queued_at` integer NOT NULL,
	`claimed_by` integer,
	`lease_expires_at` integer,
	`assigned_to` integer,
	`snoozed_until` integer,
	`decided_at` integer,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`claimed_by`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_to`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `review_tasks_app_queue_unique` ON `review_tasks` (`application_id`,`queue`);--> statement-breakpoint
CREATE INDEX `review_tasks_queue_idx` ON `review_tasks` (`queue`,`status`,`queued_at`);--> statement-breakpoint
CREATE INDEX `review_tasks_priority_idx` ON `review_tasks` (`queue`,`status`,`priority`,`queued_at`);--> statement-breakpoint
CREATE INDEX `review_tasks_claimed_idx` ON `review_tasks` (`claimed_by`,`status`);--> statement-breakpoint
CREATE INDEX `review_tasks_assigned_idx` ON `review_tasks` (`assigned_to`,`status`);--> statement-breakpoint
CREATE INDEX `review_tasks_borrower_idx` ON `review_tasks` (`borrower_id`);
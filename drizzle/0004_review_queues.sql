CREATE TABLE `review_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`application_id` integer NOT NULL,
	`queue` text NOT NULL,
	`action` text NOT NULL,
	`stage` text NOT NULL,
	`state` text NOT NULL,
	`operator_id` integer NOT NULL,
	`reason_code` text,
	`note` text DEFAULT '' NOT NULL,
	`four_eyes_reasons` text DEFAULT '[]' NOT NULL,
	`second_of_id` integer,
	`evidence_hash` text NOT NULL,
	`application_version` integer NOT NULL,
	`decided_at` integer NOT NULL,
	`cancelled_at` integer,
	`cancel_reason` text,
	`outbox_id` integer,
	`delivery_state` text,
	FOREIGN KEY (`task_id`) REFERENCES `review_tasks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_decisions_task_idx` ON `review_decisions` (`task_id`,`decided_at`);--> statement-breakpoint
CREATE INDEX `review_decisions_waiting_idx` ON `review_decisions` (`state`) WHERE state = 'awaiting_second';--> statement-breakpoint
CREATE INDEX `review_decisions_delivery_idx` ON `review_decisions` (`delivery_state`) WHERE delivery_state = 'pending';--> statement-breakpoint
CREATE TABLE `review_reason_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`queue` text NOT NULL,
	`action` text NOT NULL,
	`code` text NOT NULL,
	`label_zh` text NOT NULL,
	`label_en` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `review_reason_codes_unique` ON `review_reason_codes` (`queue`,`action`,`code`);--> statement-breakpoint
CREATE TABLE `review_task_codes` (
	`task_id` integer NOT NULL,
	`code` text NOT NULL,
	PRIMARY KEY(`task_id`, `code`),
	FOREIGN KEY (`task_id`) REFERENCES `review_tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `review_task_codes_code_idx` ON `review_task_codes` (`code`,`task_id`);--> statement-breakpoint
ALTER TABLE `review_tasks` ADD `claimed_at` integer;--> statement-breakpoint
ALTER TABLE `review_tasks` ADD `decision` text;--> statement-breakpoint
ALTER TABLE `review_tasks` ADD `return_note` text;--> statement-breakpoint
CREATE INDEX `review_tasks_institution_age_idx` ON `review_tasks` (`queue`,`status`,`institution_id`,`queued_at`);--> statement-breakpoint
CREATE INDEX `review_tasks_institution_priority_idx` ON `review_tasks` (`queue`,`status`,`institution_id`,`priority`,`queued_at`);--> statement-breakpoint
CREATE INDEX `review_tasks_assignee_age_idx` ON `review_tasks` (`queue`,`status`,`assigned_to`,`queued_at`);--> statement-breakpoint
CREATE INDEX `review_tasks_assignee_priority_idx` ON `review_tasks` (`queue`,`status`,`assigned_to`,`priority`,`queued_at`);
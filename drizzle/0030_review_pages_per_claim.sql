DROP INDEX `outbox_subject_idx`;--> statement-breakpoint
DROP INDEX `review_tasks_institution_age_idx`;--> statement-breakpoint
DROP INDEX `review_tasks_claimed_idx`;--> statement-breakpoint
DROP INDEX `review_tasks_assigned_idx`;--> statement-breakpoint
DROP INDEX `review_tasks_institution_priority_idx`;--> statement-breakpoint
CREATE INDEX `review_tasks_claimed_idx` ON `review_tasks` (`claimed_by`,`status`) WHERE claimed_by IS NOT NULL;--> statement-breakpoint
CREATE INDEX `review_tasks_assigned_idx` ON `review_tasks` (`assigned_to`,`status`) WHERE assigned_to IS NOT NULL;--> statement-breakpoint
CREATE INDEX `review_tasks_institution_priority_idx` ON `review_tasks` (`queue`,`institution_id`,`priority`,`status`,`queued_at`);--> statement-breakpoint
DROP INDEX `review_decisions_delivery_idx`;--> statement-breakpoint
DROP INDEX `review_decisions_delivery_failed_idx`;--> statement-breakpoint
CREATE INDEX `review_decisions_delivery_idx` ON `review_decisions` (`outbox_id`) WHERE delivery_state = 'pending';--> statement-breakpoint
CREATE INDEX `review_decisions_delivery_failed_idx` ON `review_decisions` (`outbox_id`) WHERE delivery_state = 'failed';
--> statement-breakpoint
-- Hand-written (drizzle-kit cannot say WITHOUT ROWID; its snapshot is unchanged): the keyed decide
-- requests keep their rows in the primary key's b-tree, so a keyed decision writes one b-tree for
-- the row and its key instead of the table and its key's index.
CREATE TABLE `__new_review_decide_requests` (
	`operator_id` integer NOT NULL,
	`request_key` text NOT NULL,
	`task_id` integer NOT NULL,
	`response` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`operator_id`, `request_key`),
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_review_decide_requests` (`operator_id`, `request_key`, `task_id`, `response`, `created_at`)
  SELECT `operator_id`, `request_key`, `task_id`, `response`, `created_at` FROM `review_decide_requests`;
--> statement-breakpoint
DROP TABLE `review_decide_requests`;
--> statement-breakpoint
ALTER TABLE `__new_review_decide_requests` RENAME TO `review_decide_requests`;
--> statement-breakpoint
CREATE INDEX `review_decide_requests_created_idx` ON `review_decide_requests` (`created_at`);

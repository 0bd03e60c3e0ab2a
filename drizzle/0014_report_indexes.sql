-- Reports read decisions and tasks by time: without these a date range scans whole tables.
CREATE INDEX IF NOT EXISTS `review_decisions_decided_idx` ON `review_decisions` (`decided_at`);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `review_tasks_created_idx` ON `review_tasks` (`created_at`, `institution_id`);

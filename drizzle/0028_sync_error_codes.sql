ALTER TABLE `outbox` ADD `last_error_code` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `last_error_status` integer;--> statement-breakpoint
ALTER TABLE `sync_runs` ADD `error_code` text;--> statement-breakpoint
ALTER TABLE `sync_runs` ADD `error_status` integer;
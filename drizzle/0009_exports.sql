CREATE TABLE `exports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`operator_id` integer,
	`operator_name` text NOT NULL,
	`kind` text NOT NULL,
	`format` text NOT NULL,
	`filters` text NOT NULL,
	`masked` integer NOT NULL,
	`status` text NOT NULL,
	`row_count` integer DEFAULT 0 NOT NULL,
	`total_rows` integer,
	`byte_size` integer,
	`file_name` text NOT NULL,
	`file_path` text,
	`error` text,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `exports_operator_idx` ON `exports` (`operator_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `exports_started_idx` ON `exports` (`started_at`);
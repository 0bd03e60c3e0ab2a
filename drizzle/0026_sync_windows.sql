CREATE TABLE `sync_windows` (
	`institution_id` integer NOT NULL,
	`resource` text NOT NULL,
	`cursor` text,
	`reached_at` integer,
	`last_read` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`institution_id`, `resource`),
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE cascade
);

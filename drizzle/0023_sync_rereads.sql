CREATE TABLE `sync_rereads` (
	`institution_id` integer NOT NULL,
	`resource` text NOT NULL,
	`running` integer DEFAULT false NOT NULL,
	`cursor` text,
	`fetched` integer DEFAULT 0 NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`failures` integer DEFAULT 0 NOT NULL,
	`not_before` integer,
	PRIMARY KEY(`institution_id`, `resource`),
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE cascade
);

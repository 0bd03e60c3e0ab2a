CREATE TABLE `sign_in_throttles` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`last_failure_at` integer,
	`window_start` integer DEFAULT 0 NOT NULL,
	`window_attempts` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);

CREATE TABLE `portfolio_month_end_runs` (
	`month_end` text NOT NULL,
	`institution_id` integer NOT NULL,
	`source` text NOT NULL,
	`loan_count` integer NOT NULL,
	`skipped_without_plan` integer NOT NULL,
	`taken_at` integer NOT NULL,
	PRIMARY KEY(`month_end`, `institution_id`)
);

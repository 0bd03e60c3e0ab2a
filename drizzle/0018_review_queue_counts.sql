CREATE TABLE `review_queue_counts` (
	`queue` text NOT NULL,
	`status` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`queue`, `status`)
);

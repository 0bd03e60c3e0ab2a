CREATE TABLE `review_decide_requests` (
	`operator_id` integer NOT NULL,
	`request_key` text NOT NULL,
	`task_id` integer NOT NULL,
	`response` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`operator_id`, `request_key`),
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_decide_requests_created_idx` ON `review_decide_requests` (`created_at`);
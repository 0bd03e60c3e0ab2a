CREATE TABLE `application_funnel` (
	`application_id` integer PRIMARY KEY NOT NULL,
	`institution_id` integer NOT NULL,
	`product_code` text NOT NULL,
	`applied_at` integer NOT NULL,
	`status` text NOT NULL,
	`required_items` text NOT NULL,
	`required_mask` integer NOT NULL,
	`completed_mask` integer NOT NULL,
	`failed_mask` integer NOT NULL,
	`abandoned_at_item` text,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `application_funnel_applied_idx` ON `application_funnel` (`applied_at`,`institution_id`);
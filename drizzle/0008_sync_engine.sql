ALTER TABLE `borrowers` ADD `source_updated_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `delinquency_basis` text DEFAULT 'not_disbursed' NOT NULL;--> statement-breakpoint
CREATE INDEX `orders_application_idx` ON `orders` (`institution_id`,`application_external_id`);--> statement-breakpoint
CREATE INDEX `credit_lines_application_idx` ON `credit_lines` (`institution_id`,`application_external_id`);
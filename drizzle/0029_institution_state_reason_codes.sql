ALTER TABLE `institutions` ADD `state_reason_code` text;--> statement-breakpoint
ALTER TABLE `institutions` ADD `state_reason_status` integer;
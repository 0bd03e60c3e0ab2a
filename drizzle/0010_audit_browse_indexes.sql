CREATE INDEX `audit_log_operator_idx` ON `audit_log` (`operator_name`,`at`);--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target_type`,`target_id`,`at`);
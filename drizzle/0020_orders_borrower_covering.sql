DROP INDEX `orders_borrower_idx`;--> statement-breakpoint
CREATE INDEX `orders_borrower_idx` ON `orders` (`borrower_id`,`status`,`dpd`);
-- Exact task counts per queue and status, kept by triggers on every write to review_tasks. Every
-- (queue, status) pair has its row from the start, so the triggers only ever UPDATE.
INSERT INTO `review_queue_counts` (`queue`, `status`, `count`)
SELECT `q`.`queue`, `s`.`status`, (SELECT count(*) FROM `review_tasks` `t` WHERE `t`.`queue` = `q`.`queue` AND `t`.`status` = `s`.`status`)
  FROM (SELECT 'contacts' AS `queue` UNION ALL SELECT 'face' UNION ALL SELECT 'ocr') `q`,
       (SELECT 'open' AS `status` UNION ALL SELECT 'in_review' UNION ALL SELECT 'awaiting_second' UNION ALL SELECT 'escalated'
        UNION ALL SELECT 'snoozed' UNION ALL SELECT 'decided' UNION ALL SELECT 'awaiting_resubmission' UNION ALL SELECT 'closed') `s`;
--> statement-breakpoint
CREATE TRIGGER `review_queue_counts_after_insert` AFTER INSERT ON `review_tasks`
BEGIN
  UPDATE `review_queue_counts` SET `count` = `count` + 1 WHERE `queue` = NEW.`queue` AND `status` = NEW.`status`;
END;
--> statement-breakpoint
CREATE TRIGGER `review_queue_counts_after_delete` AFTER DELETE ON `review_tasks`
BEGIN
  UPDATE `review_queue_counts` SET `count` = `count` - 1 WHERE `queue` = OLD.`queue` AND `status` = OLD.`status`;
END;
--> statement-breakpoint
CREATE TRIGGER `review_queue_counts_after_update` AFTER UPDATE OF `queue`, `status` ON `review_tasks`
WHEN OLD.`queue` IS NOT NEW.`queue` OR OLD.`status` IS NOT NEW.`status`
BEGIN
  UPDATE `review_queue_counts` SET `count` = `count` - 1 WHERE `queue` = OLD.`queue` AND `status` = OLD.`status`;
  UPDATE `review_queue_counts` SET `count` = `count` + 1 WHERE `queue` = NEW.`queue` AND `status` = NEW.`status`;
END;

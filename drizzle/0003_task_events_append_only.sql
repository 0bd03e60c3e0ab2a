-- A task's timeline is immutable: events are only ever added.
CREATE TRIGGER `review_task_events_no_update` BEFORE UPDATE ON `review_task_events`
BEGIN
  SELECT RAISE(ABORT, 'review_task_events is append-only');
END;

-- The customers' notifications (站内消息, docs/storage.md "Notifications"): each notification
-- put in the outbox for a customer is also kept here, in the same unit of work and under the
-- outbox message's idempotency key, with the text its SMS and e-mail carry. The customer
-- lists them, counts the unread and marks them read; nothing else ever changes.
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  idempotency_key TEXT NOT NULL UNIQUE
    CONSTRAINT notifications_key CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  template TEXT NOT NULL CONSTRAINT notifications_template CHECK (length(template) BETWEEN 1 AND 100),
  application_id INTEGER REFERENCES applications (id),
  title TEXT NOT NULL CONSTRAINT notifications_title CHECK (length(title) BETWEEN 1 AND 200),
  body TEXT NOT NULL CONSTRAINT notifications_body CHECK (length(body) BETWEEN 1 AND 2000),
  created_at INTEGER NOT NULL,
  read_at INTEGER CONSTRAINT notifications_read_after_created CHECK (read_at >= created_at)
) STRICT;
CREATE INDEX notifications_account ON notifications (account_id, id);
CREATE INDEX notifications_unread ON notifications (account_id) WHERE read_at IS NULL;

-- The owner: an account on record, and an application (when the notification is about one)
-- of that account. SQLite's foreign keys depend on the connection: checked here too.
CREATE TRIGGER notifications_owner BEFORE INSERT ON notifications
WHEN NOT EXISTS (SELECT 1 FROM accounts WHERE id = NEW.account_id) OR
     (NEW.application_id IS NOT NULL AND
      NOT EXISTS (SELECT 1 FROM applications
                  WHERE id = NEW.application_id AND account_id = NEW.account_id))
BEGIN SELECT RAISE(ABORT, 'notification.owner'); END;
-- INSERT OR REPLACE would delete the row it collides with, without its DELETE trigger.
CREATE TRIGGER notifications_no_replace BEFORE INSERT ON notifications
WHEN EXISTS (SELECT 1 FROM notifications
             WHERE id = NEW.id OR idempotency_key = NEW.idempotency_key)
BEGIN SELECT RAISE(ABORT, 'notifications.idempotency_key'); END;

-- read_at goes from NULL to a time once: a read notification never changes again, and
-- nothing but read_at ever changes.
CREATE TRIGGER notifications_read_once BEFORE UPDATE ON notifications
WHEN OLD.read_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'notification.read-once'); END;
CREATE TRIGGER notifications_fixed BEFORE UPDATE ON notifications
WHEN NEW.id IS NOT OLD.id OR NEW.account_id IS NOT OLD.account_id OR
     NEW.idempotency_key IS NOT OLD.idempotency_key OR NEW.template IS NOT OLD.template OR
     NEW.application_id IS NOT OLD.application_id OR NEW.title IS NOT OLD.title OR
     NEW.body IS NOT OLD.body OR NEW.created_at IS NOT OLD.created_at
BEGIN SELECT RAISE(ABORT, 'notification.kept'); END;
CREATE TRIGGER notifications_kept BEFORE DELETE ON notifications
BEGIN SELECT RAISE(ABORT, 'notification.kept'); END;

-- Data steps SQL alone cannot do, run once by the store after the migrations (storage/sql/
-- backfill.cc): the name of each step that finished. 'subjects.unit_name' fills the unit
-- names of subjects on record before 0011 from their sealed documents.
CREATE TABLE backfills (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
  finished_at INTEGER NOT NULL
) STRICT;

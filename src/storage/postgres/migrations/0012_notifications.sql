-- The customers' notifications (站内消息), as SQLite's 0012_notifications says it: kept with
-- the outbox message that carries each, under its idempotency key; read once; never deleted.
CREATE TABLE notifications (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts (id),
  idempotency_key TEXT NOT NULL
    CONSTRAINT notifications_key CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  template TEXT NOT NULL CONSTRAINT notifications_template CHECK (length(template) BETWEEN 1 AND 100),
  application_id BIGINT REFERENCES applications (id),
  title TEXT NOT NULL CONSTRAINT notifications_title CHECK (length(title) BETWEEN 1 AND 200),
  body TEXT NOT NULL CONSTRAINT notifications_body CHECK (length(body) BETWEEN 1 AND 2000),
  created_at BIGINT NOT NULL,
  read_at BIGINT CONSTRAINT notifications_read_after_created CHECK (read_at >= created_at),
  CONSTRAINT "notifications.idempotency_key" UNIQUE (idempotency_key)
);
CREATE INDEX notifications_account ON notifications (account_id, id);
CREATE INDEX notifications_unread ON notifications (account_id) WHERE read_at IS NULL;

-- The owner: an application (when the notification is about one) of the same account.
CREATE FUNCTION notifications_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.application_id IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM applications WHERE id = NEW.application_id AND account_id = NEW.account_id)
  THEN
    RAISE EXCEPTION 'notification.owner' USING CONSTRAINT = 'notification.owner';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER notifications_owner BEFORE INSERT ON notifications
  FOR EACH ROW EXECUTE FUNCTION notifications_owner();

-- read_at goes from NULL to a time once; nothing but read_at ever changes; no row is deleted.
CREATE TRIGGER notifications_read_once BEFORE UPDATE ON notifications
  FOR EACH ROW WHEN (OLD.read_at IS NOT NULL)
  EXECUTE FUNCTION refuse('notification.read-once');
CREATE TRIGGER notifications_fixed BEFORE UPDATE ON notifications
  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id OR
                     NEW.account_id IS DISTINCT FROM OLD.account_id OR
                     NEW.idempotency_key IS DISTINCT FROM OLD.idempotency_key OR
                     NEW.template IS DISTINCT FROM OLD.template OR
                     NEW.application_id IS DISTINCT FROM OLD.application_id OR
                     NEW.title IS DISTINCT FROM OLD.title OR
                     NEW.body IS DISTINCT FROM OLD.body OR
                     NEW.created_at IS DISTINCT FROM OLD.created_at)
  EXECUTE FUNCTION refuse('notification.kept');
CREATE TRIGGER notifications_kept BEFORE DELETE OR TRUNCATE ON notifications
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('notification.kept');

-- Data steps SQL alone cannot do, run once after the migrations (storage/sql/backfill.cc).
CREATE TABLE backfills (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
  finished_at BIGINT NOT NULL
);

DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION notifications_owner() SET search_path = %I, pg_temp',
                 current_schema());
END $$;

-- The runtime role (0002): no DELETE on notifications; the backfill marks run as the owner
-- (icpctl db migrate), and icpd may run the backfill itself.
DO $$
DECLARE
  s TEXT := quote_ident(current_schema());
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'beian_runtime') THEN
    EXECUTE 'GRANT SELECT, INSERT, UPDATE ON ' || s || '.notifications TO beian_runtime';
    EXECUTE 'GRANT SELECT, INSERT ON ' || s || '.backfills TO beian_runtime';
    EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ' || s || ' TO beian_runtime';
  END IF;
END $$;

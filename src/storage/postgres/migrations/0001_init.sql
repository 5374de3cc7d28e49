-- Beian's schema on PostgreSQL: the same tables, constraints and refusals as
-- storage/sqlite/migrations/0001_init.sql, in PostgreSQL's words. Several icpd processes
-- share this database; every invariant below holds whatever they do concurrently.
-- Times are Unix seconds (BIGINT).

CREATE TABLE accounts (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  login TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 128),
  role TEXT NOT NULL CHECK (role IN ('customer', 'reviewer', 'admin')),
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE applications (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts (id),
  subject_id BIGINT,
  type TEXT NOT NULL CHECK (type IN ('first_filing', 'new_website',
    'new_website_filed_elsewhere', 'new_access', 'continue_access', 'change_subject',
    'change_website', 'change_access', 'cancel_subject', 'cancel_website', 'cancel_access')),
  state TEXT NOT NULL CHECK (state IN ('draft', 'provider_review', 'provider_returned',
    'verification', 'ready_for_bureau', 'sms_pending', 'bureau_review', 'approved',
    'bureau_returned', 'withdrawn', 'abandoned', 'expired')),
  province TEXT NOT NULL,
  subject_hash TEXT NOT NULL,
  open_subject_hash TEXT UNIQUE,
  body TEXT NOT NULL,
  entered_at BIGINT NOT NULL,
  missed_calls BIGINT NOT NULL CHECK (missed_calls >= 0),
  next_call_at BIGINT,
  deadline_kind TEXT,
  deadline_due BIGINT,
  deadline_provisional BIGINT NOT NULL CHECK (deadline_provisional IN (0, 1)),
  deadline_on_expiry TEXT,
  reminded TEXT NOT NULL,
  history_length BIGINT NOT NULL CHECK (history_length >= 0),
  revision BIGINT NOT NULL CHECK (revision >= 1),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CHECK ((state IN ('approved', 'withdrawn', 'abandoned', 'expired')) =
         (open_subject_hash IS NULL)),
  CHECK (open_subject_hash IS NULL OR open_subject_hash = subject_hash)
);
CREATE INDEX applications_account ON applications (account_id, id);
CREATE INDEX applications_state ON applications (state, id);
CREATE INDEX applications_due ON applications (deadline_due) WHERE open_subject_hash IS NOT NULL;
CREATE INDEX applications_call ON applications (next_call_at) WHERE next_call_at IS NOT NULL;

CREATE TABLE subjects (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts (id),
  certificate_hash TEXT NOT NULL,
  active_certificate_hash TEXT UNIQUE,
  province TEXT NOT NULL,
  body TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  number TEXT,
  cancelled BIGINT NOT NULL CHECK (cancelled IN (0, 1)),
  changed_by BIGINT REFERENCES applications (id),
  revision BIGINT NOT NULL CHECK (revision >= 1),
  CHECK ((cancelled = 0 AND active_certificate_hash = certificate_hash) OR
         (cancelled = 1 AND active_certificate_hash IS NULL))
);
CREATE INDEX subjects_account ON subjects (account_id);
ALTER TABLE applications ADD FOREIGN KEY (subject_id) REFERENCES subjects (id);

CREATE TABLE websites (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject_id BIGINT NOT NULL REFERENCES subjects (id),
  body TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  number TEXT,
  cancelled BIGINT NOT NULL CHECK (cancelled IN (0, 1)),
  changed_by BIGINT REFERENCES applications (id),
  revision BIGINT NOT NULL CHECK (revision >= 1)
);
CREATE INDEX websites_subject ON websites (subject_id);

CREATE TABLE website_domains (
  website_id BIGINT NOT NULL REFERENCES websites (id),
  domain TEXT NOT NULL,
  active_domain TEXT UNIQUE,
  PRIMARY KEY (website_id, domain),
  CHECK (active_domain IS NULL OR active_domain = domain)
);

-- An access filing (新增接入, 继续接入, 取消接入) changes no data on record.
CREATE FUNCTION access_filing_changes_no_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.content_hash IS DISTINCT FROM OLD.content_hash AND NEW.changed_by IS NOT NULL AND
     (SELECT type FROM applications WHERE id = NEW.changed_by)
       IN ('new_access', 'continue_access', 'cancel_access') THEN
    RAISE EXCEPTION 'access-filing.changes-no-data';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER subjects_access_filing_changes_no_data BEFORE UPDATE ON subjects
  FOR EACH ROW EXECUTE FUNCTION access_filing_changes_no_data();
CREATE TRIGGER websites_access_filing_changes_no_data BEFORE UPDATE ON websites
  FOR EACH ROW EXECUTE FUNCTION access_filing_changes_no_data();

-- Raises `rule` for any row: the tables below refuse some changes outright.
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0];
END $$;

CREATE TABLE filing_numbers (
  number TEXT PRIMARY KEY,
  subject_id BIGINT NOT NULL REFERENCES subjects (id),
  website_id BIGINT REFERENCES websites (id),
  issued_at BIGINT NOT NULL,
  cancelled_at BIGINT
);
CREATE TRIGGER filing_numbers_kept_forever BEFORE DELETE OR TRUNCATE ON filing_numbers
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('filing-number.kept-forever');
CREATE TRIGGER filing_numbers_issued_once BEFORE UPDATE ON filing_numbers
  FOR EACH ROW WHEN (NEW.number IS DISTINCT FROM OLD.number OR
                     NEW.subject_id IS DISTINCT FROM OLD.subject_id OR
                     NEW.website_id IS DISTINCT FROM OLD.website_id OR
                     NEW.issued_at IS DISTINCT FROM OLD.issued_at OR
                     (OLD.cancelled_at IS NOT NULL AND
                      NEW.cancelled_at IS DISTINCT FROM OLD.cancelled_at))
  EXECUTE FUNCTION refuse('filing-number.issued-once');

CREATE TABLE application_domains (
  application_id BIGINT NOT NULL REFERENCES applications (id),
  domain TEXT NOT NULL,
  field TEXT NOT NULL,
  open_domain TEXT UNIQUE,
  PRIMARY KEY (application_id, domain),
  CHECK (open_domain IS NULL OR open_domain = domain)
);

CREATE FUNCTION applications_terminal_frees_domains() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE application_domains SET open_domain = NULL WHERE application_id = NEW.id;
  RETURN NEW;
END $$;
CREATE TRIGGER applications_terminal_frees_domains AFTER UPDATE ON applications
  FOR EACH ROW WHEN (NEW.open_subject_hash IS NULL AND OLD.open_subject_hash IS NOT NULL)
  EXECUTE FUNCTION applications_terminal_frees_domains();

CREATE TABLE application_transitions (
  application_id BIGINT NOT NULL REFERENCES applications (id),
  seq BIGINT NOT NULL CHECK (seq >= 1),
  from_state TEXT NOT NULL,
  event TEXT NOT NULL,
  to_state TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (application_id, seq)
);
CREATE TRIGGER application_transitions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
  ON application_transitions FOR EACH STATEMENT
  EXECUTE FUNCTION refuse('application.history-append-only');

CREATE TABLE materials (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  application_id BIGINT NOT NULL REFERENCES applications (id),
  kind TEXT NOT NULL,
  owner TEXT NOT NULL,
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL CHECK (size >= 0),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  uploaded_at BIGINT NOT NULL
);
CREATE INDEX materials_application ON materials (application_id);

CREATE TABLE resources (
  id TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('cvm', 'lighthouse', 'serverless_pack', 'clb')),
  region TEXT NOT NULL,
  mainland BIGINT NOT NULL CHECK (mainland IN (0, 1)),
  billing TEXT NOT NULL CHECK (billing IN ('prepaid', 'pay_as_you_go')),
  trial BIGINT NOT NULL CHECK (trial IN (0, 1)),
  purchased_count BIGINT NOT NULL CHECK (purchased_count >= 0),
  purchased_unit TEXT NOT NULL CHECK (purchased_unit IN ('months', 'days')),
  expires_at BIGINT,
  public_ip TEXT,
  parent_id TEXT REFERENCES resources (id)
);
CREATE INDEX resources_account ON resources (account);
CREATE INDEX resources_parent ON resources (parent_id);

CREATE TABLE authorization_codes (
  code TEXT PRIMARY KEY,
  server_id TEXT NOT NULL,
  ip TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('unused', 'used', 'invalid')),
  generated_by TEXT NOT NULL
);
CREATE INDEX authorization_codes_server ON authorization_codes (server_id);
CREATE TRIGGER authorization_codes_used_is_final BEFORE UPDATE ON authorization_codes
  FOR EACH ROW WHEN (OLD.state = 'used' AND NEW.state <> 'used')
  EXECUTE FUNCTION refuse('auth-code.used');

-- The audit log: append-only, gapless, chained with a keyed hash (HMAC-SHA256 under a key
-- kept outside the database). audit_head records the last entry; the database, not the
-- writer, keeps it there: an entry must link to the head (seq = head + 1, prev_hash = the
-- head's hash), and inserting it moves the head to it.
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY CHECK (seq >= 1),
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
  hash TEXT NOT NULL CHECK (length(hash) = 64)
);
CREATE TABLE audit_head (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('audit.append-only');
CREATE TRIGGER audit_head_kept BEFORE DELETE OR TRUNCATE ON audit_head
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('audit.head');
CREATE TRIGGER audit_head_one_row BEFORE INSERT ON audit_head
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('audit.head');

-- Locks the head row, so concurrent inserts link one after the other.
CREATE FUNCTION audit_log_links_to_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head_seq BIGINT;
  head_hash TEXT;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM audit_head WHERE id = 1 FOR UPDATE;
  IF NEW.seq IS DISTINCT FROM head_seq + 1 OR NEW.prev_hash IS DISTINCT FROM head_hash THEN
    RAISE EXCEPTION 'audit.chain';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_links_to_head BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_links_to_head();

CREATE FUNCTION audit_log_moves_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER audit_log_moves_head AFTER INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_moves_head();

CREATE FUNCTION audit_head_moves_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR
     NEW.seq IS DISTINCT FROM (SELECT max(seq) FROM audit_log) OR
     NEW.hash IS DISTINCT FROM (SELECT hash FROM audit_log WHERE seq = NEW.seq) THEN
    RAISE EXCEPTION 'audit.head';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_head_moves_forward BEFORE UPDATE ON audit_head
  FOR EACH ROW EXECUTE FUNCTION audit_head_moves_forward();

CREATE TABLE outbox (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  available_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until BIGINT,
  delivered_at BIGINT,
  last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (available_at, id) WHERE delivered_at IS NULL;

CREATE TABLE inbox (
  idempotency_key TEXT PRIMARY KEY,
  received_at BIGINT NOT NULL
);

-- Beian's schema on PostgreSQL: the same tables, constraints and refusals as
-- storage/sqlite/migrations/0001_init.sql, in PostgreSQL's words. Several icpd processes
-- share this database; every invariant below holds whatever they do concurrently, and
-- against the runtime role writing raw SQL (tests/storage/hostile_writer_postgres.py).
-- Times are Unix seconds (BIGINT).
-- Unique keys are named "table.column", as SQLite names them in its errors, and triggers
-- raise with CONSTRAINT set to their rule, so that both engines report the same names and
-- the repositories classify errors by them (sql::ConstraintOf).

-- Raises `rule` (TG_ARGV[0]) for any row or statement: some changes are refused outright.
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING CONSTRAINT = TG_ARGV[0];
END $$;

CREATE TABLE accounts (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  login TEXT NOT NULL CHECK (length(login) BETWEEN 1 AND 128),
  role TEXT NOT NULL CHECK (role IN ('customer', 'reviewer', 'admin')),
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT "accounts.login" UNIQUE (login)
);

-- Applications. subject_key is whom the application is about: the identity_key of the
-- subject on record when there is one (whatever certificate the new document carries), else
-- the keyed hash of the document's certificate. open_subject_key is subject_key while the
-- application is open and NULL once it is terminal: its unique index is "one open
-- application per subject", so a change filing and a new website for one subject can never
-- run at once (FACTS §4.5). open_account likewise holds "one in-process order per account".
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
  subject_key TEXT NOT NULL,
  open_subject_key TEXT,
  open_account BIGINT,
  body TEXT NOT NULL,
  content_hash TEXT NOT NULL,
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
  CONSTRAINT "applications.open_subject_key" UNIQUE (open_subject_key),
  CONSTRAINT "applications.open_account" UNIQUE (open_account),
  CONSTRAINT applications_open_while_not_terminal
    CHECK ((state IN ('approved', 'withdrawn', 'abandoned', 'expired')) =
           (open_subject_key IS NULL)),
  CONSTRAINT applications_open_key_is_subject_key
    CHECK (open_subject_key IS NULL OR open_subject_key = subject_key),
  CONSTRAINT applications_open_account_while_open
    CHECK ((open_account IS NULL) = (open_subject_key IS NULL)),
  CONSTRAINT applications_open_account_is_own
    CHECK (open_account IS NULL OR open_account = account_id),
  -- New websites, changes and cancellations are about a subject on record.
  CONSTRAINT applications_type_names_subject
    CHECK (subject_id IS NOT NULL OR type IN ('first_filing', 'new_website_filed_elsewhere',
                                              'new_access', 'continue_access'))
);
CREATE INDEX applications_account ON applications (account_id, id);
CREATE INDEX applications_state ON applications (state, id);
CREATE INDEX applications_due ON applications (deadline_due) WHERE open_subject_key IS NOT NULL;
CREATE INDEX applications_call ON applications (next_call_at) WHERE next_call_at IS NOT NULL;

-- Subjects on record: one active subject per certificate (keyed hash of type and number).
-- identity_key is the certificate hash the subject was first recorded with and never
-- changes, even when a change filing replaces the certificate (三证合一, personal → unit):
-- applications about the subject are keyed on it.
CREATE TABLE subjects (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts (id),
  identity_key TEXT NOT NULL,
  certificate_hash TEXT NOT NULL,
  active_certificate_hash TEXT,
  province TEXT NOT NULL,
  body TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  number TEXT,
  cancelled BIGINT NOT NULL CHECK (cancelled IN (0, 1)),
  changed_by BIGINT REFERENCES applications (id),
  revision BIGINT NOT NULL CHECK (revision >= 1),
  CONSTRAINT "subjects.active_certificate_hash" UNIQUE (active_certificate_hash),
  UNIQUE (id, identity_key),
  CHECK ((cancelled = 0 AND active_certificate_hash = certificate_hash) OR
         (cancelled = 1 AND active_certificate_hash IS NULL))
);
CREATE INDEX subjects_account ON subjects (account_id);
CREATE INDEX subjects_identity ON subjects (identity_key);
ALTER TABLE applications ADD FOREIGN KEY (subject_id) REFERENCES subjects (id);
ALTER TABLE applications ADD CONSTRAINT "applications.subject_key"
  FOREIGN KEY (subject_id, subject_key) REFERENCES subjects (id, identity_key);

CREATE TABLE websites (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject_id BIGINT NOT NULL REFERENCES subjects (id),
  body TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  number TEXT,
  cancelled BIGINT NOT NULL CHECK (cancelled IN (0, 1)),
  changed_by BIGINT REFERENCES applications (id),
  revision BIGINT NOT NULL CHECK (revision >= 1),
  UNIQUE (id, subject_id)
);
CREATE INDEX websites_subject ON websites (subject_id);

-- Each row carries the content hash of the website document it was written for (bound to
-- the sealed document): while the website is active, a row of its current document can be
-- neither deleted nor closed, so a domain cannot be freed without a change filing.
CREATE TABLE website_domains (
  website_id BIGINT NOT NULL REFERENCES websites (id),
  domain TEXT NOT NULL,
  active_domain TEXT,
  content_hash TEXT NOT NULL,
  PRIMARY KEY (website_id, domain),
  CONSTRAINT "website_domains.active_domain" UNIQUE (active_domain),
  CHECK (active_domain IS NULL OR active_domain = domain)
);
CREATE FUNCTION website_domains_follow_the_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM websites WHERE id = OLD.website_id AND
               content_hash = OLD.content_hash AND cancelled = 0) THEN
      RAISE EXCEPTION 'website_domains.document' USING CONSTRAINT = 'website_domains.document';
    END IF;
    RETURN OLD;
  END IF;
  IF (TG_OP = 'UPDATE' AND (NEW.website_id IS DISTINCT FROM OLD.website_id OR
                            NEW.domain IS DISTINCT FROM OLD.domain)) OR
     NOT EXISTS (SELECT 1 FROM websites
                 WHERE id = NEW.website_id AND content_hash = NEW.content_hash AND
                       (cancelled = 1) = (NEW.active_domain IS NULL)) THEN
    RAISE EXCEPTION 'website_domains.document' USING CONSTRAINT = 'website_domains.document';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER website_domains_follow_the_document
  BEFORE INSERT OR UPDATE OR DELETE ON website_domains
  FOR EACH ROW EXECUTE FUNCTION website_domains_follow_the_document();
CREATE TRIGGER website_domains_kept BEFORE TRUNCATE ON website_domains
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('website_domains.document');

-- Records on file are kept: a subject, website or application is never deleted and keeps
-- its identity.
CREATE TRIGGER subjects_kept BEFORE DELETE OR TRUNCATE ON subjects
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('record.kept');
CREATE TRIGGER websites_kept BEFORE DELETE OR TRUNCATE ON websites
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('record.kept');
CREATE TRIGGER applications_kept BEFORE DELETE OR TRUNCATE ON applications
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('record.kept');
CREATE TRIGGER subjects_identity_fixed BEFORE UPDATE ON subjects
  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id OR
                     NEW.identity_key IS DISTINCT FROM OLD.identity_key)
  EXECUTE FUNCTION refuse('record.identity-fixed');
CREATE TRIGGER websites_identity_fixed BEFORE UPDATE ON websites
  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id OR NEW.subject_id IS DISTINCT FROM OLD.subject_id)
  EXECUTE FUNCTION refuse('record.identity-fixed');
CREATE TRIGGER applications_identity_fixed BEFORE UPDATE ON applications
  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id OR
                     NEW.account_id IS DISTINCT FROM OLD.account_id OR
                     NEW.type IS DISTINCT FROM OLD.type OR
                     NEW.created_at IS DISTINCT FROM OLD.created_at)
  EXECUTE FUNCTION refuse('record.identity-fixed');

-- Data on record changes only through an application that may change it. A change of
-- content, certificate or cancellation needs changed_by to name a new application about this
-- subject (for a website: about its subject); an access filing (新增接入, 继续接入, 取消接入)
-- never changes content. The sealed body is bound to its row and content hash, so the body
-- cannot change behind an unchanged hash.
CREATE FUNCTION records_change_through_an_application() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  content_changed BOOLEAN := NEW.content_hash IS DISTINCT FROM OLD.content_hash;
  subject BIGINT;
BEGIN
  IF TG_TABLE_NAME = 'subjects' THEN
    subject := NEW.id;
    content_changed := content_changed OR
                       NEW.certificate_hash IS DISTINCT FROM OLD.certificate_hash;
  ELSE
    subject := NEW.subject_id;
  END IF;
  IF NOT content_changed AND NEW.cancelled IS NOT DISTINCT FROM OLD.cancelled THEN
    RETURN NEW;
  END IF;
  IF content_changed AND (SELECT type FROM applications WHERE id = NEW.changed_by)
       IN ('new_access', 'continue_access', 'cancel_access') THEN
    RAISE EXCEPTION 'access-filing.changes-no-data'
      USING CONSTRAINT = 'access-filing.changes-no-data';
  END IF;
  IF NEW.changed_by IS NULL OR NEW.changed_by IS NOT DISTINCT FROM OLD.changed_by OR
     NOT EXISTS (SELECT 1 FROM applications WHERE id = NEW.changed_by AND subject_id = subject) THEN
    RAISE EXCEPTION 'record.change-needs-application'
      USING CONSTRAINT = 'record.change-needs-application';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER subjects_change_through_an_application BEFORE UPDATE ON subjects
  FOR EACH ROW EXECUTE FUNCTION records_change_through_an_application();
CREATE TRIGGER websites_change_through_an_application BEFORE UPDATE ON websites
  FOR EACH ROW EXECUTE FUNCTION records_change_through_an_application();

-- Every number ever issued, kept forever: issued once, and a cancellation is final. Numbers
-- are stored in their canonical form: 川ICP备… is 蜀ICP备…, 甘ICP备… is 陇ICP备…, so a
-- cancelled number cannot come back under its legacy alias.
CREATE TABLE filing_numbers (
  number TEXT CONSTRAINT filing_numbers_canonical CHECK (number ~ (
    '^[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝蜀黔滇藏陕陇青宁新]' ||
    '(ICP备[0-9]+号|ICP证[0-9]+号|B2-[0-9]+)(-[1-9][0-9]*[AX]?)?$')),
  subject_id BIGINT NOT NULL REFERENCES subjects (id),
  website_id BIGINT REFERENCES websites (id),
  issued_at BIGINT NOT NULL,
  cancelled_at BIGINT,
  CONSTRAINT "filing_numbers.number" PRIMARY KEY (number),
  -- A website number is issued for a website of the subject it names.
  FOREIGN KEY (website_id, subject_id) REFERENCES websites (id, subject_id),
  UNIQUE (number, subject_id),
  UNIQUE (number, website_id)
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

-- The number on a subject or website is one issued to it (a subject number to the subject,
-- a website number to the website), never free text.
ALTER TABLE subjects ADD CONSTRAINT "subjects.number"
  FOREIGN KEY (number, id) REFERENCES filing_numbers (number, subject_id);
ALTER TABLE websites ADD CONSTRAINT "websites.number"
  FOREIGN KEY (number, id) REFERENCES filing_numbers (number, website_id);
CREATE FUNCTION subject_number_is_subjects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.number IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM filing_numbers
       WHERE number = NEW.number AND subject_id = NEW.id AND website_id IS NULL AND
             (cancelled_at IS NULL OR NEW.cancelled = 1 OR
              (TG_OP = 'UPDATE' AND NEW.number IS NOT DISTINCT FROM OLD.number))) THEN
    RAISE EXCEPTION 'subjects.number' USING CONSTRAINT = 'subjects.number';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER subjects_number_issued BEFORE INSERT OR UPDATE OF number ON subjects
  FOR EACH ROW EXECUTE FUNCTION subject_number_is_subjects();
-- A website's number is a website number issued to it, and not a cancelled one.
CREATE FUNCTION website_number_is_the_websites() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.number IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM filing_numbers
       WHERE number = NEW.number AND website_id = NEW.id AND subject_id = NEW.subject_id AND
             (cancelled_at IS NULL OR NEW.cancelled = 1 OR
              (TG_OP = 'UPDATE' AND NEW.number IS NOT DISTINCT FROM OLD.number))) THEN
    RAISE EXCEPTION 'websites.number' USING CONSTRAINT = 'websites.number';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER websites_number_issued BEFORE INSERT OR UPDATE OF number ON websites
  FOR EACH ROW EXECUTE FUNCTION website_number_is_the_websites();

-- An open application about no subject on record may not name the certificate of an active
-- one (it is about that subject: its key is the subject's identity).
CREATE FUNCTION applications_subject_on_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.subject_id IS NULL AND NEW.open_subject_key IS NOT NULL AND
     (TG_OP = 'INSERT' OR OLD.open_subject_key IS NULL OR
      NEW.subject_key IS DISTINCT FROM OLD.subject_key) AND
     EXISTS (SELECT 1 FROM subjects WHERE cancelled = 0 AND
               (identity_key = NEW.subject_key OR active_certificate_hash = NEW.subject_key)) THEN
    RAISE EXCEPTION 'application.subject-on-record'
      USING CONSTRAINT = 'application.subject-on-record';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER applications_subject_on_record BEFORE INSERT OR UPDATE ON applications
  FOR EACH ROW EXECUTE FUNCTION applications_subject_on_record();

-- "One open application per domain": open_domain is the domain while the application is
-- open; a terminal application frees its domains. Each row carries the content hash of the
-- application document it was written for (bound to the sealed document): while the
-- application is open, a row of its current document can be neither deleted nor closed.
CREATE TABLE application_domains (
  application_id BIGINT NOT NULL REFERENCES applications (id),
  domain TEXT NOT NULL,
  field TEXT NOT NULL,
  open_domain TEXT,
  content_hash TEXT NOT NULL,
  PRIMARY KEY (application_id, domain),
  CONSTRAINT "application_domains.open_domain" UNIQUE (open_domain),
  CHECK (open_domain IS NULL OR open_domain = domain)
);

CREATE FUNCTION applications_terminal_frees_domains() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE application_domains SET open_domain = NULL WHERE application_id = NEW.id;
  RETURN NEW;
END $$;
CREATE TRIGGER applications_terminal_frees_domains AFTER UPDATE ON applications
  FOR EACH ROW WHEN (NEW.open_subject_key IS NULL AND OLD.open_subject_key IS NOT NULL)
  EXECUTE FUNCTION applications_terminal_frees_domains();

CREATE FUNCTION application_domains_follow_the_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM applications WHERE id = OLD.application_id AND
               content_hash = OLD.content_hash AND open_subject_key IS NOT NULL) THEN
      RAISE EXCEPTION 'application_domains.document'
        USING CONSTRAINT = 'application_domains.document';
    END IF;
    RETURN OLD;
  END IF;
  IF (TG_OP = 'UPDATE' AND (NEW.application_id IS DISTINCT FROM OLD.application_id OR
                            NEW.domain IS DISTINCT FROM OLD.domain)) OR
     NOT EXISTS (SELECT 1 FROM applications
                 WHERE id = NEW.application_id AND content_hash = NEW.content_hash AND
                       (open_subject_key IS NULL) = (NEW.open_domain IS NULL)) THEN
    RAISE EXCEPTION 'application_domains.document'
      USING CONSTRAINT = 'application_domains.document';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER application_domains_follow_the_document
  BEFORE INSERT OR UPDATE OR DELETE ON application_domains
  FOR EACH ROW EXECUTE FUNCTION application_domains_follow_the_document();
CREATE TRIGGER application_domains_kept BEFORE TRUNCATE ON application_domains
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('application_domains.document');

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
-- Appended in order, each move once.
CREATE FUNCTION application_transitions_in_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq IS DISTINCT FROM (SELECT coalesce(max(seq), 0) + 1 FROM application_transitions
                               WHERE application_id = NEW.application_id) THEN
    RAISE EXCEPTION 'application.history-append-only'
      USING CONSTRAINT = 'application.history-append-only';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER application_transitions_in_order BEFORE INSERT ON application_transitions
  FOR EACH ROW EXECUTE FUNCTION application_transitions_in_order();

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

-- Authorization codes are kept with their history: a code is never deleted, its server and
-- issuer never change, and a used code stays used.
CREATE TABLE authorization_codes (
  code TEXT,
  server_id TEXT NOT NULL,
  ip TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('unused', 'used', 'invalid')),
  generated_by TEXT NOT NULL,
  CONSTRAINT "authorization_codes.code" PRIMARY KEY (code)
);
CREATE INDEX authorization_codes_server ON authorization_codes (server_id);
CREATE TRIGGER authorization_codes_used_is_final BEFORE UPDATE ON authorization_codes
  FOR EACH ROW WHEN (OLD.state = 'used' AND NEW.state <> 'used')
  EXECUTE FUNCTION refuse('auth-code.used');
CREATE TRIGGER authorization_codes_fixed BEFORE UPDATE ON authorization_codes
  FOR EACH ROW WHEN (NEW.code IS DISTINCT FROM OLD.code OR
                     NEW.server_id IS DISTINCT FROM OLD.server_id OR
                     NEW.ip IS DISTINCT FROM OLD.ip OR
                     NEW.generated_by IS DISTINCT FROM OLD.generated_by)
  EXECUTE FUNCTION refuse('auth-code.kept');
CREATE TRIGGER authorization_codes_kept BEFORE DELETE OR TRUNCATE ON authorization_codes
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('auth-code.kept');

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
    RAISE EXCEPTION 'audit.chain' USING CONSTRAINT = 'audit.chain';
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
    RAISE EXCEPTION 'audit.head' USING CONSTRAINT = 'audit.head';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_head_moves_forward BEFORE UPDATE ON audit_head
  FOR EACH ROW EXECUTE FUNCTION audit_head_moves_forward();

-- Messages to other systems (docs/storage.md "The outbox and the inbox"). A message is
-- pending, delivered (final) or dead (a dead letter: a dispatcher gave up on it; an operator
-- may retry it). A lease is an owner and an expiry together, and only a pending message
-- holds one.
CREATE TABLE outbox (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic TEXT NOT NULL CONSTRAINT outbox_topic_given CHECK (topic <> ''),
  idempotency_key TEXT NOT NULL UNIQUE CONSTRAINT outbox_key_given CHECK (idempotency_key <> ''),
  payload TEXT NOT NULL,
  available_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0 CONSTRAINT outbox_attempts_counted CHECK (attempts >= 0),
  lease_owner TEXT CONSTRAINT outbox_owner_named CHECK (lease_owner <> ''),
  lease_until BIGINT,
  delivered_at BIGINT,
  dead_at BIGINT,
  last_error TEXT,
  CONSTRAINT outbox_lease_whole CHECK ((lease_owner IS NULL) = (lease_until IS NULL)),
  CONSTRAINT outbox_delivered_or_dead CHECK (delivered_at IS NULL OR dead_at IS NULL),
  CONSTRAINT outbox_finished_unleased
    CHECK ((delivered_at IS NULL AND dead_at IS NULL) OR lease_owner IS NULL),
  CONSTRAINT outbox_dead_says_why CHECK (dead_at IS NULL OR last_error IS NOT NULL)
);
CREATE INDEX outbox_pending ON outbox (available_at, id)
  WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_dead ON outbox (id) WHERE dead_at IS NOT NULL;
-- Delivered is final: the receiver has applied the message.
CREATE TRIGGER outbox_delivered_final BEFORE UPDATE ON outbox
  FOR EACH ROW WHEN (OLD.delivered_at IS NOT NULL)
  EXECUTE FUNCTION refuse('outbox.delivered-final');

-- Messages are kept: a delivered message stays delivered (its effect happened).
CREATE TRIGGER outbox_kept BEFORE DELETE OR TRUNCATE ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('outbox.kept');

CREATE TABLE inbox (
  idempotency_key TEXT PRIMARY KEY CONSTRAINT inbox_key_given CHECK (idempotency_key <> ''),
  received_at BIGINT NOT NULL
);

-- A key once accepted stays accepted: forgetting it would apply its message twice.
CREATE TRIGGER inbox_kept BEFORE UPDATE OR DELETE OR TRUNCATE ON inbox
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('inbox.kept');

-- Every function of this schema resolves names in this schema, never in pg_temp first (a
-- role that may create temporary tables could otherwise shadow applications or audit_head
-- inside a trigger).
DO $$
DECLARE
  f REGPROCEDURE;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
           WHERE p.pronamespace = current_schema()::regnamespace LOOP
    EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', f, current_schema());
  END LOOP;
END $$;

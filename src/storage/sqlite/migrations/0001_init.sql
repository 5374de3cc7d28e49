-- Beian's schema on SQLite. The invariants of DESIGN.md live here, in constraints, unique
-- indexes and triggers, so that no writer (another process, a bug, a hand-written UPDATE)
-- can break them. The PostgreSQL schema (storage/postgres/migrations) says the same thing
-- in that engine's words; the contract suite holds both to it, and
-- tests/storage/hostile_writer_sqlite.py attacks it with raw SQL.
-- Times are Unix seconds. Documents holding personal data are sealed (PiiVault) and looked
-- up through keyed hashes.
--
-- What holds against a raw writer on SQLite, whatever its connection settings:
--  * every table is STRICT: a value of the wrong type is refused, never stored;
--  * the guards are triggers, which run on every connection. Foreign keys are declared too,
--    but SQLite checks them only where `PRAGMA foreign_keys = ON` (Beian's connections);
--    every reference an invariant rests on is therefore also checked by a trigger;
--  * INSERT OR REPLACE / UPDATE OR REPLACE delete the conflicting row without running its
--    DELETE trigger, so every table whose rows are kept forever refuses, in a BEFORE
--    trigger, any insert or update that would collide with one of its unique keys.
-- A trigger's message and a unique key's columns name the guard ("filing_numbers.number",
-- "filing-number.kept-forever"); PostgreSQL reports the same names, and the repositories
-- classify errors by them (sql::ConstraintOf).

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  login TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 128),
  role TEXT NOT NULL CHECK (role IN ('customer', 'reviewer', 'admin')),
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- Subjects on record: one active subject per certificate (keyed hash of type and number).
-- identity_key is the certificate hash the subject was first recorded with and never
-- changes, even when a change filing replaces the certificate (三证合一, personal → unit):
-- applications about the subject are keyed on it.
CREATE TABLE subjects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  identity_key TEXT NOT NULL,
  certificate_hash TEXT NOT NULL,
  active_certificate_hash TEXT UNIQUE,
  province TEXT NOT NULL,
  body TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  number TEXT,
  cancelled INTEGER NOT NULL CHECK (cancelled IN (0, 1)),
  changed_by INTEGER REFERENCES applications (id),
  revision INTEGER NOT NULL CHECK (revision >= 1),
  UNIQUE (id, identity_key),
  CHECK ((cancelled = 0 AND active_certificate_hash = certificate_hash) OR
         (cancelled = 1 AND active_certificate_hash IS NULL))
) STRICT;
CREATE INDEX subjects_account ON subjects (account_id);
CREATE INDEX subjects_identity ON subjects (identity_key);

CREATE TABLE websites (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subject_id INTEGER NOT NULL REFERENCES subjects (id),
  body TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  number TEXT,
  cancelled INTEGER NOT NULL CHECK (cancelled IN (0, 1)),
  changed_by INTEGER REFERENCES applications (id),
  revision INTEGER NOT NULL CHECK (revision >= 1)
) STRICT;
CREATE INDEX websites_subject ON websites (subject_id);

-- A domain belongs to at most one active website, and so to at most one subject. Each row
-- carries the content hash of the website document it was written for (bound to the sealed
-- document): while the website is active, a row of its current document can be neither
-- deleted nor closed, so a domain cannot be freed without a change filing.
CREATE TABLE website_domains (
  website_id INTEGER NOT NULL REFERENCES websites (id),
  domain TEXT NOT NULL,
  active_domain TEXT UNIQUE,
  content_hash TEXT NOT NULL,
  PRIMARY KEY (website_id, domain),
  CHECK (active_domain IS NULL OR active_domain = domain)
) STRICT;

CREATE TRIGGER website_domains_guard_insert BEFORE INSERT ON website_domains
BEGIN
  SELECT RAISE(ABORT, 'website_domains.kept')
  WHERE EXISTS (SELECT 1 FROM website_domains
                WHERE website_id = NEW.website_id AND domain = NEW.domain);
  SELECT RAISE(ABORT, 'website_domains.active_domain')
  WHERE NEW.active_domain IS NOT NULL AND
        EXISTS (SELECT 1 FROM website_domains WHERE active_domain = NEW.active_domain);
  SELECT RAISE(ABORT, 'website_domains.document')
  WHERE NOT EXISTS (SELECT 1 FROM websites
                    WHERE id = NEW.website_id AND content_hash = NEW.content_hash) OR
        ((NEW.active_domain IS NULL) IS NOT
         ((SELECT cancelled FROM websites WHERE id = NEW.website_id) = 1));
END;
CREATE TRIGGER website_domains_guard_update BEFORE UPDATE ON website_domains
BEGIN
  SELECT RAISE(ABORT, 'website_domains.document')
  WHERE NEW.website_id IS NOT OLD.website_id OR NEW.domain IS NOT OLD.domain OR
        NOT EXISTS (SELECT 1 FROM websites
                    WHERE id = NEW.website_id AND content_hash = NEW.content_hash) OR
        ((NEW.active_domain IS NULL) IS NOT
         ((SELECT cancelled FROM websites WHERE id = NEW.website_id) = 1));
  SELECT RAISE(ABORT, 'website_domains.active_domain')
  WHERE NEW.active_domain IS NOT NULL AND EXISTS (
    SELECT 1 FROM website_domains WHERE active_domain = NEW.active_domain AND
      NOT (website_id = OLD.website_id AND domain = OLD.domain));
END;
CREATE TRIGGER website_domains_guard_delete BEFORE DELETE ON website_domains
WHEN EXISTS (SELECT 1 FROM websites
             WHERE id = OLD.website_id AND content_hash = OLD.content_hash AND cancelled = 0)
BEGIN SELECT RAISE(ABORT, 'website_domains.document'); END;

-- Records on file are kept: a subject or website is cancelled, never deleted, keeps its id
-- and identity, and cannot be replaced by a colliding insert.
CREATE TRIGGER subjects_kept BEFORE DELETE ON subjects
BEGIN SELECT RAISE(ABORT, 'record.kept'); END;
CREATE TRIGGER websites_kept BEFORE DELETE ON websites
BEGIN SELECT RAISE(ABORT, 'record.kept'); END;
CREATE TRIGGER subjects_no_replace BEFORE INSERT ON subjects
WHEN EXISTS (SELECT 1 FROM subjects WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'record.kept'); END;
CREATE TRIGGER subjects_one_active_per_certificate BEFORE INSERT ON subjects
WHEN NEW.active_certificate_hash IS NOT NULL AND
     EXISTS (SELECT 1 FROM subjects WHERE active_certificate_hash = NEW.active_certificate_hash)
BEGIN SELECT RAISE(ABORT, 'subjects.active_certificate_hash'); END;
CREATE TRIGGER subjects_one_active_per_certificate_update BEFORE UPDATE ON subjects
WHEN NEW.active_certificate_hash IS NOT NULL AND
     EXISTS (SELECT 1 FROM subjects
             WHERE active_certificate_hash = NEW.active_certificate_hash AND id <> OLD.id)
BEGIN SELECT RAISE(ABORT, 'subjects.active_certificate_hash'); END;
CREATE TRIGGER subjects_identity_fixed BEFORE UPDATE ON subjects
WHEN NEW.id IS NOT OLD.id OR NEW.identity_key IS NOT OLD.identity_key
BEGIN SELECT RAISE(ABORT, 'record.identity-fixed'); END;
CREATE TRIGGER websites_no_replace BEFORE INSERT ON websites
WHEN EXISTS (SELECT 1 FROM websites WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'record.kept'); END;
CREATE TRIGGER websites_identity_fixed BEFORE UPDATE ON websites
WHEN NEW.id IS NOT OLD.id OR NEW.subject_id IS NOT OLD.subject_id
BEGIN SELECT RAISE(ABORT, 'record.identity-fixed'); END;
-- References an invariant rests on, checked whatever the connection's foreign_keys setting.
CREATE TRIGGER websites_subject_exists BEFORE INSERT ON websites
WHEN NOT EXISTS (SELECT 1 FROM subjects WHERE id = NEW.subject_id)
BEGIN SELECT RAISE(ABORT, 'foreign-key'); END;

-- Data on record changes only through an application that may change it. A change of
-- content, certificate or cancellation needs changed_by to name a new application about this
-- subject (for a website: about its subject); an access filing (新增接入, 继续接入, 取消接入)
-- never changes content. The sealed body is bound to its row and content hash, so the body
-- cannot change behind an unchanged hash.
CREATE TRIGGER subjects_change_through_an_application BEFORE UPDATE ON subjects
WHEN NEW.content_hash IS NOT OLD.content_hash OR NEW.certificate_hash IS NOT OLD.certificate_hash OR
     NEW.cancelled IS NOT OLD.cancelled
BEGIN
  SELECT RAISE(ABORT, 'access-filing.changes-no-data')
  WHERE (NEW.content_hash IS NOT OLD.content_hash OR
         NEW.certificate_hash IS NOT OLD.certificate_hash) AND
        (SELECT type FROM applications WHERE id = NEW.changed_by)
          IN ('new_access', 'continue_access', 'cancel_access');
  SELECT RAISE(ABORT, 'record.change-needs-application')
  WHERE NEW.changed_by IS NULL OR NEW.changed_by IS OLD.changed_by OR
        NOT EXISTS (SELECT 1 FROM applications WHERE id = NEW.changed_by AND subject_id = NEW.id);
END;

CREATE TRIGGER websites_change_through_an_application BEFORE UPDATE ON websites
WHEN NEW.content_hash IS NOT OLD.content_hash OR NEW.cancelled IS NOT OLD.cancelled
BEGIN
  SELECT RAISE(ABORT, 'access-filing.changes-no-data')
  WHERE NEW.content_hash IS NOT OLD.content_hash AND
        (SELECT type FROM applications WHERE id = NEW.changed_by)
          IN ('new_access', 'continue_access', 'cancel_access');
  SELECT RAISE(ABORT, 'record.change-needs-application')
  WHERE NEW.changed_by IS NULL OR NEW.changed_by IS OLD.changed_by OR
        NOT EXISTS (SELECT 1 FROM applications
                    WHERE id = NEW.changed_by AND subject_id = NEW.subject_id);
END;

-- Every number ever issued, kept forever: issued once, and a cancellation is final. Numbers
-- are stored in their canonical form: 川ICP备… is 蜀ICP备…, 甘ICP备… is 陇ICP备…, so a
-- cancelled number cannot come back under its legacy alias.
CREATE TABLE filing_numbers (
  number TEXT PRIMARY KEY CONSTRAINT filing_numbers_canonical CHECK (
    substr(number, 1, 1) IN ('京', '津', '冀', '晋', '蒙', '辽', '吉', '黑', '沪', '苏', '浙',
      '皖', '闽', '赣', '鲁', '豫', '鄂', '湘', '粤', '桂', '琼', '渝', '蜀', '黔', '滇', '藏',
      '陕', '陇', '青', '宁', '新') AND
    substr(number, 2) NOT GLOB '*[^0-9A-Z备证号-]*' AND
    (substr(number, 2) GLOB 'ICP备[0-9]*号' OR substr(number, 2) GLOB 'ICP备[0-9]*号-[1-9]*' OR
     substr(number, 2) GLOB 'ICP证[0-9]*号' OR substr(number, 2) GLOB 'ICP证[0-9]*号-[1-9]*' OR
     substr(number, 2) GLOB 'B2-[0-9]*')),
  subject_id INTEGER NOT NULL REFERENCES subjects (id),
  website_id INTEGER REFERENCES websites (id),
  issued_at INTEGER NOT NULL,
  cancelled_at INTEGER,
  UNIQUE (number, subject_id),
  UNIQUE (number, website_id)
) STRICT;

CREATE TRIGGER filing_numbers_subject_exists BEFORE INSERT ON filing_numbers
WHEN NOT EXISTS (SELECT 1 FROM subjects WHERE id = NEW.subject_id) OR
     (NEW.website_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM websites WHERE id = NEW.website_id AND subject_id = NEW.subject_id))
BEGIN SELECT RAISE(ABORT, 'foreign-key'); END;

CREATE TRIGGER filing_numbers_kept_forever BEFORE DELETE ON filing_numbers
BEGIN SELECT RAISE(ABORT, 'filing-number.kept-forever'); END;

CREATE TRIGGER filing_numbers_no_replace BEFORE INSERT ON filing_numbers
WHEN EXISTS (SELECT 1 FROM filing_numbers WHERE number = NEW.number)
BEGIN SELECT RAISE(ABORT, 'filing_numbers.number'); END;

CREATE TRIGGER filing_numbers_issued_once BEFORE UPDATE ON filing_numbers
WHEN NEW.number IS NOT OLD.number OR NEW.subject_id IS NOT OLD.subject_id OR
     NEW.website_id IS NOT OLD.website_id OR NEW.issued_at IS NOT OLD.issued_at OR
     (OLD.cancelled_at IS NOT NULL AND NEW.cancelled_at IS NOT OLD.cancelled_at)
BEGIN SELECT RAISE(ABORT, 'filing-number.issued-once'); END;

-- The number on a subject or website is one issued to it (a subject number to the subject,
-- a website number to the website), never free text.
CREATE TRIGGER subjects_number_issued_insert BEFORE INSERT ON subjects
WHEN NEW.number IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'subjects.number'); END;
CREATE TRIGGER subjects_number_issued BEFORE UPDATE OF number ON subjects
WHEN NEW.number IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM filing_numbers
  WHERE number = NEW.number AND subject_id = NEW.id AND website_id IS NULL AND
        (cancelled_at IS NULL OR NEW.cancelled = 1 OR NEW.number IS OLD.number))
BEGIN SELECT RAISE(ABORT, 'subjects.number'); END;
CREATE TRIGGER websites_number_issued_insert BEFORE INSERT ON websites
WHEN NEW.number IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'websites.number'); END;
CREATE TRIGGER websites_number_issued BEFORE UPDATE OF number ON websites
WHEN NEW.number IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM filing_numbers
  WHERE number = NEW.number AND website_id = NEW.id AND subject_id = NEW.subject_id AND
        (cancelled_at IS NULL OR NEW.cancelled = 1 OR NEW.number IS OLD.number))
BEGIN SELECT RAISE(ABORT, 'websites.number'); END;

-- Applications. subject_key is whom the application is about: the identity_key of the
-- subject on record when there is one (whatever certificate the new document carries), else
-- the keyed hash of the document's certificate. open_subject_key is subject_key while the
-- application is open and NULL once it is terminal: its unique index is "one open
-- application per subject", so a change filing and a new website for one subject can never
-- run at once (FACTS §4.5). open_account likewise holds "one in-process order per account".
CREATE TABLE applications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  subject_id INTEGER REFERENCES subjects (id),
  type TEXT NOT NULL CHECK (type IN ('first_filing', 'new_website',
    'new_website_filed_elsewhere', 'new_access', 'continue_access', 'change_subject',
    'change_website', 'change_access', 'cancel_subject', 'cancel_website', 'cancel_access')),
  state TEXT NOT NULL CHECK (state IN ('draft', 'provider_review', 'provider_returned',
    'verification', 'ready_for_bureau', 'sms_pending', 'bureau_review', 'approved',
    'bureau_returned', 'withdrawn', 'abandoned', 'expired')),
  province TEXT NOT NULL,
  subject_key TEXT NOT NULL,
  open_subject_key TEXT UNIQUE,
  open_account INTEGER UNIQUE,
  body TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  entered_at INTEGER NOT NULL,
  missed_calls INTEGER NOT NULL CHECK (missed_calls >= 0),
  next_call_at INTEGER,
  deadline_kind TEXT,
  deadline_due INTEGER,
  deadline_provisional INTEGER NOT NULL CHECK (deadline_provisional IN (0, 1)),
  deadline_on_expiry TEXT,
  reminded TEXT NOT NULL,
  history_length INTEGER NOT NULL CHECK (history_length >= 0),
  revision INTEGER NOT NULL CHECK (revision >= 1),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  FOREIGN KEY (subject_id, subject_key) REFERENCES subjects (id, identity_key),
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
) STRICT;
CREATE INDEX applications_account ON applications (account_id, id);
CREATE INDEX applications_state ON applications (state, id);
CREATE INDEX applications_due ON applications (deadline_due) WHERE open_subject_key IS NOT NULL;
CREATE INDEX applications_call ON applications (next_call_at) WHERE next_call_at IS NOT NULL;

-- The guards of an application row, in one trigger per statement kind so that every engine
-- names the same first guard for a row that breaks several (PostgreSQL checks in this order
-- too): an open application about no subject on record may not name an active subject's
-- identity or certificate; one open application per subject, then per account (the unique
-- keys, checked here first so INSERT OR REPLACE cannot delete the row holding the slot); the
-- subject_key of an application about a subject on record is that subject's identity, and its
-- account exists (references checked whatever the connection's foreign_keys setting).
CREATE TRIGGER applications_guard_insert BEFORE INSERT ON applications
BEGIN
  SELECT RAISE(ABORT, 'record.kept') WHERE EXISTS (SELECT 1 FROM applications WHERE id = NEW.id);
  SELECT RAISE(ABORT, 'application.subject-on-record')
  WHERE NEW.subject_id IS NULL AND NEW.open_subject_key IS NOT NULL AND EXISTS (
    SELECT 1 FROM subjects WHERE cancelled = 0 AND
      (identity_key = NEW.subject_key OR active_certificate_hash = NEW.subject_key));
  SELECT RAISE(ABORT, 'applications_type_names_subject')
  WHERE NEW.subject_id IS NULL AND NEW.type NOT IN ('first_filing',
    'new_website_filed_elsewhere', 'new_access', 'continue_access');
  SELECT RAISE(ABORT, 'applications.open_subject_key')
  WHERE NEW.open_subject_key IS NOT NULL AND
        EXISTS (SELECT 1 FROM applications WHERE open_subject_key = NEW.open_subject_key);
  SELECT RAISE(ABORT, 'applications.open_account')
  WHERE NEW.open_account IS NOT NULL AND
        EXISTS (SELECT 1 FROM applications WHERE open_account = NEW.open_account);
  SELECT RAISE(ABORT, 'applications.subject_key')
  WHERE NEW.subject_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM subjects WHERE id = NEW.subject_id AND identity_key = NEW.subject_key);
  SELECT RAISE(ABORT, 'foreign-key')
  WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE id = NEW.account_id);
END;

CREATE TRIGGER applications_guard_update BEFORE UPDATE ON applications
BEGIN
  SELECT RAISE(ABORT, 'record.identity-fixed')
  WHERE NEW.id IS NOT OLD.id OR NEW.account_id IS NOT OLD.account_id OR
        NEW.type IS NOT OLD.type OR NEW.created_at IS NOT OLD.created_at;
  SELECT RAISE(ABORT, 'application.subject-on-record')
  WHERE NEW.subject_id IS NULL AND NEW.open_subject_key IS NOT NULL AND
        (OLD.open_subject_key IS NULL OR NEW.subject_key IS NOT OLD.subject_key) AND EXISTS (
    SELECT 1 FROM subjects WHERE cancelled = 0 AND
      (identity_key = NEW.subject_key OR active_certificate_hash = NEW.subject_key));
  SELECT RAISE(ABORT, 'applications.open_subject_key')
  WHERE NEW.open_subject_key IS NOT NULL AND EXISTS (
    SELECT 1 FROM applications WHERE open_subject_key = NEW.open_subject_key AND id <> OLD.id);
  SELECT RAISE(ABORT, 'applications.open_account')
  WHERE NEW.open_account IS NOT NULL AND EXISTS (
    SELECT 1 FROM applications WHERE open_account = NEW.open_account AND id <> OLD.id);
  SELECT RAISE(ABORT, 'applications.subject_key')
  WHERE NEW.subject_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM subjects WHERE id = NEW.subject_id AND identity_key = NEW.subject_key);
END;

-- Applications are kept.
CREATE TRIGGER applications_kept BEFORE DELETE ON applications
BEGIN SELECT RAISE(ABORT, 'record.kept'); END;

-- "One open application per domain": open_domain is the domain while the application is
-- open; a terminal application frees its domains (trigger below). Each row carries the
-- content hash of the application document it was written for, and the sealed document is
-- bound to that hash: while the application is open, a row of its current document can be
-- neither deleted nor closed, so the index cannot be emptied without the document changing.
CREATE TABLE application_domains (
  application_id INTEGER NOT NULL REFERENCES applications (id),
  domain TEXT NOT NULL,
  field TEXT NOT NULL,
  open_domain TEXT UNIQUE,
  content_hash TEXT NOT NULL,
  PRIMARY KEY (application_id, domain),
  CHECK (open_domain IS NULL OR open_domain = domain)
) STRICT;

CREATE TRIGGER applications_terminal_frees_domains AFTER UPDATE ON applications
WHEN NEW.open_subject_key IS NULL AND OLD.open_subject_key IS NOT NULL
BEGIN UPDATE application_domains SET open_domain = NULL WHERE application_id = NEW.id; END;

CREATE TRIGGER application_domains_guard_insert BEFORE INSERT ON application_domains
BEGIN
  SELECT RAISE(ABORT, 'application_domains.kept')
  WHERE EXISTS (SELECT 1 FROM application_domains
                WHERE application_id = NEW.application_id AND domain = NEW.domain);
  SELECT RAISE(ABORT, 'application_domains.open_domain')
  WHERE NEW.open_domain IS NOT NULL AND
        EXISTS (SELECT 1 FROM application_domains WHERE open_domain = NEW.open_domain);
  SELECT RAISE(ABORT, 'application_domains.document')
  WHERE NOT EXISTS (SELECT 1 FROM applications
                    WHERE id = NEW.application_id AND content_hash = NEW.content_hash) OR
        ((NEW.open_domain IS NULL) IS NOT
         ((SELECT open_subject_key FROM applications WHERE id = NEW.application_id) IS NULL));
END;
CREATE TRIGGER application_domains_guard_update BEFORE UPDATE ON application_domains
BEGIN
  SELECT RAISE(ABORT, 'application_domains.document')
  WHERE NEW.application_id IS NOT OLD.application_id OR NEW.domain IS NOT OLD.domain OR
        NOT EXISTS (SELECT 1 FROM applications
                    WHERE id = NEW.application_id AND content_hash = NEW.content_hash) OR
        ((NEW.open_domain IS NULL) IS NOT
         ((SELECT open_subject_key FROM applications WHERE id = NEW.application_id) IS NULL));
  SELECT RAISE(ABORT, 'application_domains.open_domain')
  WHERE NEW.open_domain IS NOT NULL AND EXISTS (
    SELECT 1 FROM application_domains WHERE open_domain = NEW.open_domain AND
      NOT (application_id = OLD.application_id AND domain = OLD.domain));
END;
CREATE TRIGGER application_domains_guard_delete BEFORE DELETE ON application_domains
WHEN EXISTS (SELECT 1 FROM applications WHERE id = OLD.application_id AND
             content_hash = OLD.content_hash AND open_subject_key IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'application_domains.document'); END;

CREATE TABLE application_transitions (
  application_id INTEGER NOT NULL REFERENCES applications (id),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  from_state TEXT NOT NULL,
  event TEXT NOT NULL,
  to_state TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (application_id, seq)
) STRICT;

CREATE TRIGGER application_transitions_append_only_update BEFORE UPDATE ON application_transitions
BEGIN SELECT RAISE(ABORT, 'application.history-append-only'); END;
CREATE TRIGGER application_transitions_append_only_delete BEFORE DELETE ON application_transitions
BEGIN SELECT RAISE(ABORT, 'application.history-append-only'); END;
-- Appended in order to an application that exists, each move once: an insert that would
-- replace a move is refused too.
CREATE TRIGGER application_transitions_append_only_insert BEFORE INSERT ON application_transitions
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM application_transitions
                     WHERE application_id = NEW.application_id) OR
     NOT EXISTS (SELECT 1 FROM applications WHERE id = NEW.application_id)
BEGIN SELECT RAISE(ABORT, 'application.history-append-only'); END;

CREATE TABLE materials (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  application_id INTEGER NOT NULL REFERENCES applications (id),
  kind TEXT NOT NULL,
  owner TEXT NOT NULL,
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  uploaded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX materials_application ON materials (application_id);

CREATE TABLE resources (
  id TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('cvm', 'lighthouse', 'serverless_pack', 'clb')),
  region TEXT NOT NULL,
  mainland INTEGER NOT NULL CHECK (mainland IN (0, 1)),
  billing TEXT NOT NULL CHECK (billing IN ('prepaid', 'pay_as_you_go')),
  trial INTEGER NOT NULL CHECK (trial IN (0, 1)),
  purchased_count INTEGER NOT NULL CHECK (purchased_count >= 0),
  purchased_unit TEXT NOT NULL CHECK (purchased_unit IN ('months', 'days')),
  expires_at INTEGER,
  public_ip TEXT,
  parent_id TEXT REFERENCES resources (id)
) STRICT;
CREATE INDEX resources_account ON resources (account);
CREATE INDEX resources_parent ON resources (parent_id);

-- Authorization codes are kept with their history: a code is never deleted or replaced, its
-- server and issuer never change, and a used code stays used.
CREATE TABLE authorization_codes (
  code TEXT PRIMARY KEY,
  server_id TEXT NOT NULL,
  ip TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('unused', 'used', 'invalid')),
  generated_by TEXT NOT NULL
) STRICT;
CREATE INDEX authorization_codes_server ON authorization_codes (server_id);

CREATE TRIGGER authorization_codes_used_is_final BEFORE UPDATE ON authorization_codes
WHEN OLD.state = 'used' AND NEW.state <> 'used'
BEGIN SELECT RAISE(ABORT, 'auth-code.used'); END;
CREATE TRIGGER authorization_codes_fixed BEFORE UPDATE ON authorization_codes
WHEN NEW.code IS NOT OLD.code OR NEW.server_id IS NOT OLD.server_id OR NEW.ip IS NOT OLD.ip OR
     NEW.generated_by IS NOT OLD.generated_by
BEGIN SELECT RAISE(ABORT, 'auth-code.kept'); END;
CREATE TRIGGER authorization_codes_kept BEFORE DELETE ON authorization_codes
BEGIN SELECT RAISE(ABORT, 'auth-code.kept'); END;
CREATE TRIGGER authorization_codes_no_replace BEFORE INSERT ON authorization_codes
WHEN EXISTS (SELECT 1 FROM authorization_codes WHERE code = NEW.code)
BEGIN SELECT RAISE(ABORT, 'authorization_codes.code'); END;

-- The audit log: append-only, gapless, chained with a keyed hash (HMAC-SHA256 under a key
-- kept outside the database). audit_head records the last entry; the database, not the
-- writer, keeps it there: an entry must link to the head (seq = head + 1, prev_hash = the
-- head's hash), and inserting it moves the head to it. hash is not UNIQUE on purpose: a
-- second unique key would let INSERT OR REPLACE delete an entry (REPLACE fires no DELETE
-- trigger); seq cannot conflict, since only head + 1 is accepted.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
  hash TEXT NOT NULL CHECK (length(hash) = 64)
) STRICT;
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
) STRICT;
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit.append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit.append-only'); END;
CREATE TRIGGER audit_log_links_to_head BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT seq + 1 FROM audit_head WHERE id = 1) OR
     NEW.prev_hash IS NOT (SELECT hash FROM audit_head WHERE id = 1)
BEGIN SELECT RAISE(ABORT, 'audit.chain'); END;
CREATE TRIGGER audit_log_moves_head AFTER INSERT ON audit_log
BEGIN UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1; END;
CREATE TRIGGER audit_head_moves_forward BEFORE UPDATE ON audit_head
WHEN NEW.id IS NOT OLD.id OR
     NEW.seq IS NOT (SELECT max(seq) FROM audit_log) OR
     NEW.hash IS NOT (SELECT hash FROM audit_log WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'audit.head'); END;
CREATE TRIGGER audit_head_kept BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit.head'); END;
-- The one head row exists from the start; INSERT OR REPLACE would swap it for a rewound one
-- without firing the DELETE trigger above.
CREATE TRIGGER audit_head_one_row BEFORE INSERT ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit.head'); END;

-- Messages to other systems (docs/storage.md "The outbox and the inbox"). A message is
-- pending, delivered (final) or dead (a dead letter: a dispatcher gave up on it; an operator
-- may retry it). A lease is an owner and an expiry together, and only a pending message
-- holds one.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL CONSTRAINT outbox_topic_given CHECK (topic <> ''),
  idempotency_key TEXT NOT NULL UNIQUE CONSTRAINT outbox_key_given CHECK (idempotency_key <> ''),
  payload TEXT NOT NULL,
  available_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0 CONSTRAINT outbox_attempts_counted CHECK (attempts >= 0),
  lease_owner TEXT CONSTRAINT outbox_owner_named CHECK (lease_owner <> ''),
  lease_until INTEGER,
  delivered_at INTEGER,
  dead_at INTEGER,
  last_error TEXT,
  CONSTRAINT outbox_lease_whole CHECK ((lease_owner IS NULL) = (lease_until IS NULL)),
  CONSTRAINT outbox_delivered_or_dead CHECK (delivered_at IS NULL OR dead_at IS NULL),
  CONSTRAINT outbox_finished_unleased
    CHECK ((delivered_at IS NULL AND dead_at IS NULL) OR lease_owner IS NULL),
  CONSTRAINT outbox_dead_says_why CHECK (dead_at IS NULL OR last_error IS NOT NULL)
) STRICT;
CREATE INDEX outbox_pending ON outbox (available_at, id)
  WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_dead ON outbox (id) WHERE dead_at IS NOT NULL;
-- Delivered is final: the receiver has applied the message.
CREATE TRIGGER outbox_delivered_final BEFORE UPDATE ON outbox
WHEN OLD.delivered_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'outbox.delivered-final'); END;

-- Messages are kept: a delivered message stays delivered (its effect happened), and no
-- insert may replace a message.
CREATE TRIGGER outbox_kept BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox.kept'); END;
CREATE TRIGGER outbox_no_replace BEFORE INSERT ON outbox
WHEN EXISTS (SELECT 1 FROM outbox WHERE id = NEW.id OR idempotency_key = NEW.idempotency_key)
BEGIN SELECT RAISE(ABORT, 'outbox.idempotency_key'); END;

CREATE TABLE inbox (
  idempotency_key TEXT PRIMARY KEY CONSTRAINT inbox_key_given CHECK (idempotency_key <> ''),
  received_at INTEGER NOT NULL
) STRICT;

-- A key once accepted stays accepted: forgetting it would apply its message twice.
CREATE TRIGGER inbox_kept BEFORE DELETE ON inbox
BEGIN SELECT RAISE(ABORT, 'inbox.kept'); END;
CREATE TRIGGER inbox_no_replace BEFORE INSERT ON inbox
WHEN EXISTS (SELECT 1 FROM inbox WHERE idempotency_key = NEW.idempotency_key)
BEGIN SELECT RAISE(ABORT, 'inbox.idempotency_key'); END;
CREATE TRIGGER inbox_fixed BEFORE UPDATE ON inbox
BEGIN SELECT RAISE(ABORT, 'inbox.kept'); END;

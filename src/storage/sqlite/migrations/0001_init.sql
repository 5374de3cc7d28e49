-- Beian's schema on SQLite. The invariants of DESIGN.md live here, in constraints, unique
-- indexes and triggers, so that no writer (another process, a bug, a hand-written UPDATE)
-- can break them. The PostgreSQL schema (storage/postgres/migrations) says the same thing
-- in that engine's words; the contract suite holds both to it.
-- Times are Unix seconds. Documents holding personal data are sealed (PiiVault) and looked
-- up through keyed hashes.

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  login TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 128),
  role TEXT NOT NULL CHECK (role IN ('customer', 'reviewer', 'admin')),
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- Subjects on record: one active subject per certificate (keyed hash of type and number).
CREATE TABLE subjects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  certificate_hash TEXT NOT NULL,
  active_certificate_hash TEXT UNIQUE,
  province TEXT NOT NULL,
  body TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  number TEXT,
  cancelled INTEGER NOT NULL CHECK (cancelled IN (0, 1)),
  changed_by INTEGER REFERENCES applications (id),
  revision INTEGER NOT NULL CHECK (revision >= 1),
  CHECK ((cancelled = 0 AND active_certificate_hash = certificate_hash) OR
         (cancelled = 1 AND active_certificate_hash IS NULL))
);
CREATE INDEX subjects_account ON subjects (account_id);

CREATE TABLE websites (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subject_id INTEGER NOT NULL REFERENCES subjects (id),
  body TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  number TEXT,
  cancelled INTEGER NOT NULL CHECK (cancelled IN (0, 1)),
  changed_by INTEGER REFERENCES applications (id),
  revision INTEGER NOT NULL CHECK (revision >= 1)
);
CREATE INDEX websites_subject ON websites (subject_id);

-- A domain belongs to at most one active website, and so to at most one subject.
CREATE TABLE website_domains (
  website_id INTEGER NOT NULL REFERENCES websites (id),
  domain TEXT NOT NULL,
  active_domain TEXT UNIQUE,
  PRIMARY KEY (website_id, domain),
  CHECK (active_domain IS NULL OR active_domain = domain)
);

-- An access filing (新增接入, 继续接入, 取消接入) changes no data on record.
CREATE TRIGGER subjects_access_filing_changes_no_data BEFORE UPDATE ON subjects
WHEN NEW.content_hash IS NOT OLD.content_hash AND NEW.changed_by IS NOT NULL AND
     (SELECT type FROM applications WHERE id = NEW.changed_by)
       IN ('new_access', 'continue_access', 'cancel_access')
BEGIN SELECT RAISE(ABORT, 'access-filing.changes-no-data'); END;

CREATE TRIGGER websites_access_filing_changes_no_data BEFORE UPDATE ON websites
WHEN NEW.content_hash IS NOT OLD.content_hash AND NEW.changed_by IS NOT NULL AND
     (SELECT type FROM applications WHERE id = NEW.changed_by)
       IN ('new_access', 'continue_access', 'cancel_access')
BEGIN SELECT RAISE(ABORT, 'access-filing.changes-no-data'); END;

-- Every number ever issued, kept forever: issued once, and a cancellation is final.
CREATE TABLE filing_numbers (
  number TEXT PRIMARY KEY,
  subject_id INTEGER NOT NULL REFERENCES subjects (id),
  website_id INTEGER REFERENCES websites (id),
  issued_at INTEGER NOT NULL,
  cancelled_at INTEGER
);

CREATE TRIGGER filing_numbers_kept_forever BEFORE DELETE ON filing_numbers
BEGIN SELECT RAISE(ABORT, 'filing-number.kept-forever'); END;

CREATE TRIGGER filing_numbers_issued_once BEFORE UPDATE ON filing_numbers
WHEN NEW.number IS NOT OLD.number OR NEW.subject_id IS NOT OLD.subject_id OR
     NEW.website_id IS NOT OLD.website_id OR NEW.issued_at IS NOT OLD.issued_at OR
     (OLD.cancelled_at IS NOT NULL AND NEW.cancelled_at IS NOT OLD.cancelled_at)
BEGIN SELECT RAISE(ABORT, 'filing-number.issued-once'); END;

-- Applications. open_subject_hash is the subject's hash while the application is open and
-- NULL once it is terminal; its unique index is "one open application per subject".
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
  subject_hash TEXT NOT NULL,
  open_subject_hash TEXT UNIQUE,
  body TEXT NOT NULL,
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
  CHECK ((state IN ('approved', 'withdrawn', 'abandoned', 'expired')) =
         (open_subject_hash IS NULL)),
  CHECK (open_subject_hash IS NULL OR open_subject_hash = subject_hash)
);
CREATE INDEX applications_account ON applications (account_id, id);
CREATE INDEX applications_state ON applications (state, id);
CREATE INDEX applications_due ON applications (deadline_due) WHERE open_subject_hash IS NOT NULL;
CREATE INDEX applications_call ON applications (next_call_at) WHERE next_call_at IS NOT NULL;

-- "One open application per domain": open_domain is the domain while the application is
-- open; a terminal application frees its domains (trigger below).
CREATE TABLE application_domains (
  application_id INTEGER NOT NULL REFERENCES applications (id),
  domain TEXT NOT NULL,
  field TEXT NOT NULL,
  open_domain TEXT UNIQUE,
  PRIMARY KEY (application_id, domain),
  CHECK (open_domain IS NULL OR open_domain = domain)
);

CREATE TRIGGER applications_terminal_frees_domains AFTER UPDATE ON applications
WHEN NEW.open_subject_hash IS NULL AND OLD.open_subject_hash IS NOT NULL
BEGIN UPDATE application_domains SET open_domain = NULL WHERE application_id = NEW.id; END;

CREATE TABLE application_transitions (
  application_id INTEGER NOT NULL REFERENCES applications (id),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  from_state TEXT NOT NULL,
  event TEXT NOT NULL,
  to_state TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (application_id, seq)
);

CREATE TRIGGER application_transitions_append_only_update BEFORE UPDATE ON application_transitions
BEGIN SELECT RAISE(ABORT, 'application.history-append-only'); END;
CREATE TRIGGER application_transitions_append_only_delete BEFORE DELETE ON application_transitions
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
);
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

-- A code used in a successful filing is never used again.
CREATE TRIGGER authorization_codes_used_is_final BEFORE UPDATE ON authorization_codes
WHEN OLD.state = 'used' AND NEW.state <> 'used'
BEGIN SELECT RAISE(ABORT, 'auth-code.used'); END;

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
);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
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

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  available_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER,
  delivered_at INTEGER,
  last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (available_at, id) WHERE delivered_at IS NULL;

CREATE TABLE inbox (
  idempotency_key TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL
);

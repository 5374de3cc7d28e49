-- MIIT's SMS verification (短信核验, FACTS.md §4.4; BUREAU-PROTOCOL.md §7.4.1, a Beian
-- extension) and the sink of the bureau's messages to people (bureau_sim/sms_store.h).

-- One verification per pending filing (the registry's id). Its window is 24 h from the start;
-- wrong entries are counted, five are allowed, and the sixth fails it. It is decided once:
-- verified (every mobile entered its code), timed out (the window passed first) or failed.
CREATE TABLE sms_verifications (
  filing_id INTEGER PRIMARY KEY CHECK (filing_id > 0),
  started_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  wrong_entries INTEGER NOT NULL DEFAULT 0 CHECK (wrong_entries BETWEEN 0 AND 6),
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'verified', 'timed_out', 'failed')),
  decided_at INTEGER,
  CONSTRAINT sms_window_is_24h CHECK (expires_at = started_at + 86400),
  CONSTRAINT sms_decided_has_time CHECK ((state = 'pending') = (decided_at IS NULL)),
  CONSTRAINT sms_failed_is_sixth_wrong CHECK ((state = 'failed') = (wrong_entries = 6)),
  CONSTRAINT sms_timeout_after_window CHECK (state <> 'timed_out' OR decided_at >= expires_at),
  CONSTRAINT sms_entries_within_window
    CHECK (state NOT IN ('verified', 'failed') OR decided_at < expires_at)
) STRICT;

-- A decision is final; the filing and the window never change; wrong entries go up one at a
-- time; a verification is never removed.
CREATE TRIGGER sms_verifications_decided_once BEFORE UPDATE ON sms_verifications
WHEN OLD.state <> 'pending'
BEGIN
  SELECT RAISE(ABORT, 'sms.decided');
END;
CREATE TRIGGER sms_verifications_fixed BEFORE UPDATE ON sms_verifications
WHEN NEW.filing_id <> OLD.filing_id OR NEW.started_at <> OLD.started_at
  OR NEW.expires_at <> OLD.expires_at
BEGIN
  SELECT RAISE(ABORT, 'sms.immutable');
END;
CREATE TRIGGER sms_verifications_count_one_by_one BEFORE UPDATE OF wrong_entries
ON sms_verifications
WHEN NEW.wrong_entries NOT IN (OLD.wrong_entries, OLD.wrong_entries + 1)
BEGIN
  SELECT RAISE(ABORT, 'sms.attempts.step');
END;
CREATE TRIGGER sms_verifications_kept BEFORE DELETE ON sms_verifications
BEGIN
  SELECT RAISE(ABORT, 'sms.immutable');
END;

-- Who must verify (the pipeline's choice for the filing's type): each leader with the mobile
-- that gets the code and the last six characters of the certificate number the portal asks
-- ('' when the filing gives the bureau no certificate for that leader: mobile + code then).
CREATE TABLE sms_recipients (
  filing_id INTEGER NOT NULL REFERENCES sms_verifications (filing_id),
  position INTEGER NOT NULL CHECK (position >= 0),
  role TEXT NOT NULL CHECK (length(role) <= 128),
  name TEXT NOT NULL CHECK (length(name) <= 128),
  mobile TEXT NOT NULL CHECK (length(mobile) = 11 AND mobile GLOB '1[3-9][0-9]*'
                              AND mobile NOT GLOB '*[^0-9]*'),
  certificate_tail TEXT NOT NULL CHECK (length(certificate_tail) BETWEEN 0 AND 6),
  PRIMARY KEY (filing_id, position)
) STRICT;

CREATE TRIGGER sms_recipients_never_change BEFORE UPDATE ON sms_recipients
BEGIN
  SELECT RAISE(ABORT, 'sms.immutable');
END;
CREATE TRIGGER sms_recipients_kept BEFORE DELETE ON sms_recipients
BEGIN
  SELECT RAISE(ABORT, 'sms.immutable');
END;

-- One code per distinct mobile of a verification, kept as SHA-256(salt || code) in hex. A
-- resend replaces it (the old one is dead) no sooner than 60 s after the last sending and at
-- most four times (five sendings); a mobile verified stays verified.
CREATE TABLE sms_codes (
  filing_id INTEGER NOT NULL REFERENCES sms_verifications (filing_id),
  mobile TEXT NOT NULL,
  code_salt TEXT NOT NULL CHECK (length(code_salt) = 32),
  code_hash TEXT NOT NULL CHECK (length(code_hash) = 64),
  sent_at INTEGER NOT NULL,
  sendings INTEGER NOT NULL DEFAULT 1 CHECK (sendings BETWEEN 1 AND 5),
  verified_at INTEGER,
  PRIMARY KEY (filing_id, mobile)
) STRICT;

CREATE TRIGGER sms_codes_for_a_recipient BEFORE INSERT ON sms_codes
WHEN NOT EXISTS (SELECT 1 FROM sms_recipients
                 WHERE filing_id = NEW.filing_id AND mobile = NEW.mobile)
BEGIN
  SELECT RAISE(ABORT, 'sms.code.recipient');
END;
CREATE TRIGGER sms_codes_while_pending BEFORE UPDATE ON sms_codes
WHEN (SELECT state FROM sms_verifications WHERE filing_id = OLD.filing_id) <> 'pending'
  OR OLD.verified_at IS NOT NULL OR NEW.filing_id <> OLD.filing_id OR NEW.mobile <> OLD.mobile
BEGIN
  SELECT RAISE(ABORT, 'sms.code.final');
END;
CREATE TRIGGER sms_codes_resend BEFORE UPDATE OF code_hash, code_salt, sent_at, sendings
ON sms_codes
WHEN NEW.code_hash <> OLD.code_hash OR NEW.code_salt <> OLD.code_salt
  OR NEW.sent_at <> OLD.sent_at OR NEW.sendings <> OLD.sendings
BEGIN
  SELECT RAISE(ABORT, 'sms.resend')
  WHERE NEW.sendings <> OLD.sendings + 1 OR NEW.sent_at < OLD.sent_at + 60
    OR NEW.code_hash = OLD.code_hash;
END;
CREATE TRIGGER sms_codes_kept BEFORE DELETE ON sms_codes
BEGIN
  SELECT RAISE(ABORT, 'sms.immutable');
END;

-- A verification is verified only when every one of its mobiles is.
CREATE TRIGGER sms_verified_needs_every_mobile BEFORE UPDATE OF state ON sms_verifications
WHEN NEW.state = 'verified'
  AND EXISTS (SELECT 1 FROM sms_codes WHERE filing_id = NEW.filing_id AND verified_at IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'sms.verified.incomplete');
END;

CREATE INDEX sms_codes_by_mobile ON sms_codes (mobile) WHERE verified_at IS NULL;

-- Every message the bureau sent to a person (MessageSink): SMS codes, mailed filing passwords,
-- recovered passwords. Tests read them here instead of a phone or a mailbox. Never changed.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient TEXT NOT NULL CHECK (length(recipient) BETWEEN 1 AND 254),
  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4096),
  created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX messages_by_recipient ON messages (recipient, id);

CREATE TRIGGER messages_never_change BEFORE UPDATE ON messages
BEGIN
  SELECT RAISE(ABORT, 'sms.message.immutable');
END;
CREATE TRIGGER messages_kept BEFORE DELETE ON messages
BEGIN
  SELECT RAISE(ABORT, 'sms.message.immutable');
END;

-- Materials, identity verification and authorization codes for the HTTP API (issue 9).

-- The certificate number a certificate material shows, as the customer entered it (seed 003:
-- old and new 三证合一 numbers). Personal data: sealed by the PII vault like the documents,
-- never stored in clear; NULL for materials that show no certificate.
ALTER TABLE materials ADD COLUMN certificate_number TEXT;

-- When a code was made, and who moved it out of 'unused' and when: the redeeming account
-- for 'used', the revoker for 'invalid'. Both are set exactly when the code is not unused,
-- and once set never change.
ALTER TABLE authorization_codes ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE authorization_codes ADD COLUMN closed_by TEXT;
ALTER TABLE authorization_codes ADD COLUMN closed_at INTEGER;

CREATE TRIGGER authorization_codes_closed_insert BEFORE INSERT ON authorization_codes
WHEN (NEW.state = 'unused') <> (NEW.closed_by IS NULL AND NEW.closed_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'auth-code.closed'); END;
-- A used code moved back is refused by authorization_codes_used_is_final, with its own rule.
CREATE TRIGGER authorization_codes_closed_update BEFORE UPDATE ON authorization_codes
WHEN NOT (OLD.state = 'used' AND NEW.state <> 'used') AND
     ((NEW.state = 'unused') <> (NEW.closed_by IS NULL AND NEW.closed_at IS NULL)
  OR (OLD.closed_by IS NOT NULL AND (NEW.closed_by IS NOT OLD.closed_by OR
                                     NEW.closed_at IS NOT OLD.closed_at))
  OR NEW.created_at IS NOT OLD.created_at)
BEGIN SELECT RAISE(ABORT, 'auth-code.closed'); END;
CREATE INDEX authorization_codes_generated_by ON authorization_codes (generated_by);

-- Identity verification (FACTS.md §4.3): a curtain photo (幕布, a blob), a video session, or
-- Shanghai's App picture code, each reviewed once by a reviewer: pass, or fail with a reason.
CREATE TABLE verifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  application_id INTEGER NOT NULL REFERENCES applications (id),
  method TEXT NOT NULL CHECK (method IN ('curtain_photo', 'video', 'app_code')),
  evidence TEXT NOT NULL CHECK (length(evidence) BETWEEN 1 AND 256),
  state TEXT NOT NULL CHECK (state IN ('pending', 'passed', 'failed')),
  reason TEXT NOT NULL,
  submitted_by INTEGER NOT NULL REFERENCES accounts (id),
  submitted_at INTEGER NOT NULL,
  reviewed_by INTEGER REFERENCES accounts (id),
  reviewed_at INTEGER,
  CHECK ((state = 'pending') = (reviewed_by IS NULL AND reviewed_at IS NULL)),
  CHECK (state <> 'failed' OR length(reason) > 0),
  CHECK (method <> 'curtain_photo' OR length(evidence) = 64)
) STRICT;
CREATE INDEX verifications_application ON verifications (application_id);

CREATE TRIGGER verifications_reviewed_once BEFORE UPDATE ON verifications
WHEN OLD.state <> 'pending'
BEGIN SELECT RAISE(ABORT, 'verification.reviewed'); END;
CREATE TRIGGER verifications_fixed BEFORE UPDATE ON verifications
WHEN NEW.id IS NOT OLD.id OR NEW.application_id IS NOT OLD.application_id OR
     NEW.method IS NOT OLD.method OR NEW.evidence IS NOT OLD.evidence OR
     NEW.submitted_by IS NOT OLD.submitted_by OR NEW.submitted_at IS NOT OLD.submitted_at
BEGIN SELECT RAISE(ABORT, 'verification.kept'); END;
CREATE TRIGGER verifications_kept BEFORE DELETE ON verifications
BEGIN SELECT RAISE(ABORT, 'verification.kept'); END;

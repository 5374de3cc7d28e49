-- Materials, identity verification and authorization codes for the HTTP API (issue 9).

-- The certificate number a certificate material shows, as the customer entered it (seed 003:
-- old and new 三证合一 numbers). Personal data: sealed by the PII vault like the documents,
-- never stored in clear; NULL for materials that show no certificate.
ALTER TABLE materials ADD COLUMN certificate_number TEXT;

-- When a code was made, and who moved it out of 'unused' and when: the redeeming account
-- for 'used', the revoker for 'invalid'. Both are set exactly when the code is not unused,
-- and once set never change.
ALTER TABLE authorization_codes ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE authorization_codes ADD COLUMN closed_by TEXT;
ALTER TABLE authorization_codes ADD COLUMN closed_at BIGINT;
ALTER TABLE authorization_codes ADD CONSTRAINT "auth-code.closed"
  CHECK ((state = 'unused') = (closed_by IS NULL AND closed_at IS NULL));
-- A used code moved back is refused by authorization_codes_used_is_final, with its own rule
-- (triggers fire in name order, and this one's name sorts first).
CREATE TRIGGER authorization_codes_closed_fixed BEFORE UPDATE ON authorization_codes
  FOR EACH ROW WHEN (NOT (OLD.state = 'used' AND NEW.state <> 'used') AND
                     (OLD.closed_by IS NOT NULL AND
                      (NEW.closed_by IS DISTINCT FROM OLD.closed_by OR
                       NEW.closed_at IS DISTINCT FROM OLD.closed_at) OR
                      NEW.created_at IS DISTINCT FROM OLD.created_at))
  EXECUTE FUNCTION refuse('auth-code.closed');
CREATE INDEX authorization_codes_generated_by ON authorization_codes (generated_by);

-- Identity verification (FACTS.md §4.3): a curtain photo (幕布, a blob), a video session, or
-- Shanghai's App picture code, each reviewed once by a reviewer: pass, or fail with a reason.
CREATE TABLE verifications (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  application_id BIGINT NOT NULL REFERENCES applications (id),
  method TEXT NOT NULL CHECK (method IN ('curtain_photo', 'video', 'app_code')),
  evidence TEXT NOT NULL CHECK (length(evidence) BETWEEN 1 AND 256),
  state TEXT NOT NULL CHECK (state IN ('pending', 'passed', 'failed')),
  reason TEXT NOT NULL,
  submitted_by BIGINT NOT NULL REFERENCES accounts (id),
  submitted_at BIGINT NOT NULL,
  reviewed_by BIGINT REFERENCES accounts (id),
  reviewed_at BIGINT,
  CHECK ((state = 'pending') = (reviewed_by IS NULL AND reviewed_at IS NULL)),
  CHECK (state <> 'failed' OR length(reason) > 0),
  CHECK (method <> 'curtain_photo' OR length(evidence) = 64)
);
CREATE INDEX verifications_application ON verifications (application_id);

CREATE TRIGGER verifications_reviewed_once BEFORE UPDATE ON verifications
  FOR EACH ROW WHEN (OLD.state <> 'pending')
  EXECUTE FUNCTION refuse('verification.reviewed');
CREATE TRIGGER verifications_fixed BEFORE UPDATE ON verifications
  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id OR
                     NEW.application_id IS DISTINCT FROM OLD.application_id OR
                     NEW.method IS DISTINCT FROM OLD.method OR
                     NEW.evidence IS DISTINCT FROM OLD.evidence OR
                     NEW.submitted_by IS DISTINCT FROM OLD.submitted_by OR
                     NEW.submitted_at IS DISTINCT FROM OLD.submitted_at)
  EXECUTE FUNCTION refuse('verification.kept');
CREATE TRIGGER verifications_kept BEFORE DELETE OR TRUNCATE ON verifications
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('verification.kept');

-- The runtime role (0002): the new table like the others, and no DELETE on verifications.
DO $$
DECLARE
  s TEXT := quote_ident(current_schema());
BEGIN
  EXECUTE 'GRANT SELECT, INSERT, UPDATE ON ' || s || '.verifications TO beian_runtime';
  EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ' || s || ' TO beian_runtime';
END $$;

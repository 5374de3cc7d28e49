-- What reviewers and rules say about an application, and the answers of retried requests
-- (docs/storage.md "Review notes" and "Idempotency keys"). The same tables as SQLite's
-- 0004_review_and_idempotency.sql.

CREATE TABLE review_notes (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  application_id BIGINT NOT NULL REFERENCES applications (id),
  round INTEGER NOT NULL CHECK (round >= 1),
  kind TEXT NOT NULL CHECK (kind IN ('rule_warning', 'return_reason', 'contact', 'claim',
                                     'pass', 'verification')),
  field TEXT NOT NULL,
  rule TEXT NOT NULL,
  message TEXT NOT NULL,
  suggestion TEXT NOT NULL,
  outcome TEXT NOT NULL,
  author_id BIGINT REFERENCES accounts (id),
  at BIGINT NOT NULL,
  CONSTRAINT review_notes_return_reason_on_a_field
    CHECK (kind <> 'return_reason' OR (field <> '' AND message <> '')),
  CONSTRAINT review_notes_contact_outcome
    CHECK ((kind = 'contact') = (outcome IN ('reached', 'missed'))),
  CONSTRAINT review_notes_reviewer_acts
    CHECK (kind = 'rule_warning' OR author_id IS NOT NULL)
);
CREATE INDEX review_notes_application ON review_notes (application_id, id);
CREATE TRIGGER review_notes_append_only BEFORE UPDATE OR DELETE ON review_notes
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('review-note.append-only');
CREATE TRIGGER review_notes_no_truncate BEFORE TRUNCATE ON review_notes
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('review-note.append-only');

CREATE TABLE idempotency_keys (
  account_id BIGINT NOT NULL REFERENCES accounts (id),
  key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash TEXT NOT NULL CHECK (length(request_hash) = 64),
  state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT "idempotency_keys.account_key" PRIMARY KEY (account_id, key),
  CONSTRAINT idempotency_keys_done_has_answer
    CHECK ((state = 'done') = (status BETWEEN 200 AND 499))
);
CREATE FUNCTION idempotency_keys_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state = 'done' OR NEW.request_hash IS DISTINCT FROM OLD.request_hash OR
     NEW.account_id IS DISTINCT FROM OLD.account_id OR NEW.key IS DISTINCT FROM OLD.key THEN
    RAISE EXCEPTION 'idempotency.final' USING CONSTRAINT = 'idempotency.final';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER idempotency_keys_final BEFORE UPDATE ON idempotency_keys
  FOR EACH ROW EXECUTE FUNCTION idempotency_keys_final();
-- Like every guard of the schema, it resolves names here and never in pg_temp first.
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION idempotency_keys_final() SET search_path = %I, pg_temp',
                 current_schema());
END $$;

DO $$
DECLARE
  s TEXT := quote_ident(current_schema());
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'beian_runtime') THEN
    EXECUTE 'GRANT SELECT, INSERT ON ' || s || '.review_notes TO beian_runtime';
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ' || s || '.idempotency_keys TO beian_runtime';
  END IF;
END $$;

-- The review queue reads open applications of a state by due time.
CREATE INDEX applications_queue ON applications (state, deadline_due, id);

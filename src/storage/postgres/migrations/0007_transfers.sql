-- Transfers of a subject between accounts (备案转移, seeds 001/003; docs/transfers.md): the
-- same tables and refusals as storage/sqlite/migrations/0007_transfers.sql, in PostgreSQL's
-- words. A subject changes account only through an approved transfer, and every rule below
-- holds against the runtime role writing raw SQL (tests/storage/hostile_writer_postgres.py).

CREATE TABLE transfers (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject_id BIGINT NOT NULL REFERENCES subjects (id),
  from_account BIGINT NOT NULL REFERENCES accounts (id),
  to_account BIGINT NOT NULL REFERENCES accounts (id),
  reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  state TEXT NOT NULL
    CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn', 'objected')),
  created_at BIGINT NOT NULL,
  objection_until BIGINT NOT NULL,
  decided_by BIGINT REFERENCES accounts (id),
  decided_at BIGINT,
  decision_reason TEXT NOT NULL CHECK (length(decision_reason) <= 2000),
  revision BIGINT NOT NULL,
  CONSTRAINT transfers_between_two_accounts CHECK (from_account <> to_account),
  CONSTRAINT transfers_window CHECK (objection_until >= created_at),
  -- Pending is revision 1 with no decision; a final transfer is revision 2 with who and when.
  CONSTRAINT transfers_decision_whole
    CHECK ((state = 'pending') = (decided_by IS NULL AND decided_at IS NULL) AND
           (state = 'pending') = (revision = 1) AND (state <> 'pending') = (revision = 2)),
  CONSTRAINT transfers_decision_says_why
    CHECK (state IN ('pending', 'withdrawn') OR length(decision_reason) > 0),
  CONSTRAINT transfers_withdrawn_by_requester
    CHECK (state <> 'withdrawn' OR decided_by = to_account),
  CONSTRAINT transfers_objected_by_old_account
    CHECK (state <> 'objected' OR (decided_by = from_account AND decided_at <= objection_until)),
  CONSTRAINT transfers_approved_after_window
    CHECK (state <> 'approved' OR decided_at >= objection_until)
);
-- One pending transfer per subject (named as SQLite names the key in its errors).
CREATE UNIQUE INDEX "transfers.subject_id" ON transfers (subject_id) WHERE state = 'pending';
CREATE INDEX transfers_to_account ON transfers (to_account, id);
CREATE INDEX transfers_state ON transfers (state, id);

CREATE TABLE transfer_evidence (
  transfer_id BIGINT NOT NULL REFERENCES transfers (id),
  position INT NOT NULL CHECK (position BETWEEN 0 AND 15),
  kind TEXT NOT NULL
    CHECK (kind IN ('transfer_letter', 'identity_document', 'subject_certificate')),
  file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  sha256 TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size BIGINT NOT NULL CHECK (size > 0),
  PRIMARY KEY (transfer_id, position)
);

-- A transfer is born pending, from the account the subject is under.
CREATE FUNCTION transfers_born() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state <> 'pending' THEN
    RAISE EXCEPTION 'transfer.born-pending' USING CONSTRAINT = 'transfer.born-pending';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM subjects
                 WHERE id = NEW.subject_id AND account_id = NEW.from_account) THEN
    RAISE EXCEPTION 'transfer.from-owner' USING CONSTRAINT = 'transfer.from-owner';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER transfers_born BEFORE INSERT ON transfers
  FOR EACH ROW EXECUTE FUNCTION transfers_born();

-- A transfer leaves pending once; what was asked never changes; nothing is deleted.
-- Approved or rejected by an admin; approved only with the letter and the identity document.
CREATE FUNCTION transfers_decided() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state <> 'pending' THEN
    RAISE EXCEPTION 'transfer.decided' USING CONSTRAINT = 'transfer.decided';
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.subject_id IS DISTINCT FROM OLD.subject_id OR
     NEW.from_account IS DISTINCT FROM OLD.from_account OR
     NEW.to_account IS DISTINCT FROM OLD.to_account OR NEW.reason IS DISTINCT FROM OLD.reason OR
     NEW.created_at IS DISTINCT FROM OLD.created_at OR
     NEW.objection_until IS DISTINCT FROM OLD.objection_until THEN
    RAISE EXCEPTION 'transfer.kept' USING CONSTRAINT = 'transfer.kept';
  END IF;
  IF NEW.state IN ('approved', 'rejected') AND NOT EXISTS (
       SELECT 1 FROM accounts WHERE id = NEW.decided_by AND role = 'admin') THEN
    RAISE EXCEPTION 'transfer.admin-decides' USING CONSTRAINT = 'transfer.admin-decides';
  END IF;
  IF NEW.state = 'approved' AND (
       NOT EXISTS (SELECT 1 FROM transfer_evidence
                   WHERE transfer_id = NEW.id AND kind = 'transfer_letter') OR
       NOT EXISTS (SELECT 1 FROM transfer_evidence
                   WHERE transfer_id = NEW.id AND kind = 'identity_document')) THEN
    RAISE EXCEPTION 'transfer.evidence-missing' USING CONSTRAINT = 'transfer.evidence-missing';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER transfers_decided BEFORE UPDATE ON transfers
  FOR EACH ROW EXECUTE FUNCTION transfers_decided();
CREATE TRIGGER transfers_kept BEFORE DELETE OR TRUNCATE ON transfers
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('transfer.kept');

-- Evidence is written with the request while it is pending, never changed or deleted.
CREATE FUNCTION transfer_evidence_while_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM transfers WHERE id = NEW.transfer_id AND state = 'pending') THEN
    RAISE EXCEPTION 'transfer.evidence-kept' USING CONSTRAINT = 'transfer.evidence-kept';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER transfer_evidence_while_pending BEFORE INSERT ON transfer_evidence
  FOR EACH ROW EXECUTE FUNCTION transfer_evidence_while_pending();
CREATE TRIGGER transfer_evidence_fixed BEFORE UPDATE ON transfer_evidence
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('transfer.evidence-kept');
CREATE TRIGGER transfer_evidence_kept BEFORE DELETE OR TRUNCATE ON transfer_evidence
  FOR EACH STATEMENT EXECUTE FUNCTION refuse('transfer.evidence-kept');

-- A subject changes account only through the latest approved transfer of it, from the
-- account it is under to the one that asked, naming that transfer in transferred_by, and
-- never while an application about it is open.
ALTER TABLE subjects ADD COLUMN transferred_by BIGINT REFERENCES transfers (id);
CREATE FUNCTION subjects_move_by_transfer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.account_id IS NOT DISTINCT FROM OLD.account_id AND
     NEW.transferred_by IS NOT DISTINCT FROM OLD.transferred_by THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM applications WHERE open_subject_key = OLD.identity_key) THEN
    RAISE EXCEPTION 'transfer.open-application' USING CONSTRAINT = 'transfer.open-application';
  END IF;
  IF NEW.transferred_by IS NULL OR NEW.transferred_by IS NOT DISTINCT FROM OLD.transferred_by OR
     NOT EXISTS (SELECT 1 FROM transfers
                 WHERE id = NEW.transferred_by AND subject_id = OLD.id AND state = 'approved' AND
                       from_account = OLD.account_id AND to_account = NEW.account_id) OR
     EXISTS (SELECT 1 FROM transfers
             WHERE subject_id = OLD.id AND state = 'approved' AND id > NEW.transferred_by) THEN
    RAISE EXCEPTION 'transfer.moves-subject' USING CONSTRAINT = 'transfer.moves-subject';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER subjects_move_by_transfer BEFORE UPDATE ON subjects
  FOR EACH ROW EXECUTE FUNCTION subjects_move_by_transfer();

-- Like every guard of the schema, these resolve names here and never in pg_temp first.
DO $$
DECLARE
  f TEXT;
BEGIN
  FOREACH f IN ARRAY ARRAY['transfers_born()', 'transfers_decided()',
                           'transfer_evidence_while_pending()', 'subjects_move_by_transfer()'] LOOP
    EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', f, current_schema());
  END LOOP;
END $$;

-- The runtime role (0002): the new tables, without DELETE.
DO $$
DECLARE
  s TEXT := quote_ident(current_schema());
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'beian_runtime') THEN
    EXECUTE 'GRANT SELECT, INSERT, UPDATE ON ' || s || '.transfers TO beian_runtime';
    EXECUTE 'GRANT SELECT, INSERT ON ' || s || '.transfer_evidence TO beian_runtime';
    EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ' || s || ' TO beian_runtime';
  END IF;
END $$;

-- Transfers of a subject between accounts (备案转移, seeds 001/003; docs/transfers.md).
-- A customer whose subject is on record under an account it can no longer sign in to asks
-- for it, with evidence; the old account may object within a window; an admin decides. A
-- subject changes account only through an approved transfer, and every rule below holds
-- against any writer (tests/storage/hostile_writer_sqlite.py).

CREATE TABLE transfers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subject_id INTEGER NOT NULL REFERENCES subjects (id),
  from_account INTEGER NOT NULL REFERENCES accounts (id),
  to_account INTEGER NOT NULL REFERENCES accounts (id),
  reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  state TEXT NOT NULL
    CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn', 'objected')),
  created_at INTEGER NOT NULL,
  objection_until INTEGER NOT NULL,
  decided_by INTEGER REFERENCES accounts (id),
  decided_at INTEGER,
  decision_reason TEXT NOT NULL CHECK (length(decision_reason) <= 2000),
  revision INTEGER NOT NULL,
  CONSTRAINT transfers_between_two_accounts CHECK (from_account <> to_account),
  CONSTRAINT transfers_window CHECK (objection_until >= created_at),
  -- Pending is revision 1 with no decision; a final transfer is revision 2 with who and when.
  CONSTRAINT transfers_decision_whole
    CHECK ((state = 'pending') = (decided_by IS NULL AND decided_at IS NULL) AND
           (state = 'pending') = (revision = 1) AND (state <> 'pending') = (revision = 2)),
  CONSTRAINT transfers_decision_says_why
    CHECK (state IN ('pending', 'withdrawn') OR length(decision_reason) > 0),
  -- The requester withdraws; the old account objects, and only within the window; an admin
  -- approves only once the window has closed (transfers_decided_by_an_admin checks the role).
  CONSTRAINT transfers_withdrawn_by_requester
    CHECK (state <> 'withdrawn' OR decided_by = to_account),
  CONSTRAINT transfers_objected_by_old_account
    CHECK (state <> 'objected' OR (decided_by = from_account AND decided_at <= objection_until)),
  CONSTRAINT transfers_approved_after_window
    CHECK (state <> 'approved' OR decided_at >= objection_until)
) STRICT;
-- One pending transfer per subject.
CREATE UNIQUE INDEX transfers_one_pending ON transfers (subject_id) WHERE state = 'pending';
CREATE INDEX transfers_to_account ON transfers (to_account, id);
CREATE INDEX transfers_state ON transfers (state, id);

-- The files of a request, in upload order; their bytes are in the blob store under sha256.
-- Written with the request while it is pending, never changed or deleted.
CREATE TABLE transfer_evidence (
  transfer_id INTEGER NOT NULL REFERENCES transfers (id),
  position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 15),
  kind TEXT NOT NULL
    CHECK (kind IN ('transfer_letter', 'identity_document', 'subject_certificate')),
  file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
  content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size INTEGER NOT NULL CHECK (size > 0),
  PRIMARY KEY (transfer_id, position)
) STRICT;

-- A transfer is born pending, from the account the subject is under (SQLite's foreign keys
-- depend on the connection: the references this rests on are checked here too).
CREATE TRIGGER transfers_born_pending BEFORE INSERT ON transfers
WHEN NEW.state <> 'pending'
BEGIN SELECT RAISE(ABORT, 'transfer.born-pending'); END;
CREATE TRIGGER transfers_no_replace BEFORE INSERT ON transfers
WHEN EXISTS (SELECT 1 FROM transfers WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'transfer.kept'); END;
-- INSERT OR REPLACE would delete the pending transfer it collides with.
CREATE TRIGGER transfers_one_pending_per_subject BEFORE INSERT ON transfers
WHEN EXISTS (SELECT 1 FROM transfers WHERE subject_id = NEW.subject_id AND state = 'pending')
BEGIN SELECT RAISE(ABORT, 'transfers.subject_id'); END;
CREATE TRIGGER transfers_from_the_owner BEFORE INSERT ON transfers
WHEN NOT EXISTS (SELECT 1 FROM subjects WHERE id = NEW.subject_id AND account_id = NEW.from_account)
  OR NOT EXISTS (SELECT 1 FROM accounts WHERE id = NEW.to_account)
BEGIN SELECT RAISE(ABORT, 'transfer.from-owner'); END;

-- A transfer leaves pending once; what was asked never changes; nothing is deleted.
CREATE TRIGGER transfers_decided_once BEFORE UPDATE ON transfers
WHEN OLD.state <> 'pending'
BEGIN SELECT RAISE(ABORT, 'transfer.decided'); END;
CREATE TRIGGER transfers_fixed BEFORE UPDATE ON transfers
WHEN NEW.id IS NOT OLD.id OR NEW.subject_id IS NOT OLD.subject_id OR
     NEW.from_account IS NOT OLD.from_account OR NEW.to_account IS NOT OLD.to_account OR
     NEW.reason IS NOT OLD.reason OR NEW.created_at IS NOT OLD.created_at OR
     NEW.objection_until IS NOT OLD.objection_until
BEGIN SELECT RAISE(ABORT, 'transfer.kept'); END;
CREATE TRIGGER transfers_kept BEFORE DELETE ON transfers
BEGIN SELECT RAISE(ABORT, 'transfer.kept'); END;
-- Approved or rejected by an admin; approved only with the letter and the identity document.
CREATE TRIGGER transfers_decided_by_an_admin BEFORE UPDATE ON transfers
WHEN NEW.state IN ('approved', 'rejected')
BEGIN
  SELECT RAISE(ABORT, 'transfer.admin-decides')
  WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE id = NEW.decided_by AND role = 'admin');
  SELECT RAISE(ABORT, 'transfer.evidence-missing')
  WHERE NEW.state = 'approved' AND (
    NOT EXISTS (SELECT 1 FROM transfer_evidence
                WHERE transfer_id = NEW.id AND kind = 'transfer_letter') OR
    NOT EXISTS (SELECT 1 FROM transfer_evidence
                WHERE transfer_id = NEW.id AND kind = 'identity_document'));
END;

CREATE TRIGGER transfer_evidence_while_pending BEFORE INSERT ON transfer_evidence
WHEN EXISTS (SELECT 1 FROM transfer_evidence
             WHERE transfer_id = NEW.transfer_id AND position = NEW.position)
  OR NOT EXISTS (SELECT 1 FROM transfers WHERE id = NEW.transfer_id AND state = 'pending')
BEGIN SELECT RAISE(ABORT, 'transfer.evidence-kept'); END;
CREATE TRIGGER transfer_evidence_fixed BEFORE UPDATE ON transfer_evidence
BEGIN SELECT RAISE(ABORT, 'transfer.evidence-kept'); END;
CREATE TRIGGER transfer_evidence_kept BEFORE DELETE ON transfer_evidence
BEGIN SELECT RAISE(ABORT, 'transfer.evidence-kept'); END;

-- A subject changes account only through the latest approved transfer of it, from the
-- account it is under to the one that asked, naming that transfer in transferred_by, and
-- never while an application about it is open.
ALTER TABLE subjects ADD COLUMN transferred_by INTEGER REFERENCES transfers (id);
CREATE TRIGGER subjects_move_by_transfer BEFORE UPDATE ON subjects
WHEN NEW.account_id IS NOT OLD.account_id OR NEW.transferred_by IS NOT OLD.transferred_by
BEGIN
  SELECT RAISE(ABORT, 'transfer.open-application')
  WHERE EXISTS (SELECT 1 FROM applications WHERE open_subject_key = OLD.identity_key);
  SELECT RAISE(ABORT, 'transfer.moves-subject')
  WHERE NEW.transferred_by IS NULL OR NEW.transferred_by IS OLD.transferred_by OR
        NOT EXISTS (SELECT 1 FROM transfers
                    WHERE id = NEW.transferred_by AND subject_id = OLD.id AND
                          state = 'approved' AND from_account = OLD.account_id AND
                          to_account = NEW.account_id) OR
        EXISTS (SELECT 1 FROM transfers
                WHERE subject_id = OLD.id AND state = 'approved' AND id > NEW.transferred_by);
END;

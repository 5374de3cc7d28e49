-- What reviewers and rules say about an application, and the answers of retried requests
-- (docs/storage.md "Review notes" and "Idempotency keys").

-- The review journal: warnings the rules gave at a submission, the reasons a reviewer
-- returned it for (each on a field, with a suggestion), contact attempts, claims and passes.
-- Append-only: what was said to a customer is never rewritten.
CREATE TABLE review_notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  application_id INTEGER NOT NULL REFERENCES applications (id),
  round INTEGER NOT NULL CHECK (round >= 1),
  kind TEXT NOT NULL CHECK (kind IN ('rule_warning', 'return_reason', 'contact', 'claim',
                                     'pass', 'verification')),
  field TEXT NOT NULL,
  rule TEXT NOT NULL,
  message TEXT NOT NULL,
  suggestion TEXT NOT NULL,
  outcome TEXT NOT NULL,
  author_id INTEGER REFERENCES accounts (id),
  at INTEGER NOT NULL,
  -- A return reason names the field it is about and says why; a contact attempt says
  -- whether the leader was reached; a reviewer's act has its reviewer.
  CONSTRAINT review_notes_return_reason_on_a_field
    CHECK (kind <> 'return_reason' OR (field <> '' AND message <> '')),
  CONSTRAINT review_notes_contact_outcome
    CHECK ((kind = 'contact') = (outcome IN ('reached', 'missed'))),
  CONSTRAINT review_notes_reviewer_acts
    CHECK (kind = 'rule_warning' OR author_id IS NOT NULL)
) STRICT;
CREATE INDEX review_notes_application ON review_notes (application_id, id);
CREATE TRIGGER review_notes_append_only_update BEFORE UPDATE ON review_notes
BEGIN SELECT RAISE(ABORT, 'review-note.append-only'); END;
CREATE TRIGGER review_notes_append_only_delete BEFORE DELETE ON review_notes
BEGIN SELECT RAISE(ABORT, 'review-note.append-only'); END;
-- INSERT OR REPLACE would delete a note without its DELETE trigger.
CREATE TRIGGER review_notes_no_replace BEFORE INSERT ON review_notes
WHEN EXISTS (SELECT 1 FROM review_notes WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'review-note.append-only'); END;

-- One row per (account, Idempotency-Key): reserved while the first request runs, then the
-- answer it got, which a retry with the same key and the same request receives again.
CREATE TABLE idempotency_keys (
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash TEXT NOT NULL CHECK (length(request_hash) = 64),
  state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  CONSTRAINT "idempotency_keys.account_key" PRIMARY KEY (account_id, key),
  CONSTRAINT idempotency_keys_done_has_answer
    CHECK ((state = 'done') = (status BETWEEN 200 AND 499))
) STRICT;
-- A finished answer is final: it cannot be changed (rows may be deleted once they are old:
-- a key is kept for 24 hours, docs/api.md).
CREATE TRIGGER idempotency_keys_done_is_final BEFORE UPDATE ON idempotency_keys
WHEN OLD.state = 'done'
BEGIN SELECT RAISE(ABORT, 'idempotency.final'); END;
CREATE TRIGGER idempotency_keys_same_request BEFORE UPDATE ON idempotency_keys
WHEN NEW.request_hash IS NOT OLD.request_hash OR NEW.account_id IS NOT OLD.account_id OR
     NEW.key IS NOT OLD.key
BEGIN SELECT RAISE(ABORT, 'idempotency.final'); END;

-- The review queue reads open applications of a state by due time.
CREATE INDEX applications_queue ON applications (state, deadline_due, id);

-- The gateway's link to the bureau (BUREAU-PROTOCOL §1.7, §2; docs/storage.md "The bureau
-- link"): per bureau account (its ispId) the upload position and lease, every file sent
-- (kept byte for byte for a resend), the keys the bureau's results name an application by,
-- the download files processed, and the bureau's ids of the subjects on record.

-- One row per bureau account. last_accepted moves forward by one, and only onto an accepted
-- file; the lease (holder, lease_until) makes uploads of one account strictly serial across
-- processes without holding a database lock over the network.
CREATE TABLE bureau_links (
  isp_id INTEGER PRIMARY KEY CHECK (isp_id > 0),
  last_accepted INTEGER NOT NULL CHECK (last_accepted >= 0),
  last_record_key INTEGER NOT NULL CHECK (last_record_key >= 0),
  holder TEXT CHECK (length(holder) BETWEEN 1 AND 200),
  lease_until INTEGER,
  CONSTRAINT bureau_links_lease_whole CHECK ((holder IS NULL) = (lease_until IS NULL))
) STRICT;
CREATE TRIGGER bureau_links_born_at_zero BEFORE INSERT ON bureau_links
WHEN NEW.last_accepted <> 0 OR NEW.last_record_key <> 0
  OR EXISTS (SELECT 1 FROM bureau_links WHERE isp_id = NEW.isp_id)
BEGIN SELECT RAISE(ABORT, 'bureau.sequence'); END;
CREATE TRIGGER bureau_links_forward BEFORE UPDATE ON bureau_links
WHEN NEW.isp_id <> OLD.isp_id
  OR NEW.last_accepted NOT IN (OLD.last_accepted, OLD.last_accepted + 1)
  OR NEW.last_record_key < OLD.last_record_key
  OR (NEW.last_accepted = OLD.last_accepted + 1 AND NOT EXISTS (
        SELECT 1 FROM bureau_files WHERE isp_id = NEW.isp_id AND sequence = NEW.last_accepted
                                     AND state = 'accepted'))
BEGIN SELECT RAISE(ABORT, 'bureau.sequence'); END;
CREATE TRIGGER bureau_links_kept BEFORE DELETE ON bureau_links
BEGIN SELECT RAISE(ABORT, 'bureau.kept'); END;

-- Every file sent, as it went on the wire. Born kept at the number after the last accepted,
-- one kept file per account at a time; it ends accepted or refused and its bytes never change.
CREATE TABLE bureau_files (
  isp_id INTEGER NOT NULL REFERENCES bureau_links (isp_id),
  file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 128),
  sequence INTEGER NOT NULL CHECK (sequence BETWEEN 1 AND 2147483647),
  beian_info TEXT NOT NULL CHECK (length(beian_info) > 0),
  beian_info_hash TEXT NOT NULL CHECK (length(beian_info_hash) > 0),
  encrypt_algorithm INTEGER NOT NULL CHECK (encrypt_algorithm IN (0, 1)),
  application_id INTEGER NOT NULL REFERENCES applications (id),
  state TEXT NOT NULL CHECK (state IN ('kept', 'accepted', 'refused')),
  kept_at INTEGER NOT NULL,
  finished_at INTEGER,
  PRIMARY KEY (isp_id, file_name),
  CONSTRAINT bureau_files_finished CHECK ((state = 'kept') = (finished_at IS NULL))
) STRICT;
CREATE UNIQUE INDEX bureau_files_sequence ON bureau_files (isp_id, sequence)
  WHERE state <> 'refused';
CREATE UNIQUE INDEX bureau_files_one_kept ON bureau_files (isp_id) WHERE state = 'kept';
-- INSERT OR REPLACE would delete the file it collides with.
CREATE TRIGGER bureau_files_name_once BEFORE INSERT ON bureau_files
WHEN EXISTS (SELECT 1 FROM bureau_files WHERE isp_id = NEW.isp_id AND file_name = NEW.file_name)
BEGIN SELECT RAISE(ABORT, 'bureau.file-name'); END;
CREATE TRIGGER bureau_files_born_next BEFORE INSERT ON bureau_files
WHEN NEW.state <> 'kept'
  OR NEW.sequence <> (SELECT last_accepted + 1 FROM bureau_links WHERE isp_id = NEW.isp_id)
  OR EXISTS (SELECT 1 FROM bureau_files WHERE isp_id = NEW.isp_id AND state = 'kept')
BEGIN SELECT RAISE(ABORT, 'bureau.sequence'); END;
CREATE TRIGGER bureau_files_bytes_kept BEFORE UPDATE ON bureau_files
WHEN OLD.state <> 'kept' OR NEW.isp_id <> OLD.isp_id OR NEW.file_name <> OLD.file_name
  OR NEW.sequence <> OLD.sequence OR NEW.beian_info <> OLD.beian_info
  OR NEW.beian_info_hash <> OLD.beian_info_hash
  OR NEW.encrypt_algorithm <> OLD.encrypt_algorithm
  OR NEW.application_id <> OLD.application_id OR NEW.kept_at <> OLD.kept_at
BEGIN SELECT RAISE(ABORT, 'bureau.kept'); END;
CREATE TRIGGER bureau_files_not_deleted BEFORE DELETE ON bureau_files
BEGIN SELECT RAISE(ABORT, 'bureau.kept'); END;

-- The Bs / Jlid values (§5.3) the bureau's results name a file's application by: the fresh
-- Isp* ids it assigned, and the bureau ids a change or cancellation refers to.
CREATE TABLE bureau_record_keys (
  isp_id INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  record_key INTEGER NOT NULL CHECK (record_key > 0),
  PRIMARY KEY (isp_id, file_name, record_key),
  FOREIGN KEY (isp_id, file_name) REFERENCES bureau_files (isp_id, file_name)
) STRICT;
CREATE INDEX bureau_record_keys_key ON bureau_record_keys (isp_id, record_key);
CREATE TRIGGER bureau_record_keys_kept_update BEFORE UPDATE ON bureau_record_keys
BEGIN SELECT RAISE(ABORT, 'bureau.kept'); END;
CREATE TRIGGER bureau_record_keys_kept_delete BEFORE DELETE ON bureau_record_keys
BEGIN SELECT RAISE(ABORT, 'bureau.kept'); END;

-- Download files processed, by name: a file seen again is acknowledged without effect.
CREATE TABLE bureau_downloads (
  isp_id INTEGER NOT NULL CHECK (isp_id > 0),
  file_name TEXT NOT NULL CHECK (length(file_name) > 0),
  kind TEXT NOT NULL,
  beian_info_hash TEXT NOT NULL,
  content TEXT NOT NULL,
  processed_at INTEGER NOT NULL,
  PRIMARY KEY (isp_id, file_name)
) STRICT;
CREATE TRIGGER bureau_downloads_no_replace BEFORE INSERT ON bureau_downloads
WHEN EXISTS (SELECT 1 FROM bureau_downloads WHERE isp_id = NEW.isp_id AND file_name = NEW.file_name)
BEGIN SELECT RAISE(ABORT, 'bureau.download-once'); END;
CREATE TRIGGER bureau_downloads_kept_update BEFORE UPDATE ON bureau_downloads
BEGIN SELECT RAISE(ABORT, 'bureau.kept'); END;
CREATE TRIGGER bureau_downloads_kept_delete BEFORE DELETE ON bureau_downloads
BEGIN SELECT RAISE(ABORT, 'bureau.kept'); END;

-- The bureau's ids of a subject on record (domain BureauIds as JSON), one Ztid per subject.
CREATE TABLE bureau_subject_ids (
  subject_id INTEGER PRIMARY KEY REFERENCES subjects (id),
  isp_id INTEGER NOT NULL CHECK (isp_id > 0),
  bureau_subject_id INTEGER CHECK (bureau_subject_id > 0),
  ids TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX bureau_subject_ids_ztid ON bureau_subject_ids (isp_id, bureau_subject_id);
CREATE TRIGGER bureau_subject_ids_one_subject_insert BEFORE INSERT ON bureau_subject_ids
WHEN EXISTS (SELECT 1 FROM bureau_subject_ids WHERE isp_id = NEW.isp_id
               AND bureau_subject_id = NEW.bureau_subject_id AND subject_id <> NEW.subject_id)
BEGIN SELECT RAISE(ABORT, 'bureau.subject-id'); END;
CREATE TRIGGER bureau_subject_ids_one_subject_update BEFORE UPDATE ON bureau_subject_ids
WHEN EXISTS (SELECT 1 FROM bureau_subject_ids WHERE isp_id = NEW.isp_id
               AND bureau_subject_id = NEW.bureau_subject_id AND subject_id <> NEW.subject_id)
  OR NEW.subject_id <> OLD.subject_id
BEGIN SELECT RAISE(ABORT, 'bureau.subject-id'); END;

-- Why the bureau returned or refused an application, on the field when known: append-only,
-- as what was said to a customer is never rewritten.
CREATE TABLE bureau_reasons (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  application_id INTEGER NOT NULL REFERENCES applications (id),
  file_name TEXT NOT NULL,
  code INTEGER NOT NULL CHECK (code >= 0),
  field TEXT NOT NULL,
  message TEXT NOT NULL CHECK (length(message) > 0),
  conflict INTEGER NOT NULL CHECK (conflict IN (0, 1)),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX bureau_reasons_application ON bureau_reasons (application_id, id);
CREATE TRIGGER bureau_reasons_kept_update BEFORE UPDATE ON bureau_reasons
BEGIN SELECT RAISE(ABORT, 'bureau.kept'); END;
CREATE TRIGGER bureau_reasons_kept_delete BEFORE DELETE ON bureau_reasons
BEGIN SELECT RAISE(ABORT, 'bureau.kept'); END;
CREATE TRIGGER bureau_reasons_no_replace BEFORE INSERT ON bureau_reasons
WHEN EXISTS (SELECT 1 FROM bureau_reasons WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'bureau.kept'); END;

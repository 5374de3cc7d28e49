-- icp-bureau's own store (docs/bureau-protocol.md, "icp-bureau"): the provider accounts of
-- MIIT's enterprise interface, what each uploaded, and what waits for each to download.

-- A provider's account. pwdHash = base64(MD5(GBK(password + randVal))) needs the password
-- itself, so the bureau keeps it recoverably (BUREAU-PROTOCOL.md §1.3): this store is the
-- stand-in's secret store. last_sequence is the last accepted dataSequence (0: none yet).
CREATE TABLE providers (
  isp_id INTEGER PRIMARY KEY CHECK (isp_id > 0),
  user_name TEXT NOT NULL CHECK (length(user_name) BETWEEN 1 AND 128),
  password TEXT NOT NULL CHECK (length(password) BETWEEN 1 AND 128),
  last_sequence INTEGER NOT NULL DEFAULT 0 CHECK (last_sequence BETWEEN 0 AND 2147483647),
  created_at INTEGER NOT NULL
) STRICT;

-- The sequence only moves forward, one step at a time (an upload accepted).
CREATE TRIGGER providers_sequence_steps_by_one
BEFORE UPDATE OF last_sequence ON providers
WHEN NEW.last_sequence <> OLD.last_sequence + 1
BEGIN
  SELECT RAISE(ABORT, 'bureau.sequence.step');
END;

-- Every accepted upload, once per (provider, dataSequence); the sequence it advanced to.
CREATE TABLE uploads (
  isp_id INTEGER NOT NULL REFERENCES providers (isp_id),
  data_sequence INTEGER NOT NULL CHECK (data_sequence BETWEEN 1 AND 2147483647),
  file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  beian_info TEXT NOT NULL,
  beian_info_hash TEXT NOT NULL,
  encrypt_algorithm INTEGER NOT NULL,
  xml TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (isp_id, data_sequence)
) STRICT;

-- An upload is a record of what was received: never changed, never removed.
CREATE TRIGGER uploads_never_change BEFORE UPDATE ON uploads
BEGIN
  SELECT RAISE(ABORT, 'bureau.upload.immutable');
END;
CREATE TRIGGER uploads_never_removed BEFORE DELETE ON uploads
BEGIN
  SELECT RAISE(ABORT, 'bureau.upload.immutable');
END;

-- The files each provider downloads, in order, re-sent until acknowledged: kept as they go
-- on the wire (plain, not encrypted), so a resend is byte for byte the first sending.
CREATE TABLE downloads (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  isp_id INTEGER NOT NULL REFERENCES providers (isp_id),
  file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  beian_info TEXT NOT NULL,
  beian_info_hash TEXT NOT NULL,
  acknowledged INTEGER NOT NULL DEFAULT 0 CHECK (acknowledged IN (0, 1)),
  created_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  CONSTRAINT downloads_ack_has_time CHECK ((acknowledged = 1) = (acknowledged_at IS NOT NULL)),
  UNIQUE (isp_id, file_name)
) STRICT;

CREATE INDEX downloads_waiting ON downloads (isp_id, id) WHERE acknowledged = 0;

-- An acknowledged file stays acknowledged; a file's content never changes.
CREATE TRIGGER downloads_ack_is_final BEFORE UPDATE ON downloads
WHEN OLD.acknowledged = 1 OR NEW.beian_info <> OLD.beian_info OR NEW.file_name <> OLD.file_name
  OR NEW.isp_id <> OLD.isp_id
BEGIN
  SELECT RAISE(ABORT, 'bureau.download.ack_final');
END;

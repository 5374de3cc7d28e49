-- Download files the gateway could not apply for a reason tied to the file (it does not verify
-- or decode, or applying it fails on what it says): kept as received, with why, and
-- acknowledged so the files behind it flow (docs/bureau-protocol.md "Parked files"). An
-- operator fixes the cause and replays the file; the replay records it in bureau_downloads and
-- sets replayed_at in one transaction.
CREATE TABLE bureau_parked_downloads (
  isp_id INTEGER NOT NULL CHECK (isp_id > 0),
  file_name TEXT NOT NULL CHECK (length(file_name) > 0),
  beian_info TEXT NOT NULL,
  beian_info_hash TEXT NOT NULL,
  encrypt_algorithm INTEGER NOT NULL,
  hash_algorithm INTEGER NOT NULL,
  compression_format INTEGER NOT NULL,
  rule TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (length(reason) > 0),
  parked_at INTEGER NOT NULL,
  replayed_at INTEGER CHECK (replayed_at IS NULL OR replayed_at >= parked_at),
  PRIMARY KEY (isp_id, file_name)
) STRICT;
CREATE INDEX bureau_parked_pending ON bureau_parked_downloads (isp_id, parked_at)
WHERE replayed_at IS NULL;

-- Parked once, not replayed yet; never replaced (INSERT OR REPLACE would delete the first).
CREATE TRIGGER bureau_parked_insert BEFORE INSERT ON bureau_parked_downloads
WHEN NEW.replayed_at IS NOT NULL OR EXISTS (SELECT 1 FROM bureau_parked_downloads
                                            WHERE isp_id = NEW.isp_id AND file_name = NEW.file_name)
BEGIN SELECT RAISE(ABORT, 'bureau.parked'); END;
-- Only replayed_at changes, once, from NULL.
CREATE TRIGGER bureau_parked_replayed_once BEFORE UPDATE ON bureau_parked_downloads
WHEN OLD.replayed_at IS NOT NULL OR NEW.replayed_at IS NULL OR
     NEW.isp_id IS NOT OLD.isp_id OR NEW.file_name IS NOT OLD.file_name OR
     NEW.beian_info IS NOT OLD.beian_info OR NEW.beian_info_hash IS NOT OLD.beian_info_hash OR
     NEW.encrypt_algorithm IS NOT OLD.encrypt_algorithm OR
     NEW.hash_algorithm IS NOT OLD.hash_algorithm OR
     NEW.compression_format IS NOT OLD.compression_format OR NEW.rule IS NOT OLD.rule OR
     NEW.reason IS NOT OLD.reason OR NEW.parked_at IS NOT OLD.parked_at
BEGIN SELECT RAISE(ABORT, 'bureau.parked-replayed'); END;
-- A file is replayed when it is processed: its bureau_downloads row is there.
CREATE TRIGGER bureau_parked_replayed_processed BEFORE UPDATE OF replayed_at
ON bureau_parked_downloads
WHEN NOT EXISTS (SELECT 1 FROM bureau_downloads WHERE isp_id = NEW.isp_id AND
                 file_name = NEW.file_name)
BEGIN SELECT RAISE(ABORT, 'bureau.parked-unprocessed'); END;
CREATE TRIGGER bureau_parked_kept BEFORE DELETE ON bureau_parked_downloads
BEGIN SELECT RAISE(ABORT, 'bureau.kept'); END;

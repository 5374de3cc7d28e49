-- Download files the gateway could not apply, as SQLite's 0010_bureau_parked says: kept as
-- received, with why, acknowledged; replayed once an operator fixed the cause, in the
-- transaction that records the file in bureau_downloads.
CREATE TABLE bureau_parked_downloads (
  isp_id BIGINT NOT NULL CHECK (isp_id > 0),
  file_name TEXT NOT NULL CHECK (length(file_name) > 0),
  beian_info TEXT NOT NULL,
  beian_info_hash TEXT NOT NULL,
  encrypt_algorithm BIGINT NOT NULL,
  hash_algorithm BIGINT NOT NULL,
  compression_format BIGINT NOT NULL,
  rule TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (length(reason) > 0),
  parked_at BIGINT NOT NULL,
  replayed_at BIGINT CHECK (replayed_at IS NULL OR replayed_at >= parked_at),
  PRIMARY KEY (isp_id, file_name)
);
CREATE INDEX bureau_parked_pending ON bureau_parked_downloads (isp_id, parked_at)
WHERE replayed_at IS NULL;

CREATE FUNCTION bureau_parked_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'bureau.kept' USING CONSTRAINT = 'bureau.kept';
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.replayed_at IS NOT NULL THEN
      RAISE EXCEPTION 'bureau.parked' USING CONSTRAINT = 'bureau.parked';
    END IF;
    RETURN NEW;
  END IF;
  -- Only replayed_at changes, once, from NULL, and only when the file is processed.
  IF OLD.replayed_at IS NOT NULL OR NEW.replayed_at IS NULL OR
     (NEW.isp_id, NEW.file_name, NEW.beian_info, NEW.beian_info_hash, NEW.encrypt_algorithm,
      NEW.hash_algorithm, NEW.compression_format, NEW.rule, NEW.reason, NEW.parked_at)
     IS DISTINCT FROM
     (OLD.isp_id, OLD.file_name, OLD.beian_info, OLD.beian_info_hash, OLD.encrypt_algorithm,
      OLD.hash_algorithm, OLD.compression_format, OLD.rule, OLD.reason, OLD.parked_at) THEN
    RAISE EXCEPTION 'bureau.parked-replayed' USING CONSTRAINT = 'bureau.parked-replayed';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM bureau_downloads
                 WHERE isp_id = NEW.isp_id AND file_name = NEW.file_name) THEN
    RAISE EXCEPTION 'bureau.parked-unprocessed' USING CONSTRAINT = 'bureau.parked-unprocessed';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER bureau_parked_guard BEFORE INSERT OR UPDATE OR DELETE ON bureau_parked_downloads
FOR EACH ROW EXECUTE FUNCTION bureau_parked_guard();
CREATE TRIGGER bureau_parked_no_truncate BEFORE TRUNCATE ON bureau_parked_downloads
FOR EACH STATEMENT EXECUTE FUNCTION bureau_written_once();

DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION bureau_parked_guard() SET search_path = %I, pg_temp',
                 current_schema());
END $$;

-- The runtime role (0002): select, insert and the one update; no delete.
DO $$
DECLARE
  s TEXT := quote_ident(current_schema());
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'beian_runtime') THEN
    EXECUTE 'GRANT SELECT, INSERT, UPDATE ON ' || s || '.bureau_parked_downloads TO beian_runtime';
  END IF;
END $$;

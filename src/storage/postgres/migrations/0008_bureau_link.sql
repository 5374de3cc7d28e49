-- The gateway's link to the bureau: the same tables and refusals as
-- storage/sqlite/migrations/0008_bureau_link.sql, in PostgreSQL's words (docs/storage.md
-- "The bureau link").

CREATE TABLE bureau_links (
  isp_id BIGINT PRIMARY KEY CHECK (isp_id > 0),
  last_accepted BIGINT NOT NULL CHECK (last_accepted >= 0),
  last_record_key BIGINT NOT NULL CHECK (last_record_key >= 0),
  holder TEXT CHECK (length(holder) BETWEEN 1 AND 200),
  lease_until BIGINT,
  CONSTRAINT bureau_links_lease_whole CHECK ((holder IS NULL) = (lease_until IS NULL))
);

CREATE TABLE bureau_files (
  isp_id BIGINT NOT NULL REFERENCES bureau_links (isp_id),
  file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 128),
  sequence BIGINT NOT NULL CHECK (sequence BETWEEN 1 AND 2147483647),
  beian_info TEXT NOT NULL CHECK (length(beian_info) > 0),
  beian_info_hash TEXT NOT NULL CHECK (length(beian_info_hash) > 0),
  encrypt_algorithm INT NOT NULL CHECK (encrypt_algorithm IN (0, 1)),
  application_id BIGINT NOT NULL REFERENCES applications (id),
  state TEXT NOT NULL CHECK (state IN ('kept', 'accepted', 'refused')),
  kept_at BIGINT NOT NULL,
  finished_at BIGINT,
  PRIMARY KEY (isp_id, file_name),
  CONSTRAINT bureau_files_finished CHECK ((state = 'kept') = (finished_at IS NULL))
);
CREATE UNIQUE INDEX bureau_files_sequence ON bureau_files (isp_id, sequence)
  WHERE state <> 'refused';
CREATE UNIQUE INDEX bureau_files_one_kept ON bureau_files (isp_id) WHERE state = 'kept';

CREATE TABLE bureau_record_keys (
  isp_id BIGINT NOT NULL,
  file_name TEXT NOT NULL,
  record_key BIGINT NOT NULL CHECK (record_key > 0),
  PRIMARY KEY (isp_id, file_name, record_key),
  FOREIGN KEY (isp_id, file_name) REFERENCES bureau_files (isp_id, file_name)
);
CREATE INDEX bureau_record_keys_key ON bureau_record_keys (isp_id, record_key);

CREATE TABLE bureau_downloads (
  isp_id BIGINT NOT NULL CHECK (isp_id > 0),
  file_name TEXT NOT NULL CHECK (length(file_name) > 0),
  kind TEXT NOT NULL,
  beian_info_hash TEXT NOT NULL,
  content TEXT NOT NULL,
  processed_at BIGINT NOT NULL,
  PRIMARY KEY (isp_id, file_name)
);

CREATE TABLE bureau_subject_ids (
  subject_id BIGINT PRIMARY KEY REFERENCES subjects (id),
  isp_id BIGINT NOT NULL CHECK (isp_id > 0),
  bureau_subject_id BIGINT CHECK (bureau_subject_id > 0),
  ids TEXT NOT NULL
);
CREATE UNIQUE INDEX bureau_subject_ids_ztid ON bureau_subject_ids (isp_id, bureau_subject_id);

CREATE TABLE bureau_reasons (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  application_id BIGINT NOT NULL REFERENCES applications (id),
  file_name TEXT NOT NULL,
  code BIGINT NOT NULL CHECK (code >= 0),
  field TEXT NOT NULL,
  message TEXT NOT NULL CHECK (length(message) > 0),
  conflict BIGINT NOT NULL CHECK (conflict IN (0, 1)),
  at BIGINT NOT NULL
);
CREATE INDEX bureau_reasons_application ON bureau_reasons (application_id, id);

-- The position moves forward by one, only onto an accepted file; an account starts at zero.
CREATE FUNCTION bureau_links_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'bureau.kept' USING CONSTRAINT = 'bureau.kept';
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.last_accepted <> 0 OR NEW.last_record_key <> 0 THEN
      RAISE EXCEPTION 'bureau.sequence' USING CONSTRAINT = 'bureau.sequence';
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.isp_id <> OLD.isp_id
     OR NEW.last_accepted NOT IN (OLD.last_accepted, OLD.last_accepted + 1)
     OR NEW.last_record_key < OLD.last_record_key
     OR (NEW.last_accepted = OLD.last_accepted + 1 AND NOT EXISTS (
           SELECT 1 FROM bureau_files WHERE isp_id = NEW.isp_id
             AND sequence = NEW.last_accepted AND state = 'accepted')) THEN
    RAISE EXCEPTION 'bureau.sequence' USING CONSTRAINT = 'bureau.sequence';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER bureau_links_guard BEFORE INSERT OR UPDATE OR DELETE ON bureau_links
FOR EACH ROW EXECUTE FUNCTION bureau_links_guard();

-- A file is born kept at the number after the last accepted, one kept at a time, under its
-- own name; its bytes never change; it ends accepted or refused; nothing is deleted.
CREATE FUNCTION bureau_files_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'bureau.kept' USING CONSTRAINT = 'bureau.kept';
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF EXISTS (SELECT 1 FROM bureau_files WHERE isp_id = NEW.isp_id
                 AND file_name = NEW.file_name) THEN
      RAISE EXCEPTION 'bureau.file-name' USING CONSTRAINT = 'bureau.file-name';
    END IF;
    IF NEW.state <> 'kept'
       OR NEW.sequence IS DISTINCT FROM (SELECT last_accepted + 1 FROM bureau_links
                                          WHERE isp_id = NEW.isp_id)
       OR EXISTS (SELECT 1 FROM bureau_files WHERE isp_id = NEW.isp_id AND state = 'kept') THEN
      RAISE EXCEPTION 'bureau.sequence' USING CONSTRAINT = 'bureau.sequence';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.state <> 'kept' OR NEW.isp_id <> OLD.isp_id OR NEW.file_name <> OLD.file_name
     OR NEW.sequence <> OLD.sequence OR NEW.beian_info <> OLD.beian_info
     OR NEW.beian_info_hash <> OLD.beian_info_hash
     OR NEW.encrypt_algorithm <> OLD.encrypt_algorithm
     OR NEW.application_id <> OLD.application_id OR NEW.kept_at <> OLD.kept_at THEN
    RAISE EXCEPTION 'bureau.kept' USING CONSTRAINT = 'bureau.kept';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER bureau_files_guard BEFORE INSERT OR UPDATE OR DELETE ON bureau_files
FOR EACH ROW EXECUTE FUNCTION bureau_files_guard();

-- Record keys and processed downloads are written once.
CREATE FUNCTION bureau_written_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'bureau.kept' USING CONSTRAINT = 'bureau.kept';
END $$;
CREATE TRIGGER bureau_record_keys_kept BEFORE UPDATE OR DELETE ON bureau_record_keys
FOR EACH ROW EXECUTE FUNCTION bureau_written_once();
CREATE TRIGGER bureau_downloads_kept BEFORE UPDATE OR DELETE ON bureau_downloads
FOR EACH ROW EXECUTE FUNCTION bureau_written_once();
CREATE TRIGGER bureau_reasons_kept BEFORE UPDATE OR DELETE ON bureau_reasons
FOR EACH ROW EXECUTE FUNCTION bureau_written_once();
CREATE TRIGGER bureau_tables_no_truncate BEFORE TRUNCATE ON bureau_files
FOR EACH STATEMENT EXECUTE FUNCTION bureau_written_once();
CREATE TRIGGER bureau_downloads_no_truncate BEFORE TRUNCATE ON bureau_downloads
FOR EACH STATEMENT EXECUTE FUNCTION bureau_written_once();

-- One subject per Ztid of an account; a row stays with its subject.
CREATE FUNCTION bureau_subject_ids_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'UPDATE' AND NEW.subject_id <> OLD.subject_id)
     OR EXISTS (SELECT 1 FROM bureau_subject_ids WHERE isp_id = NEW.isp_id
                  AND bureau_subject_id = NEW.bureau_subject_id
                  AND subject_id <> NEW.subject_id) THEN
    RAISE EXCEPTION 'bureau.subject-id' USING CONSTRAINT = 'bureau.subject-id';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER bureau_subject_ids_guard BEFORE INSERT OR UPDATE ON bureau_subject_ids
FOR EACH ROW EXECUTE FUNCTION bureau_subject_ids_guard();

DO $$
DECLARE
  f TEXT;
BEGIN
  FOREACH f IN ARRAY ARRAY['bureau_links_guard()', 'bureau_files_guard()',
                           'bureau_written_once()', 'bureau_subject_ids_guard()'] LOOP
    EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', f, current_schema());
  END LOOP;
END $$;

-- The runtime role (0002): the new tables, without DELETE.
DO $$
DECLARE
  s TEXT := quote_ident(current_schema());
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'beian_runtime') THEN
    EXECUTE 'GRANT SELECT, INSERT, UPDATE ON ' || s || '.bureau_links, ' || s ||
            '.bureau_files, ' || s || '.bureau_subject_ids TO beian_runtime';
    EXECUTE 'GRANT SELECT, INSERT ON ' || s || '.bureau_record_keys, ' || s ||
            '.bureau_downloads, ' || s || '.bureau_reasons TO beian_runtime';
    EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ' || s || ' TO beian_runtime';
  END IF;
END $$;

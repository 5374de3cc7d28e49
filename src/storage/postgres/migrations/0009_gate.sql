-- The access gate (docs/storage.md, "The access gate"; issue 10), as SQLite's 0009_gate
-- says it: the filed domains this provider may serve (a view), the bureau's lists, and a
-- numbered change sequence written by triggers, so any writer moves the gates.

CREATE VIEW gate_filed AS
SELECT d.active_domain AS domain, w.number AS number, w.id AS website_id
FROM website_domains d
JOIN websites w ON w.id = d.website_id AND w.content_hash = d.content_hash
JOIN subjects s ON s.id = w.subject_id
JOIN filing_numbers n ON n.number = w.number AND n.website_id = w.id
WHERE d.active_domain IS NOT NULL AND w.cancelled = 0 AND s.cancelled = 0 AND
      n.cancelled_at IS NULL;

CREATE TABLE gate_list_entries (
  list TEXT NOT NULL CHECK (list IN ('blacklist', 'illegal_access', 'unfiled')),
  domain TEXT NOT NULL CONSTRAINT "gate.list-domain" CHECK (
    length(domain) BETWEEN 1 AND 253 AND domain ~ '^[a-z0-9-]+(\.[a-z0-9-]+)*$'),
  source TEXT NOT NULL,
  listed_at BIGINT NOT NULL,
  PRIMARY KEY (list, domain)
);
CREATE INDEX gate_list_entries_domain ON gate_list_entries (domain);

-- The change sequence. Numbers come from the one gate_head row, which a writer locks by
-- updating it and holds until it commits: so numbers are gapless (a rollback takes its
-- numbers back) and become visible in order, and a reader that has seen seq N never sees
-- a later commit bring a number below N. Rows are never changed; old rows may be pruned.
CREATE TABLE gate_head (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL CHECK (seq >= 0)
);
INSERT INTO gate_head (id, seq) VALUES (1, 0);
CREATE TABLE gate_changes (
  seq BIGINT PRIMARY KEY,
  domain TEXT NOT NULL
);

CREATE FUNCTION gate_head_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.id <> OLD.id OR NEW.seq < OLD.seq THEN
    RAISE EXCEPTION 'gate.head' USING CONSTRAINT = 'gate.head';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER gate_head_kept BEFORE INSERT OR UPDATE OR DELETE ON gate_head
  FOR EACH ROW EXECUTE FUNCTION gate_head_kept();
CREATE TRIGGER gate_head_no_truncate BEFORE TRUNCATE ON gate_head
  FOR EACH STATEMENT EXECUTE FUNCTION gate_head_kept();

CREATE FUNCTION gate_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'gate.changes-append-only' USING CONSTRAINT = 'gate.changes-append-only';
END $$;
CREATE TRIGGER gate_changes_append_only BEFORE UPDATE ON gate_changes
  FOR EACH ROW EXECUTE FUNCTION gate_changes_append_only();

-- Appends one change for `d`, numbered from the head.
CREATE FUNCTION gate_note(d TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  n BIGINT;
BEGIN
  UPDATE gate_head SET seq = seq + 1 WHERE id = 1 RETURNING seq INTO n;
  INSERT INTO gate_changes (seq, domain) VALUES (n, d);
END $$;

CREATE FUNCTION gate_note_website_domains() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM gate_note(NEW.domain);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM gate_note(OLD.domain);
  ELSE
    PERFORM gate_note(OLD.domain);
    IF NEW.domain IS DISTINCT FROM OLD.domain THEN PERFORM gate_note(NEW.domain); END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER gate_website_domains AFTER INSERT OR UPDATE OR DELETE ON website_domains
  FOR EACH ROW EXECUTE FUNCTION gate_note_website_domains();

CREATE FUNCTION gate_note_websites() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d TEXT;
BEGIN
  IF NEW.cancelled IS DISTINCT FROM OLD.cancelled OR NEW.number IS DISTINCT FROM OLD.number OR
     NEW.content_hash IS DISTINCT FROM OLD.content_hash OR
     NEW.subject_id IS DISTINCT FROM OLD.subject_id THEN
    FOR d IN SELECT domain FROM website_domains WHERE website_id = NEW.id ORDER BY domain LOOP
      PERFORM gate_note(d);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER gate_websites AFTER UPDATE ON websites
  FOR EACH ROW EXECUTE FUNCTION gate_note_websites();

CREATE FUNCTION gate_note_subjects() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d TEXT;
BEGIN
  IF NEW.cancelled IS DISTINCT FROM OLD.cancelled THEN
    FOR d IN SELECT wd.domain FROM website_domains wd JOIN websites w ON w.id = wd.website_id
             WHERE w.subject_id = NEW.id ORDER BY wd.domain LOOP
      PERFORM gate_note(d);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER gate_subjects AFTER UPDATE ON subjects
  FOR EACH ROW EXECUTE FUNCTION gate_note_subjects();

CREATE FUNCTION gate_note_filing_numbers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d TEXT;
BEGIN
  IF NEW.cancelled_at IS DISTINCT FROM OLD.cancelled_at AND NEW.website_id IS NOT NULL THEN
    FOR d IN SELECT domain FROM website_domains WHERE website_id = NEW.website_id
             ORDER BY domain LOOP
      PERFORM gate_note(d);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER gate_filing_numbers AFTER UPDATE ON filing_numbers
  FOR EACH ROW EXECUTE FUNCTION gate_note_filing_numbers();

CREATE FUNCTION gate_note_list_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM gate_note(NEW.domain);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM gate_note(OLD.domain);
  ELSE
    PERFORM gate_note(OLD.domain);
    IF NEW.domain IS DISTINCT FROM OLD.domain THEN PERFORM gate_note(NEW.domain); END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER gate_list_entries AFTER INSERT OR UPDATE OR DELETE ON gate_list_entries
  FOR EACH ROW EXECUTE FUNCTION gate_note_list_entries();
-- TRUNCATE skips row triggers: refused, as on every table whose rows are guarded.
CREATE TRIGGER gate_list_entries_no_truncate BEFORE TRUNCATE ON gate_list_entries
  FOR EACH STATEMENT EXECUTE FUNCTION gate_changes_append_only();

DO $$
DECLARE
  f TEXT;
BEGIN
  FOREACH f IN ARRAY ARRAY['gate_head_kept()', 'gate_changes_append_only()', 'gate_note(text)',
                           'gate_note_website_domains()', 'gate_note_websites()',
                           'gate_note_subjects()', 'gate_note_filing_numbers()',
                           'gate_note_list_entries()'] LOOP
    EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', f, current_schema());
  END LOOP;
END $$;

-- The runtime role (0002): reads the view; writes the lists; moves the head only through
-- the triggers' UPDATE; may prune old changes.
DO $$
DECLARE
  s TEXT := quote_ident(current_schema());
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'beian_runtime') THEN
    EXECUTE 'GRANT SELECT ON ' || s || '.gate_filed TO beian_runtime';
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ' || s || '.gate_list_entries TO beian_runtime';
    EXECUTE 'GRANT SELECT, UPDATE ON ' || s || '.gate_head TO beian_runtime';
    EXECUTE 'GRANT SELECT, INSERT, DELETE ON ' || s || '.gate_changes TO beian_runtime';
  END IF;
END $$;

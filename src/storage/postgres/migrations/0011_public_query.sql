-- The public query (GET /v1/public/records), as SQLite's 0011_public_query says it: a unit's
-- name in plain (NULL for a person, whose name stays sealed), indexed, written with the
-- document it comes from; subjects on record before this migration have it NULL until their
-- next write.
ALTER TABLE subjects ADD COLUMN unit_name TEXT CHECK (length(unit_name) BETWEEN 1 AND 256);
CREATE INDEX subjects_unit_name ON subjects (unit_name, id) WHERE unit_name IS NOT NULL;

-- The name follows the document: it changes only together with the content hash.
CREATE FUNCTION subjects_unit_name_follows_content() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.unit_name IS DISTINCT FROM OLD.unit_name AND
     NEW.content_hash IS NOT DISTINCT FROM OLD.content_hash AND OLD.unit_name IS NOT NULL THEN
    RAISE EXCEPTION 'subject.unit-name-follows-content'
      USING CONSTRAINT = 'subject.unit-name-follows-content';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER subjects_unit_name_follows_content BEFORE UPDATE OF unit_name ON subjects
  FOR EACH ROW EXECUTE FUNCTION subjects_unit_name_follows_content();

-- The public query (GET /v1/public/records, docs/api.md): a unit's name in plain, so the
-- query by unit name (单位名称) is an index lookup. A person's name is personal data and
-- stays only in the sealed body: unit_name is NULL for a person. The repositories write it
-- with the document it comes from; subjects on record before this migration have it NULL
-- until their next write (docs/console.md, "Not done yet").
ALTER TABLE subjects ADD COLUMN unit_name TEXT CHECK (length(unit_name) BETWEEN 1 AND 256);
CREATE INDEX subjects_unit_name ON subjects (unit_name, id) WHERE unit_name IS NOT NULL;

-- The name follows the document: it changes only together with the content hash (which
-- itself changes only through an application), so no writer can make a subject answer the
-- query for another unit's name.
CREATE TRIGGER subjects_unit_name_follows_content BEFORE UPDATE OF unit_name ON subjects
WHEN NEW.unit_name IS NOT OLD.unit_name AND NEW.content_hash IS OLD.content_hash AND
     OLD.unit_name IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'subject.unit-name-follows-content');
END;

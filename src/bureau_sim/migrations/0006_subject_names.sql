-- The public query by unit name (主办单位名称 containing a text, public_query.h) at national
-- scale (issue 12: 5 million subjects): a trigram index of subject names, so a condition of
-- three characters or more finds its candidates without reading every subject. SQLite's FTS5
-- with the trigram tokenizer answers `name LIKE '%text%'`: it finds candidates by trigram and
-- checks the pattern on each candidate's subjects.name (the content table), so the index can
-- only narrow, never widen.
-- It is written by Registry::InsertSubject and Registry::UpdateSubject (registry.cc), not by
-- triggers: the connections run with trusted_schema = OFF, under which a trigger may not
-- write a virtual table.
CREATE VIRTUAL TABLE subject_names USING fts5(
  name, content = 'subjects', content_rowid = 'ztid', tokenize = 'trigram');
INSERT INTO subject_names (subject_names) VALUES ('rebuild');

-- subjects_name (0002) served no query (a LIKE '%text%' cannot use a B-tree) and cost every
-- import a random index insert per subject.
DROP INDEX subjects_name;

-- Where a provider's account belongs, and what the bureau keeps of the operator uploads
-- (BUREAU-PROTOCOL.md §1.1, §4.7-§4.9, §5.4; docs/bureau-protocol.md, "Operator uploads").

-- A provider reports ICP data to its own province's system (§1.1). `province` is the GB/T 2260
-- code (XX0000) of the bureau that issued the account; `ministry` = 1 for an account of MIIT's
-- own system (部级系统, §1.3), which has no province and may not report ICP data (1045).
-- Accounts opened before this migration have neither: the stand-in knows no province for them
-- and checks none.
ALTER TABLE providers ADD COLUMN province INTEGER
  CHECK (province IS NULL OR (province BETWEEN 110000 AND 829999 AND province % 10000 = 0));
ALTER TABLE providers ADD COLUMN ministry INTEGER NOT NULL DEFAULT 0 CHECK (ministry IN (0, 1));

CREATE TRIGGER providers_ministry_has_no_province_insert
BEFORE INSERT ON providers
WHEN NEW.ministry = 1 AND NEW.province IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'bureau.provider.ministry_province');
END;
CREATE TRIGGER providers_ministry_has_no_province_update
BEFORE UPDATE OF ministry, province ON providers
WHEN NEW.ministry = 1 AND NEW.province IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'bureau.provider.ministry_province');
END;

-- XZHYD (§4.7): verification material for a filed record, as received (Fjnr base64). A
-- subject's material has no website.
CREATE TABLE verification_materials (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  isp_id INTEGER NOT NULL REFERENCES providers (isp_id),
  ztid INTEGER NOT NULL REFERENCES subjects (ztid),
  wzid INTEGER REFERENCES websites (wzid),
  purpose INTEGER NOT NULL,
  format INTEGER NOT NULL,
  content TEXT NOT NULL CHECK (length(content) > 0),
  remark TEXT,
  received_at INTEGER NOT NULL
) STRICT;

CREATE INDEX verification_materials_owner ON verification_materials (ztid, wzid);

CREATE TRIGGER verification_materials_never_change BEFORE UPDATE ON verification_materials
BEGIN
  SELECT RAISE(ABORT, 'bureau.material.immutable');
END;

-- HSRW (§5.4): a verification task, one per provider serving the website, answered once by
-- HSJG (§4.8): passed (Hsjg 0) or refused (1), with the verifier, date and opinion.
CREATE TABLE verification_tasks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  isp_id INTEGER NOT NULL REFERENCES providers (isp_id),
  wzid INTEGER NOT NULL REFERENCES websites (wzid),
  sent_at INTEGER NOT NULL,
  passed INTEGER CHECK (passed IN (0, 1)),
  verifier TEXT,
  verified_on TEXT,
  opinion TEXT,
  errors TEXT,
  answered_at INTEGER,
  CONSTRAINT verification_tasks_answer_whole CHECK (
    (passed IS NULL) = (answered_at IS NULL) AND (passed IS NULL) = (verifier IS NULL)
    AND (passed IS NULL) = (verified_on IS NULL) AND (passed IS NULL) = (opinion IS NULL))
) STRICT;

-- At most one open task per provider and website.
CREATE UNIQUE INDEX verification_tasks_open ON verification_tasks (isp_id, wzid)
  WHERE answered_at IS NULL;

-- An answer is given once; a task's provider and website never change.
CREATE TRIGGER verification_tasks_answer_final BEFORE UPDATE ON verification_tasks
WHEN OLD.answered_at IS NOT NULL OR NEW.isp_id <> OLD.isp_id OR NEW.wzid <> OLD.wzid
  OR NEW.sent_at <> OLD.sent_at
BEGIN
  SELECT RAISE(ABORT, 'bureau.verification.answered');
END;

-- WBACLJG (§4.9): each handling a provider reports for an unfiled site sent to it (Cljg from
-- the code table unfiled_site_state). A site is handled for that provider once a report says
-- access stopped (1) or filed since (2): it leaves that provider's next WBAWZLB, and a later
-- report is 5006.
CREATE TABLE unfiled_site_handling (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id INTEGER NOT NULL REFERENCES unfiled_sites (id),
  isp_id INTEGER NOT NULL REFERENCES providers (isp_id),
  result INTEGER NOT NULL CHECK (result BETWEEN 1 AND 999),
  handled INTEGER NOT NULL CHECK (handled IN (0, 1)),
  opinion TEXT NOT NULL,
  deadline TEXT NOT NULL,
  reported_at INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX unfiled_site_handled_once ON unfiled_site_handling (site_id, isp_id)
  WHERE handled = 1;

CREATE TRIGGER unfiled_site_handling_never_changes BEFORE UPDATE ON unfiled_site_handling
BEGIN
  SELECT RAISE(ABORT, 'bureau.unfiled.immutable');
END;

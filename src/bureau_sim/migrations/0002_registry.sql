-- The national registry the bureau keeps (docs/bureau-protocol.md, "icp-bureau"; BUREAU-PROTOCOL.md
-- §4, §5.1, §7.4): filed subjects and their websites, domains, accesses (which providers serve
-- a website) and IPs, the numbers issued per province and year, the filings waiting for a
-- decision, and the blacklists. Ids (Ztid, Wzid, Ymid, Jrid, Ipid) are AUTOINCREMENT: never
-- reused. Rows are never deleted: a cancelled subject, website or access stays, cancelled.

-- The last serial issued per province (GB/T 2260 code XX0000) and year: numbers are
-- <prefix>ICP备<year><serial, 6 digits>号 (FACTS.md §7.9). Serials only rise.
CREATE TABLE number_sequences (
  province INTEGER NOT NULL CHECK (province BETWEEN 110000 AND 829999 AND province % 10000 = 0),
  year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 9999),
  last_serial INTEGER NOT NULL CHECK (last_serial BETWEEN 1 AND 999999),
  PRIMARY KEY (province, year)
) STRICT;

CREATE TRIGGER number_sequences_only_rise BEFORE UPDATE ON number_sequences
WHEN NEW.last_serial <= OLD.last_serial OR NEW.province <> OLD.province OR NEW.year <> OLD.year
BEGIN
  SELECT RAISE(ABORT, 'bureau.number.reused');
END;
CREATE TRIGGER number_sequences_never_removed BEFORE DELETE ON number_sequences
BEGIN
  SELECT RAISE(ABORT, 'bureau.number.reused');
END;

-- A filed subject (主体). The filing password is kept only as a one-way hash of its MD5 hex
-- (what ICPmm carries, §4.3), so ICPmm and isp_verifybamm check against it and nobody reads
-- it; NULL until one is issued or recovered (imported records). isp_id / isp_subject_id: the
-- provider that filed it and its IspZtid (NULL for imported records).
CREATE TABLE subjects (
  ztid INTEGER PRIMARY KEY AUTOINCREMENT,
  number TEXT NOT NULL UNIQUE CHECK (number GLOB '*ICP备*号' AND length(number) <= 64),
  province INTEGER NOT NULL CHECK (province BETWEEN 110000 AND 829999 AND province % 10000 = 0),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  nature INTEGER CHECK (nature BETWEEN 1 AND 999),
  investor TEXT,
  address_province INTEGER,
  address_city INTEGER,
  address_county INTEGER,
  address_detail TEXT,
  certificate_type INTEGER NOT NULL CHECK (certificate_type BETWEEN 1 AND 999),
  certificate_number TEXT NOT NULL CHECK (length(certificate_number) BETWEEN 1 AND 255),
  certificate_address TEXT,
  leader_name TEXT,
  leader_office_phones TEXT,
  leader_mobiles TEXT,
  leader_emails TEXT,
  leader_msn TEXT,
  leader_qq TEXT,
  leader_certificate_type INTEGER,
  leader_certificate_number TEXT,
  remark TEXT,
  filed_by INTEGER NOT NULL DEFAULT 1 CHECK (filed_by IN (0, 1)),
  isp_id INTEGER,
  isp_subject_id INTEGER,
  password_hash TEXT,
  state TEXT NOT NULL DEFAULT 'filed' CHECK (state IN ('filed', 'cancelled')),
  filed_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  cancelled_at INTEGER,
  CONSTRAINT subjects_cancelled_has_time CHECK ((state = 'cancelled') = (cancelled_at IS NOT NULL))
) STRICT;

-- A subject is filed once nationally: one live subject per certificate.
CREATE UNIQUE INDEX subjects_live_certificate ON subjects (certificate_type, certificate_number)
  WHERE state = 'filed';
CREATE INDEX subjects_name ON subjects (name);

-- A website (网站) of a subject: number = the subject's number + '-' + idx.
CREATE TABLE websites (
  wzid INTEGER PRIMARY KEY AUTOINCREMENT,
  ztid INTEGER NOT NULL REFERENCES subjects (ztid),
  idx INTEGER NOT NULL CHECK (idx >= 1),
  number TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 512),
  home_url TEXT,
  remark TEXT,
  service_content TEXT NOT NULL DEFAULT '',  -- Fwnr ids, ';'-separated
  languages TEXT NOT NULL DEFAULT '',        -- Yylb ids, ';'-separated
  pre_approvals TEXT NOT NULL DEFAULT '',    -- one 'Nrlx_id<TAB>Qzsph' per line
  leader_name TEXT,
  leader_office_phones TEXT,
  leader_mobiles TEXT,
  leader_emails TEXT,
  leader_msn TEXT,
  leader_qq TEXT,
  leader_certificate_type INTEGER,
  leader_certificate_number TEXT,
  isp_id INTEGER,
  isp_website_id INTEGER,
  state TEXT NOT NULL DEFAULT 'filed' CHECK (state IN ('filed', 'cancelled')),
  filed_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  cancelled_at INTEGER,
  CONSTRAINT websites_cancelled_has_time CHECK ((state = 'cancelled') = (cancelled_at IS NOT NULL)),
  UNIQUE (ztid, idx)
) STRICT;

CREATE INDEX websites_subject ON websites (ztid);

-- A domain (域名) of a website. A live domain belongs to one website nationally.
CREATE TABLE domains (
  ymid INTEGER PRIMARY KEY AUTOINCREMENT,
  wzid INTEGER NOT NULL REFERENCES websites (wzid),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 4 AND 128 AND name = lower(name)),
  isp_domain_id INTEGER,
  live INTEGER NOT NULL DEFAULT 1 CHECK (live IN (0, 1)),
  removed_at INTEGER,
  CONSTRAINT domains_removed_has_time CHECK ((live = 0) = (removed_at IS NOT NULL))
) STRICT;

CREATE UNIQUE INDEX domains_live_name ON domains (name) WHERE live = 1;
CREATE INDEX domains_website ON domains (wzid);

-- An access (接入): provider isp_id serves website wzid. A website without a live access is
-- an empty shell (空壳). One live access per provider and website.
CREATE TABLE accesses (
  jrid INTEGER PRIMARY KEY AUTOINCREMENT,
  wzid INTEGER NOT NULL REFERENCES websites (wzid),
  isp_id INTEGER NOT NULL CHECK (isp_id > 0),
  isp_access_id INTEGER,
  locations TEXT NOT NULL DEFAULT '',  -- Fbdd ids, ';'-separated
  methods TEXT NOT NULL DEFAULT '',    -- Jrfs ids, ';'-separated
  live INTEGER NOT NULL DEFAULT 1 CHECK (live IN (0, 1)),
  created_at INTEGER NOT NULL,
  cancelled_at INTEGER,
  CONSTRAINT accesses_cancelled_has_time CHECK ((live = 0) = (cancelled_at IS NOT NULL))
) STRICT;

CREATE UNIQUE INDEX accesses_live_provider ON accesses (wzid, isp_id) WHERE live = 1;
CREATE INDEX accesses_of_provider ON accesses (isp_id, wzid) WHERE live = 1;

-- The IPv4 ranges of an access (Qsip..Zzip as unsigned 32-bit numbers).
CREATE TABLE ips (
  ipid INTEGER PRIMARY KEY AUTOINCREMENT,
  jrid INTEGER NOT NULL REFERENCES accesses (jrid),
  isp_ip_id INTEGER,
  first INTEGER NOT NULL CHECK (first BETWEEN 1 AND 4294967295),
  last INTEGER NOT NULL CHECK (last BETWEEN 1 AND 4294967295),
  CONSTRAINT ips_range CHECK (first <= last)
) STRICT;

CREATE INDEX ips_access ON ips (jrid);

-- Numbers and ids are never reused: nothing filed is deleted, a number never changes.
CREATE TRIGGER subjects_never_removed BEFORE DELETE ON subjects
BEGIN
  SELECT RAISE(ABORT, 'bureau.number.reused');
END;
CREATE TRIGGER websites_never_removed BEFORE DELETE ON websites
BEGIN
  SELECT RAISE(ABORT, 'bureau.number.reused');
END;
CREATE TRIGGER subjects_number_fixed BEFORE UPDATE OF number, province ON subjects
WHEN NEW.number <> OLD.number OR NEW.province <> OLD.province
BEGIN
  SELECT RAISE(ABORT, 'bureau.number.reused');
END;
CREATE TRIGGER websites_number_fixed BEFORE UPDATE OF number, idx, ztid ON websites
WHEN NEW.number <> OLD.number OR NEW.idx <> OLD.idx OR NEW.ztid <> OLD.ztid
BEGIN
  SELECT RAISE(ABORT, 'bureau.number.reused');
END;
CREATE TRIGGER domains_never_removed BEFORE DELETE ON domains
BEGIN
  SELECT RAISE(ABORT, 'bureau.domain.kept');
END;
CREATE TRIGGER accesses_never_removed BEFORE DELETE ON accesses
BEGIN
  SELECT RAISE(ABORT, 'bureau.access.kept');
END;

-- A website's number is its subject's number and its index; it joins a live subject only.
CREATE TRIGGER websites_number_of_subject BEFORE INSERT ON websites
WHEN NEW.number <> (SELECT number FROM subjects WHERE ztid = NEW.ztid) || '-' || NEW.idx
BEGIN
  SELECT RAISE(ABORT, 'bureau.website.number');
END;
CREATE TRIGGER websites_of_live_subject BEFORE INSERT ON websites
WHEN (SELECT state FROM subjects WHERE ztid = NEW.ztid) IS NOT 'filed'
BEGIN
  SELECT RAISE(ABORT, 'bureau.subject.cancelled');
END;
CREATE TRIGGER domains_of_live_website BEFORE INSERT ON domains
WHEN NEW.live = 1 AND (SELECT state FROM websites WHERE wzid = NEW.wzid) IS NOT 'filed'
BEGIN
  SELECT RAISE(ABORT, 'bureau.website.cancelled');
END;
CREATE TRIGGER accesses_of_live_website BEFORE INSERT ON accesses
WHEN NEW.live = 1 AND (SELECT state FROM websites WHERE wzid = NEW.wzid) IS NOT 'filed'
BEGIN
  SELECT RAISE(ABORT, 'bureau.website.cancelled');
END;

-- Cancelled stays cancelled; a removed domain or a cancelled access is not revived.
CREATE TRIGGER subjects_cancel_final BEFORE UPDATE ON subjects
WHEN OLD.state = 'cancelled'
BEGIN
  SELECT RAISE(ABORT, 'bureau.cancel.final');
END;
CREATE TRIGGER websites_cancel_final BEFORE UPDATE ON websites
WHEN OLD.state = 'cancelled'
BEGIN
  SELECT RAISE(ABORT, 'bureau.cancel.final');
END;
CREATE TRIGGER domains_removal_final BEFORE UPDATE ON domains
WHEN OLD.live = 0 OR NEW.name <> OLD.name OR NEW.wzid <> OLD.wzid
BEGIN
  SELECT RAISE(ABORT, 'bureau.cancel.final');
END;
CREATE TRIGGER accesses_cancel_final BEFORE UPDATE ON accesses
WHEN OLD.live = 0 OR NEW.wzid <> OLD.wzid OR NEW.isp_id <> OLD.isp_id
BEGIN
  SELECT RAISE(ABORT, 'bureau.cancel.final');
END;

-- Cancelling a subject cancels its websites; cancelling a website removes its domains and
-- ends its accesses (the domains may be filed again, §4.8).
CREATE TRIGGER subjects_cancel_websites AFTER UPDATE OF state ON subjects
WHEN NEW.state = 'cancelled'
BEGIN
  UPDATE websites SET state = 'cancelled', cancelled_at = NEW.cancelled_at
    WHERE ztid = NEW.ztid AND state = 'filed';
END;
CREATE TRIGGER websites_cancel_parts AFTER UPDATE OF state ON websites
WHEN NEW.state = 'cancelled'
BEGIN
  UPDATE domains SET live = 0, removed_at = NEW.cancelled_at WHERE wzid = NEW.wzid AND live = 1;
  UPDATE accesses SET live = 0, cancelled_at = NEW.cancelled_at WHERE wzid = NEW.wzid AND live = 1;
END;

-- A filing waiting for the bureau: one per record of an accepted upload, the record kept as
-- a file of its own (UploadData holding that record only). Its life:
--   intake -> sms_pending | review | returned;  sms_pending -> review | returned;
--   review -> approved | returned.  A decided filing (approved, returned) is never re-decided.
-- decision: a reviewer's (or the automatic mode's) verdict on a filing in review, recorded
-- once and then applied by the pipeline; reasons: JSON [{jgdm, path?, text}].
CREATE TABLE filings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  isp_id INTEGER NOT NULL,
  data_sequence INTEGER NOT NULL,
  position INTEGER NOT NULL CHECK (position >= 0),
  operation INTEGER NOT NULL CHECK (operation BETWEEN 1 AND 7),
  record_key TEXT,
  record TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'intake'
    CHECK (state IN ('intake', 'sms_pending', 'review', 'approved', 'returned')),
  decision TEXT CHECK (decision IN ('approve', 'return')),
  reasons TEXT NOT NULL DEFAULT '[]',
  reviewer TEXT,
  due_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  decided_at INTEGER,
  CONSTRAINT filings_decided_has_time
    CHECK ((state IN ('approved', 'returned')) = (decided_at IS NOT NULL)),
  CONSTRAINT filings_decision_in_review CHECK (decision IS NULL OR state <> 'intake'),
  UNIQUE (isp_id, data_sequence, position),
  FOREIGN KEY (isp_id, data_sequence) REFERENCES uploads (isp_id, data_sequence)
) STRICT;

CREATE INDEX filings_by_state ON filings (state, id);

CREATE TRIGGER filings_decided_final BEFORE UPDATE ON filings
WHEN OLD.state IN ('approved', 'returned')
BEGIN
  SELECT RAISE(ABORT, 'bureau.filing.decided');
END;
CREATE TRIGGER filings_move_forward BEFORE UPDATE OF state ON filings
WHEN NEW.state <> OLD.state AND OLD.state NOT IN ('approved', 'returned') AND NOT (
  (OLD.state = 'intake' AND NEW.state IN ('sms_pending', 'review', 'returned')) OR
  (OLD.state = 'sms_pending' AND NEW.state IN ('review', 'returned')) OR
  (OLD.state = 'review' AND NEW.state IN ('approved', 'returned')))
BEGIN
  SELECT RAISE(ABORT, 'bureau.filing.transition');
END;
CREATE TRIGGER filings_decision_once BEFORE UPDATE OF decision ON filings
WHEN OLD.decision IS NOT NULL AND NEW.decision IS NOT OLD.decision
BEGIN
  SELECT RAISE(ABORT, 'bureau.filing.decided');
END;
CREATE TRIGGER filings_never_removed BEFORE DELETE ON filings
BEGIN
  SELECT RAISE(ABORT, 'bureau.filing.decided');
END;

-- The blacklists (HMDLB, §5.2): domains and subjects (by certificate) that may not be filed.
CREATE TABLE blacklisted_domains (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 4 AND 128 AND name = lower(name)),
  reason TEXT,
  added_at INTEGER NOT NULL
) STRICT;

CREATE TABLE blacklisted_subjects (
  certificate_type INTEGER NOT NULL,
  certificate_number TEXT NOT NULL,
  name TEXT,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (certificate_type, certificate_number)
) STRICT;

-- Unfiled sites found on providers' networks (WBAWZLB, §5.2).
CREATE TABLE unfiled_sites (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  domain TEXT NOT NULL CHECK (length(domain) BETWEEN 4 AND 128),
  ip INTEGER NOT NULL CHECK (ip BETWEEN 0 AND 4294967295),
  isp_id INTEGER,
  detected_at INTEGER NOT NULL
) STRICT;

-- Wrong filing passwords given to isp_verifybamm, per filing number: more than five in a
-- day answer msg_code 22.
CREATE TABLE password_failures (
  number TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;

CREATE INDEX password_failures_number ON password_failures (number, at);

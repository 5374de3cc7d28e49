-- The access gate (docs/storage.md, "The access gate"; issue 10): what this provider may
-- serve, the bureau's lists it must refuse, and a numbered change sequence that every
-- icpd's in-memory gate index follows. The sequence is written by triggers, so any writer
-- (Beian's repositories, an import, a hand-written UPDATE) moves the gates.

-- A domain this provider may serve: a domain of the current document of an active website
-- whose website number is issued to it and not cancelled, under an active subject. A
-- website on record here is accessed here; an approved 取消接入 cancels the record here
-- (the number stays at the bureau), and so its domains leave this view.
CREATE VIEW gate_filed AS
SELECT d.active_domain AS domain, w.number AS number, w.id AS website_id
FROM website_domains d
JOIN websites w ON w.id = d.website_id AND w.content_hash = d.content_hash
JOIN subjects s ON s.id = w.subject_id
JOIN filing_numbers n ON n.number = w.number AND n.website_id = w.id
WHERE d.active_domain IS NOT NULL AND w.cancelled = 0 AND s.cancelled = 0 AND
      n.cancelled_at IS NULL;

-- The bureau's lists: HMDLB's blacklisted websites (blacklist), FFJRHMD (illegal_access),
-- WBAWZLB (unfiled). An entry covers the domain and its subdomains. Domains are stored in
-- A-label form, lower case, without a trailing dot, so the gate compares bytes.
CREATE TABLE gate_list_entries (
  list TEXT NOT NULL CHECK (list IN ('blacklist', 'illegal_access', 'unfiled')),
  domain TEXT NOT NULL CONSTRAINT "gate.list-domain" CHECK (
    length(domain) BETWEEN 1 AND 253 AND domain NOT GLOB '*[^a-z0-9.-]*' AND
    domain NOT GLOB '.*' AND domain NOT GLOB '*.' AND domain NOT GLOB '*..*'),
  source TEXT NOT NULL,
  listed_at INTEGER NOT NULL,
  PRIMARY KEY (list, domain)
) STRICT;
CREATE INDEX gate_list_entries_domain ON gate_list_entries (domain);

-- The change sequence: one row per domain whose answer a write may have changed. seq is
-- gapless and in commit order (SQLite has one writer; a rolled-back write takes its
-- numbers back with it). Rows are never changed; old rows may be pruned (DELETE), and a
-- reader that finds a gap after its position rebuilds from the full listing.
CREATE TABLE gate_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  domain TEXT NOT NULL
) STRICT;
CREATE TRIGGER gate_changes_append_only BEFORE UPDATE ON gate_changes
BEGIN SELECT RAISE(ABORT, 'gate.changes-append-only'); END;

-- What can change a domain's answer, each noted by a trigger:
-- a domain added to, removed from or closed on a website (a change filing, an import, a
-- cancellation freeing its domains);
CREATE TRIGGER gate_website_domains_insert AFTER INSERT ON website_domains
BEGIN INSERT INTO gate_changes (domain) VALUES (NEW.domain); END;
CREATE TRIGGER gate_website_domains_update AFTER UPDATE ON website_domains
BEGIN
  INSERT INTO gate_changes (domain) VALUES (OLD.domain);
  INSERT INTO gate_changes (domain) SELECT NEW.domain WHERE NEW.domain IS NOT OLD.domain;
END;
CREATE TRIGGER gate_website_domains_delete AFTER DELETE ON website_domains
BEGIN INSERT INTO gate_changes (domain) VALUES (OLD.domain); END;
-- a website approved (its number set), changed, cancelled or its access cancelled here;
CREATE TRIGGER gate_websites_update AFTER UPDATE ON websites
WHEN NEW.cancelled IS NOT OLD.cancelled OR NEW.number IS NOT OLD.number OR
     NEW.content_hash IS NOT OLD.content_hash OR NEW.subject_id IS NOT OLD.subject_id
BEGIN
  INSERT INTO gate_changes (domain)
  SELECT domain FROM website_domains WHERE website_id = NEW.id ORDER BY domain;
END;
-- a subject cancelled (or restored by a raw writer);
CREATE TRIGGER gate_subjects_update AFTER UPDATE ON subjects
WHEN NEW.cancelled IS NOT OLD.cancelled
BEGIN
  INSERT INTO gate_changes (domain)
  SELECT d.domain FROM website_domains d JOIN websites w ON w.id = d.website_id
  WHERE w.subject_id = NEW.id ORDER BY d.domain;
END;
-- a website number cancelled;
CREATE TRIGGER gate_filing_numbers_update AFTER UPDATE ON filing_numbers
WHEN NEW.cancelled_at IS NOT OLD.cancelled_at AND NEW.website_id IS NOT NULL
BEGIN
  INSERT INTO gate_changes (domain)
  SELECT domain FROM website_domains WHERE website_id = NEW.website_id ORDER BY domain;
END;
-- an entry of the bureau's lists added, changed or removed.
CREATE TRIGGER gate_list_entries_insert AFTER INSERT ON gate_list_entries
BEGIN INSERT INTO gate_changes (domain) VALUES (NEW.domain); END;
CREATE TRIGGER gate_list_entries_update AFTER UPDATE ON gate_list_entries
BEGIN
  INSERT INTO gate_changes (domain) VALUES (OLD.domain);
  INSERT INTO gate_changes (domain) SELECT NEW.domain WHERE NEW.domain IS NOT OLD.domain;
END;
CREATE TRIGGER gate_list_entries_delete AFTER DELETE ON gate_list_entries
BEGIN INSERT INTO gate_changes (domain) VALUES (OLD.domain); END;

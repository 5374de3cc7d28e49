"""A hostile writer: raw SQL against a copy of Beian's schema, as the runtime role.

Shared by hostile_writer_sqlite.py and hostile_writer_postgres.py. Each engine gets the
same story: a little data on record, set up by raw INSERTs that respect every guard (a
writer with the runtime role's rights may write valid rows), then every bypass that
docs/storage.md says the schema refuses, each tried in its own transaction and rolled
back. A bypass that the database accepts is a failure; so is a setup row it refuses (the
test would prove nothing). Exit status 0 when every attack was refused.
"""

ZERO = "0" * 64
H1 = "a" * 64  # audit hashes: any 64 characters; the chain's key is outside the database
H2 = "b" * 64

# Rows on record. Certificate hashes are opaque text to the database.
SETUP = [
    "INSERT INTO accounts (id, login, role, display_name, password_hash, created_at) "
    "VALUES (1, 'c1', 'customer', 'c1', 'x', 0), (2, 'c2', 'customer', 'c2', 'x', 0), "
    "(3, 'c3', 'customer', 'c3', 'x', 0)",
    # Subject 1 (identity cert-1) whose certificate a change filing replaced by cert-1b;
    # subject 3 active with cert-3.
    "INSERT INTO subjects (id, account_id, identity_key, certificate_hash, "
    "active_certificate_hash, province, body, content_hash, number, cancelled, changed_by, "
    "revision) VALUES (1, 1, 'cert-1', 'cert-1b', 'cert-1b', '51', 'sealed', 'content-1', NULL, "
    "0, NULL, 1), (3, 3, 'cert-3', 'cert-3', 'cert-3', '11', 'sealed', 'content-3', NULL, 0, "
    "NULL, 1)",
    "INSERT INTO websites (id, subject_id, body, content_hash, number, cancelled, changed_by, "
    "revision) VALUES (1, 1, 'sealed', 'wcontent-1', NULL, 0, NULL, 1)",
    "INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
    "VALUES ('蜀ICP备2021000001号', 1, NULL, 0, 100), "
    "('蜀ICP备2021000002号', 1, NULL, 0, NULL), "
    "('蜀ICP备2021000002号-1', 1, 1, 0, NULL), "
    "('京ICP备2021000003号', 3, NULL, 0, NULL)",
    "UPDATE subjects SET number = '蜀ICP备2021000002号' WHERE id = 1",
    "UPDATE websites SET number = '蜀ICP备2021000002号-1' WHERE id = 1",
    # Application 1: a change filing of subject 1, open (account 1). Application 2: an
    # access filing of subject 1, approved (account 2).
    "INSERT INTO applications (id, account_id, subject_id, type, state, province, subject_key, "
    "open_subject_key, open_account, body, entered_at, missed_calls, next_call_at, "
    "deadline_kind, deadline_due, deadline_provisional, deadline_on_expiry, reminded, "
    "history_length, revision, created_at, updated_at) VALUES "
    "(1, 1, 1, 'change_subject', 'provider_review', '51', 'cert-1', 'cert-1', 1, 'sealed', 0, "
    "0, NULL, NULL, NULL, 0, NULL, '', 1, 1, 0, 0), "
    "(2, 2, 1, 'new_access', 'approved', '51', 'cert-1', NULL, NULL, 'sealed', 0, 0, NULL, "
    "NULL, NULL, 0, NULL, '', 0, 1, 0, 0)",
    "INSERT INTO application_transitions (application_id, seq, from_state, event, to_state, at) "
    "VALUES (1, 1, 'draft', 'submit', 'provider_review', 0)",
    "INSERT INTO application_domains (application_id, domain, field, open_domain) "
    "VALUES (1, 'example.cn', 'websites[0].domains[0]', 'example.cn')",
    "INSERT INTO authorization_codes (code, server_id, ip, state, generated_by) "
    "VALUES ('CODE-USED', 'ins-1', '1.2.3.4', 'used', 'c1')",
    f"INSERT INTO audit_log (seq, at, actor, action, entity, details, prev_hash, hash) "
    f"VALUES (1, 0, 'a', 'x', 'e', '{{}}', '{ZERO}', '{H1}')",
    f"UPDATE audit_head SET seq = 1, hash = '{H1}' WHERE id = 1",
]

APPLICATION_COLUMNS = (
    "INSERT INTO applications (account_id, subject_id, type, state, province, subject_key, "
    "open_subject_key, open_account, body, entered_at, missed_calls, next_call_at, "
    "deadline_kind, deadline_due, deadline_provisional, deadline_on_expiry, reminded, "
    "history_length, revision, created_at, updated_at) VALUES ")

# (what the attacker tries, statements); every one must be refused.
ATTACKS_COMMON = [
    ("un-cancel a number", ["UPDATE filing_numbers SET cancelled_at = NULL "
                            "WHERE number = '蜀ICP备2021000001号'"]),
    ("bring a cancelled number back under its legacy alias 川",
     ["INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
      "VALUES ('川ICP备2021000001号', 1, NULL, 0, NULL)"]),
    ("issue a legacy-alias number 甘",
     ["INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
      "VALUES ('甘ICP备2021000009号', 3, NULL, 0, NULL)"]),
    ("delete a number", ["DELETE FROM filing_numbers WHERE number = '蜀ICP备2021000001号'"]),
    ("move a number to another subject",
     ["UPDATE filing_numbers SET subject_id = 3 WHERE number = '蜀ICP备2021000002号'"]),
    ("give a subject a number never issued",
     ["UPDATE subjects SET number = '京ICP备2099999999号' WHERE id = 3"]),
    ("give a subject another subject's number",
     ["UPDATE subjects SET number = '蜀ICP备2021000002号' WHERE id = 3"]),
    ("give a subject its website's number",
     ["UPDATE subjects SET number = '蜀ICP备2021000002号-1' WHERE id = 1"]),
    ("give a website a number never issued",
     ["UPDATE websites SET number = '蜀ICP备2021000002号-9' WHERE id = 1"]),
    ("delete a used authorization code",
     ["DELETE FROM authorization_codes WHERE code = 'CODE-USED'"]),
    ("make a used code unused",
     ["UPDATE authorization_codes SET state = 'unused' WHERE code = 'CODE-USED'"]),
    ("point a used code at another server",
     ["UPDATE authorization_codes SET server_id = 'ins-2' WHERE code = 'CODE-USED'"]),
    ("change subject data without an application",
     ["UPDATE subjects SET content_hash = 'forged', changed_by = NULL WHERE id = 1"]),
    ("change subject data keeping changed_by as it is",
     ["UPDATE subjects SET content_hash = 'forged' WHERE id = 1"]),
    ("change subject data under an access filing",
     ["UPDATE subjects SET content_hash = 'forged', changed_by = 2 WHERE id = 1"]),
    ("change website data under an access filing",
     ["UPDATE websites SET content_hash = 'forged', changed_by = 2 WHERE id = 1"]),
    ("change subject data naming an application that does not exist",
     ["UPDATE subjects SET content_hash = 'forged', changed_by = 999 WHERE id = 1"]),
    ("delete a subject on record", ["DELETE FROM subjects WHERE id = 3"]),
    ("delete a website on record", ["DELETE FROM websites WHERE id = 1"]),
    ("delete an application", ["DELETE FROM applications WHERE id = 2"]),
    ("change a subject's identity", ["UPDATE subjects SET identity_key = 'x' WHERE id = 1"]),
    ("renumber a subject", ["UPDATE subjects SET id = 99 WHERE id = 3"]),
    ("a second active subject with one certificate",
     ["UPDATE subjects SET certificate_hash = 'cert-3', active_certificate_hash = 'cert-3' "
      "WHERE id = 1"]),
    ("a second open application for a subject (new website during a change)",
     [APPLICATION_COLUMNS + "(3, 1, 'new_website', 'draft', '51', 'cert-1', 'cert-1', 3, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0)"]),
    ("an open application about no subject naming the subject's old certificate",
     [APPLICATION_COLUMNS + "(3, NULL, 'first_filing', 'draft', '51', 'cert-1', 'cert-1', 3, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0)"]),
    ("an open application about no subject naming an active subject's certificate",
     [APPLICATION_COLUMNS + "(2, NULL, 'first_filing', 'draft', '51', 'cert-1b', 'cert-1b', 2, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0)"]),
    ("an application keyed on a subject other than the one it names",
     [APPLICATION_COLUMNS + "(3, 1, 'new_website', 'draft', '51', 'cert-9', 'cert-9', 3, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0)"]),
    ("a second open application in one account",
     [APPLICATION_COLUMNS + "(1, 3, 'new_website', 'draft', '11', 'cert-3', 'cert-3', 1, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0)"]),
    ("an open application that does not hold its account's slot",
     [APPLICATION_COLUMNS + "(3, 3, 'new_website', 'draft', '11', 'cert-3', 'cert-3', NULL, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0)"]),
    ("free a subject's slot while the application stays open",
     ["UPDATE applications SET open_subject_key = NULL WHERE id = 1"]),
    ("re-key an open application away from its subject",
     ["UPDATE applications SET subject_key = 'cert-9', open_subject_key = 'cert-9' "
      "WHERE id = 1"]),
    ("reopen a terminal application's domain",
     ["INSERT INTO application_domains (application_id, domain, field, open_domain) "
      "VALUES (2, 'other.cn', 'websites[0].domains[0]', 'other.cn')"]),
    ("rewrite a move", ["UPDATE application_transitions SET at = 5 WHERE application_id = 1"]),
    ("delete a move", ["DELETE FROM application_transitions WHERE application_id = 1"]),
    ("skip a move number",
     ["INSERT INTO application_transitions (application_id, seq, from_state, event, to_state, "
      "at) VALUES (1, 3, 'provider_review', 'pass', 'verification', 0)"]),
    ("an audit entry that skips a number",
     [f"INSERT INTO audit_log (seq, at, actor, action, entity, details, prev_hash, hash) "
      f"VALUES (3, 0, 'a', 'x', 'e', '{{}}', '{H1}', '{H2}')"]),
    ("an audit entry that does not link to the head",
     [f"INSERT INTO audit_log (seq, at, actor, action, entity, details, prev_hash, hash) "
      f"VALUES (2, 0, 'a', 'x', 'e', '{{}}', '{ZERO}', '{H2}')"]),
    ("rewrite an audit entry", ["UPDATE audit_log SET details = 'forged' WHERE seq = 1"]),
    ("delete an audit entry", ["DELETE FROM audit_log WHERE seq = 1"]),
    ("move the audit head back", [f"UPDATE audit_head SET seq = 0, hash = '{ZERO}'"]),
    ("delete the audit head", ["DELETE FROM audit_head"]),
    ("store text in an integer column",
     ["UPDATE applications SET missed_calls = 'many' WHERE id = 1"]),
    ("store text as a time", ["UPDATE filing_numbers SET issued_at = 'yesterday' "
                              "WHERE number = '京ICP备2021000003号'"]),
]


class Report:
    def __init__(self, engine):
        self.engine = engine
        self.failures = []
        self.refused = 0

    def setup_failed(self, statement, error):
        self.failures.append(f"setup refused (the test proves nothing): {statement[:90]}… "
                             f"-> {error}")

    def accepted(self, name):
        self.failures.append(f"ACCEPTED: {name}")

    def refused_one(self, name, error):
        self.refused += 1
        print(f"  refused: {name}: {error}")

    def finish(self):
        for f in self.failures:
            print(f"{self.engine}: {f}")
        total = self.refused + len([f for f in self.failures if f.startswith("ACCEPTED")])
        print(f"{self.engine}: {self.refused} of {total} attacks refused")
        return 0 if not self.failures and self.refused > 0 else 1

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
TOKEN1 = "1" * 64  # keyed hashes of session tokens, API keys and throttle keys
TOKEN2 = "2" * 64
TOKEN3 = "3" * 64
CSRF = "c" * 43

# Rows on record. Certificate hashes are opaque text to the database.
EVIDENCE = "e" * 64  # a blob name
TRANSFER_COLUMNS = (
    "INSERT INTO transfers (id, subject_id, from_account, to_account, reason, state, created_at, "
    "objection_until, decided_by, decided_at, decision_reason, revision) VALUES ")
# A new transfer, its id left to the table (PostgreSQL's ids are GENERATED ALWAYS).
NEW_TRANSFER = (
    "INSERT INTO transfers (subject_id, from_account, to_account, reason, state, created_at, "
    "objection_until, decided_by, decided_at, decision_reason, revision) VALUES ")
EVIDENCE_COLUMNS = (
    "INSERT INTO transfer_evidence (transfer_id, position, kind, file_name, sha256, "
    "content_type, size) VALUES ")
LAST_TRANSFER = "(SELECT max(id) FROM transfers)"

NOTIFICATION_COLUMNS = (
    "INSERT INTO notifications (id, account_id, idempotency_key, template, application_id, "
    "title, body, created_at, read_at) VALUES ")

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
    "INSERT INTO website_domains (website_id, domain, active_domain, content_hash) "
    "VALUES (1, 'site.cn', 'site.cn', 'wcontent-1')",
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
    "history_length, revision, created_at, updated_at, content_hash) VALUES "
    "(1, 1, 1, 'change_subject', 'provider_review', '51', 'cert-1', 'cert-1', 1, 'sealed', 0, "
    "0, NULL, NULL, NULL, 0, NULL, '', 1, 1, 0, 0, 'acontent-1'), "
    "(2, 2, 1, 'new_access', 'approved', '51', 'cert-1', NULL, NULL, 'sealed', 0, 0, NULL, "
    "NULL, NULL, 0, NULL, '', 0, 1, 0, 0, 'acontent-2')",
    "INSERT INTO application_transitions (application_id, seq, from_state, event, to_state, at) "
    "VALUES (1, 1, 'draft', 'submit', 'provider_review', 0)",
    "INSERT INTO application_domains (application_id, domain, field, open_domain, content_hash) "
    "VALUES (1, 'example.cn', 'websites[0].domains[0]', 'example.cn', 'acontent-1')",
    "INSERT INTO outbox (topic, idempotency_key, payload, available_at, delivered_at) "
    "VALUES ('notify', 'delivered-1', '{}', 0, 5)",
    "INSERT INTO inbox (idempotency_key, received_at) VALUES ('delivered-1', 5)",
    "INSERT INTO authorization_codes (code, server_id, ip, state, generated_by, closed_by, "
    "closed_at) VALUES ('CODE-USED', 'ins-1', '1.2.3.4', 'used', 'c1', 'c2', 5)",
    # A reviewer's return reason on application 1 (issue 9) and a kept idempotent answer.
    "INSERT INTO review_notes (id, application_id, round, kind, field, rule, message, "
    "suggestion, outcome, author_id, at) VALUES (1, 1, 1, 'return_reason', 'subject.name', '', "
    "'名称与证件不符', '按证件填写', '', 3, 5)",
    "INSERT INTO idempotency_keys (account_id, key, request_hash, state, status, response, "
    f"created_at) VALUES (1, 'k1', '{'a' * 64}', 'done', 201, '{{}}', 5)",
    # Verification 1 of application 1, reviewed (failed) by account 3.
    "INSERT INTO verifications (id, application_id, method, evidence, state, reason, "
    "submitted_by, submitted_at, reviewed_by, reviewed_at) VALUES "
    "(1, 1, 'app_code', '8M3K', 'failed', 'blurred', 1, 0, 3, 5)",
    f"INSERT INTO audit_log (seq, at, actor, action, entity, details, prev_hash, hash) "
    f"VALUES (1, 0, 'a', 'x', 'e', '{{}}', '{ZERO}', '{H1}')",
    f"UPDATE audit_head SET seq = 1, hash = '{H1}' WHERE id = 1",
    # Session 1 revoked, session 2 live; API key 1 revoked, key 2 live (issue 9).
    f"INSERT INTO sessions (id, token_hash, account_id, csrf_token, created_at, last_seen_at, "
    f"expires_at, revoked_at) VALUES (1, '{TOKEN1}', 1, '{CSRF}', 0, 10, 100, 20), "
    f"(2, '{TOKEN2}', 1, '{CSRF}', 0, 10, 100, NULL)",
    f"INSERT INTO api_keys (id, account_id, name, prefix, secret_hash, created_at, last_used_at, "
    f"revoked_at) VALUES (1, 1, 'old', 'icpk_old00000', '{TOKEN1}', 0, NULL, 30), "
    f"(2, 1, 'live', 'icpk_live0000', '{TOKEN2}', 0, 5, NULL)",
    f"INSERT INTO login_throttle (key_hash, failures, last_failure_at, next_allowed_at) "
    f"VALUES ('{TOKEN1}', 6, 50, 90)",
    # Transfers (备案转移, issue 9): admin 4; transfer 1 moved subject 3 from account 3 to 2
    # (approved, with its letter and identity document); transfer 2 asks it for account 1,
    # pending, its window open until 400.
    "INSERT INTO accounts (id, login, role, display_name, password_hash, created_at) "
    "VALUES (4, 'admin', 'admin', 'admin', 'x', 0)",
    TRANSFER_COLUMNS + "(1, 3, 3, 2, '原账号无法登录', 'pending', 0, 100, NULL, NULL, '', 1)",
    EVIDENCE_COLUMNS + f"(1, 0, 'transfer_letter', 'l.pdf', '{EVIDENCE}', 'application/pdf', 9), "
    f"(1, 1, 'identity_document', 'id.png', '{EVIDENCE}', 'image/png', 9)",
    "UPDATE transfers SET state = 'approved', decided_by = 4, decided_at = 200, "
    "decision_reason = 'ok', revision = 2 WHERE id = 1",
    "UPDATE subjects SET account_id = 2, transferred_by = 1 WHERE id = 3",
    TRANSFER_COLUMNS + "(2, 3, 2, 1, '原账号无法登录', 'pending', 300, 400, NULL, NULL, '', 1)",
    EVIDENCE_COLUMNS + f"(2, 0, 'transfer_letter', 'l.pdf', '{EVIDENCE}', 'application/pdf', 9), "
    f"(2, 1, 'identity_document', 'id.png', '{EVIDENCE}', 'image/png', 9)",
    # Notifications (站内消息, migration 0012): 1 about application 1, read at 10; 2 unread.
    NOTIFICATION_COLUMNS + "(1, 1, 'n-1', 'application.returned', 1, '备案申请 1 初审未通过', "
    "'请修改后重新提交。', 5, 10), (2, 1, 'n-2', 'transfer.moved', NULL, '备案主体已转入', "
    "'主体已转入您的账号。', 5, NULL)",
]

APPLICATION_COLUMNS = (
    "INSERT INTO applications (account_id, subject_id, type, state, province, subject_key, "
    "open_subject_key, open_account, body, entered_at, missed_calls, next_call_at, "
    "deadline_kind, deadline_due, deadline_provisional, deadline_on_expiry, reminded, "
    "history_length, revision, created_at, updated_at, content_hash) VALUES ")

# (what the attacker tries, statements, the guards that may refuse it); every attack must be
# refused, and by one of its guards (the engine's error names the constraint or the rule a
# trigger raised; on PostgreSQL a privilege the runtime role lacks also counts).
ATTACKS_COMMON = [
    ("un-cancel a number", ["UPDATE filing_numbers SET cancelled_at = NULL "
                            "WHERE number = '蜀ICP备2021000001号'"], ["filing-number.issued-once"]),
    ("bring a cancelled number back under its legacy alias 川",
     ["INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
      "VALUES ('川ICP备2021000001号', 1, NULL, 0, NULL)"], ["filing_numbers_canonical"]),
    ("bring a cancelled number back with a trailing space",
     ["INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
      "VALUES ('蜀ICP备2021000001号 ', 1, NULL, 0, NULL)"], ["filing_numbers_canonical"]),
    ("bring a cancelled number back in full-width digits",
     ["INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
      "VALUES ('蜀ICP备２０２１000001号', 1, NULL, 0, NULL)"], ["filing_numbers_canonical"]),
    ("issue a legacy-alias number 甘",
     ["INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
      "VALUES ('甘ICP备2021000009号', 3, NULL, 0, NULL)"], ["filing_numbers_canonical"]),
    ("delete a number", ["DELETE FROM filing_numbers WHERE number = '蜀ICP备2021000001号'"],
     ["filing-number.kept-forever", "permission denied"]),
    ("move a number to another subject",
     ["UPDATE filing_numbers SET subject_id = 3 WHERE number = '蜀ICP备2021000002号'"],
     ["filing-number.issued-once"]),
    ("issue a number to a subject that does not exist",
     ["INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
      "VALUES ('京ICP备2021000099号', 999, NULL, 0, NULL)"], ["foreign-key", "foreign key"]),
    ("issue a website number for another subject's website",
     ["INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
      "VALUES ('京ICP备2021000003号-1', 3, 1, 0, NULL)"], ["foreign-key", "foreign key"]),
    ("give a subject a number never issued",
     ["UPDATE subjects SET number = '京ICP备2099999999号' WHERE id = 3"], ["subjects.number"]),
    ("give a subject another subject's number",
     ["UPDATE subjects SET number = '蜀ICP备2021000002号' WHERE id = 3"], ["subjects.number"]),
    ("give a subject its website's number",
     ["UPDATE subjects SET number = '蜀ICP备2021000002号-1' WHERE id = 1"], ["subjects.number"]),
    ("give an active subject its cancelled number",
     ["UPDATE subjects SET number = '蜀ICP备2021000001号' WHERE id = 1"], ["subjects.number"]),
    ("give a website a number never issued",
     ["UPDATE websites SET number = '蜀ICP备2021000002号-9' WHERE id = 1"], ["websites.number"]),
    ("move a website to another subject",
     ["UPDATE websites SET subject_id = 3 WHERE id = 1"], ["record.identity-fixed"]),
    ("a website of a subject that does not exist",
     ["INSERT INTO websites (subject_id, body, content_hash, number, cancelled, changed_by, "
      "revision) VALUES (999, 'sealed', 'w', NULL, 0, NULL, 1)"], ["foreign-key", "foreign key"]),
    ("delete a used authorization code",
     ["DELETE FROM authorization_codes WHERE code = 'CODE-USED'"],
     ["auth-code.kept", "permission denied"]),
    ("make a used code unused",
     ["UPDATE authorization_codes SET state = 'unused' WHERE code = 'CODE-USED'"],
     ["auth-code.used"]),
    ("point a used code at another server",
     ["UPDATE authorization_codes SET server_id = 'ins-2' WHERE code = 'CODE-USED'"],
     ["auth-code.kept"]),
    ("hand a used code to another redeemer",
     ["UPDATE authorization_codes SET closed_by = 'c3' WHERE code = 'CODE-USED'"],
     ["auth-code.closed"]),
    ("insert a used code that names no redeemer",
     ["INSERT INTO authorization_codes (code, server_id, ip, state, generated_by) "
      "VALUES ('CODE-X', 'ins-1', '1.2.3.4', 'used', 'c1')"],
     ["auth-code.closed"]),
    ("rewrite what a reviewer told the customer",
     ["UPDATE review_notes SET message = '无问题' WHERE id = 1"],
     ["review-note.append-only", "permission denied"]),
    ("delete a review note",
     ["DELETE FROM review_notes WHERE id = 1"],
     ["review-note.append-only", "permission denied"]),
    ("a return reason on no field",
     ["INSERT INTO review_notes (application_id, round, kind, field, rule, message, suggestion, "
      "outcome, author_id, at) VALUES (1, 1, 'return_reason', '', '', 'x', '', '', 3, 6)"],
     ["review_notes_return_reason_on_a_field"]),
    ("a pass that names no reviewer",
     ["INSERT INTO review_notes (application_id, round, kind, field, rule, message, suggestion, "
      "outcome, author_id, at) VALUES (1, 1, 'pass', '', '', '', '', '', NULL, 6)"],
     ["review_notes_reviewer_acts"]),
    ("a contact attempt without its outcome",
     ["INSERT INTO review_notes (application_id, round, kind, field, rule, message, suggestion, "
      "outcome, author_id, at) VALUES (1, 1, 'contact', '', '', '', '', '', 3, 6)"],
     ["review_notes_contact_outcome"]),
    ("change the answer a retried request gets",
     ["UPDATE idempotency_keys SET response = '{\"forged\":1}' WHERE key = 'k1'"],
     ["idempotency.final"]),
    ("move a kept answer to another request",
     [f"UPDATE idempotency_keys SET request_hash = '{'b' * 64}' WHERE key = 'k1'"],
     ["idempotency.final"]),
    ("turn a failed verification into a pass",
     ["UPDATE verifications SET state = 'passed', reason = '' WHERE id = 1"],
     ["verification.reviewed"]),
    ("delete a verification",
     ["DELETE FROM verifications WHERE id = 1"],
     ["verification.kept", "permission denied"]),
    ("change subject data without an application",
     ["UPDATE subjects SET content_hash = 'forged', changed_by = NULL WHERE id = 1"],
     ["record.change-needs-application"]),
    ("change subject data keeping changed_by as it is",
     ["UPDATE subjects SET content_hash = 'forged' WHERE id = 1"],
     ["record.change-needs-application"]),
    ("change subject data under an access filing",
     ["UPDATE subjects SET content_hash = 'forged', changed_by = 2 WHERE id = 1"],
     ["access-filing.changes-no-data"]),
    ("change website data under an access filing",
     ["UPDATE websites SET content_hash = 'forged', changed_by = 2 WHERE id = 1"],
     ["access-filing.changes-no-data"]),
    ("change subject data naming an application that does not exist",
     ["UPDATE subjects SET content_hash = 'forged', changed_by = 999 WHERE id = 1"],
     ["record.change-needs-application", "foreign key"]),
    ("change a subject's data naming another subject's application",
     ["UPDATE subjects SET content_hash = 'forged', changed_by = 1 WHERE id = 3"],
     ["record.change-needs-application"]),
    ("free a subject's certificate without an application",
     ["UPDATE subjects SET certificate_hash = 'cert-zz', active_certificate_hash = 'cert-zz' "
      "WHERE id = 3"], ["record.change-needs-application"]),
    ("cancel a subject without an application",
     ["UPDATE subjects SET cancelled = 1, active_certificate_hash = NULL WHERE id = 3"],
     ["record.change-needs-application"]),
    ("delete a subject on record", ["DELETE FROM subjects WHERE id = 3"],
     ["record.kept", "permission denied"]),
    ("delete a website on record", ["DELETE FROM websites WHERE id = 1"],
     ["record.kept", "permission denied"]),
    ("delete an application", ["DELETE FROM applications WHERE id = 2"],
     ["record.kept", "permission denied"]),
    ("change a subject's identity", ["UPDATE subjects SET identity_key = 'x' WHERE id = 1"],
     ["record.identity-fixed"]),
    ("renumber a subject", ["UPDATE subjects SET id = 99 WHERE id = 3"],
     ["record.identity-fixed", "identity column"]),
    ("a second active subject with one certificate",
     ["UPDATE subjects SET certificate_hash = 'cert-3', active_certificate_hash = 'cert-3', "
      "changed_by = 1, content_hash = 'c2' WHERE id = 1"],
     ["subjects.active_certificate_hash"]),
    ("a second open application for a subject (new website during a change)",
     [APPLICATION_COLUMNS + "(3, 1, 'new_website', 'draft', '51', 'cert-1', 'cert-1', 3, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0, 'c')"],
     ["applications.open_subject_key"]),
    ("an open application about no subject naming the subject's old certificate",
     [APPLICATION_COLUMNS + "(3, NULL, 'first_filing', 'draft', '51', 'cert-1', 'cert-1', 3, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0, 'c')"],
     ["application.subject-on-record"]),
    ("an open application about no subject naming an active subject's certificate",
     [APPLICATION_COLUMNS + "(2, NULL, 'first_filing', 'draft', '51', 'cert-1b', 'cert-1b', 2, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0, 'c')"],
     ["application.subject-on-record"]),
    ("a change filing that names no subject, to escape the subject's slot",
     [APPLICATION_COLUMNS + "(2, NULL, 'change_subject', 'draft', '51', 'cert-q', 'cert-q', 2, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0, 'c')"],
     ["applications_type_names_subject"]),
    ("an application keyed on a subject other than the one it names",
     [APPLICATION_COLUMNS + "(3, 1, 'new_website', 'draft', '51', 'cert-9', 'cert-9', 3, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0, 'c')"],
     ["applications.subject_key"]),
    ("a second open application in one account",
     [APPLICATION_COLUMNS + "(1, 3, 'new_website', 'draft', '11', 'cert-3', 'cert-3', 1, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0, 'c')"],
     ["applications.open_account"]),
    ("an open application that does not hold its account's slot",
     [APPLICATION_COLUMNS + "(3, 3, 'new_website', 'draft', '11', 'cert-3', 'cert-3', NULL, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0, 'c')"],
     ["applications_open_account_while_open"]),
    ("an application of an account that does not exist",
     [APPLICATION_COLUMNS + "(999, NULL, 'first_filing', 'draft', '11', 'cert-n', 'cert-n', 999, "
      "'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0, 'c')"],
     ["foreign-key", "foreign key"]),
    ("free a subject's slot while the application stays open",
     ["UPDATE applications SET open_subject_key = NULL WHERE id = 1"],
     ["applications_open_while_not_terminal", "applications_open_account_while_open"]),
    ("re-key an open application away from its subject",
     ["UPDATE applications SET subject_key = 'cert-9', open_subject_key = 'cert-9' "
      "WHERE id = 1"], ["applications.subject_key"]),
    ("reopen a terminal application's domain",
     ["INSERT INTO application_domains (application_id, domain, field, open_domain, "
      "content_hash) VALUES (2, 'other.cn', 'websites[0].domains[0]', 'other.cn', 'acontent-2')"],
     ["application_domains.document"]),
    ("free an open application's domain",
     ["UPDATE application_domains SET open_domain = NULL WHERE application_id = 1"],
     ["application_domains.document"]),
    ("delete an open application's domain",
     ["DELETE FROM application_domains WHERE application_id = 1"],
     ["application_domains.document"]),
    ("free an active website's domain",
     ["UPDATE website_domains SET active_domain = NULL WHERE website_id = 1"],
     ["website_domains.document"]),
    ("delete an active website's domain",
     ["DELETE FROM website_domains WHERE website_id = 1"], ["website_domains.document"]),
    ("index a domain for a document the website does not have",
     ["INSERT INTO website_domains (website_id, domain, active_domain, content_hash) "
      "VALUES (1, 'extra.cn', 'extra.cn', 'forged')"], ["website_domains.document"]),
    ("rewrite a move", ["UPDATE application_transitions SET at = 5 WHERE application_id = 1"],
     ["application.history-append-only", "permission denied"]),
    ("delete a move", ["DELETE FROM application_transitions WHERE application_id = 1"],
     ["application.history-append-only", "permission denied"]),
    ("skip a move number",
     ["INSERT INTO application_transitions (application_id, seq, from_state, event, to_state, "
      "at) VALUES (1, 3, 'provider_review', 'pass', 'verification', 0)"],
     ["application.history-append-only"]),
    ("pre-write the history of an application that does not exist",
     ["INSERT INTO application_transitions (application_id, seq, from_state, event, to_state, "
      "at) VALUES (999, 1, 'draft', 'submit', 'provider_review', 0)"],
     ["application.history-append-only", "foreign key"]),
    ("an audit entry that skips a number",
     [f"INSERT INTO audit_log (seq, at, actor, action, entity, details, prev_hash, hash) "
      f"VALUES (3, 0, 'a', 'x', 'e', '{{}}', '{H1}', '{H2}')"], ["audit.chain"]),
    ("an audit entry that does not link to the head",
     [f"INSERT INTO audit_log (seq, at, actor, action, entity, details, prev_hash, hash) "
      f"VALUES (2, 0, 'a', 'x', 'e', '{{}}', '{ZERO}', '{H2}')"], ["audit.chain"]),
    ("rewrite an audit entry", ["UPDATE audit_log SET details = 'forged' WHERE seq = 1"],
     ["audit.append-only", "permission denied"]),
    ("delete an audit entry", ["DELETE FROM audit_log WHERE seq = 1"],
     ["audit.append-only", "permission denied"]),
    ("move the audit head back", [f"UPDATE audit_head SET seq = 0, hash = '{ZERO}'"],
     ["audit.head"]),
    ("delete the audit head", ["DELETE FROM audit_head"], ["audit.head", "permission denied"]),
    ("delete a delivered message", ["DELETE FROM outbox WHERE idempotency_key = 'delivered-1'"],
     ["outbox.kept", "permission denied"]),
    ("send a delivered message again",
     ["UPDATE outbox SET delivered_at = NULL WHERE idempotency_key = 'delivered-1'"],
     ["outbox.delivered-final"]),
    ("forget an accepted message key", ["DELETE FROM inbox"],
     ["inbox.kept", "permission denied"]),
    ("store text in an integer column",
     ["UPDATE applications SET missed_calls = 'many' WHERE id = 1"],
     ["cannot store TEXT", "invalid input syntax"]),
    ("un-revoke a session", ["UPDATE sessions SET revoked_at = NULL WHERE id = 1"],
     ["session.revoked"]),
    ("stretch a revoked session's life", ["UPDATE sessions SET expires_at = 9999 WHERE id = 1"],
     ["session.revoked"]),
    ("move a live session to another account",
     ["UPDATE sessions SET account_id = 2 WHERE id = 2"], ["session.fixed"]),
    ("swap a live session's token for a known one",
     [f"UPDATE sessions SET token_hash = '{TOKEN3}' WHERE id = 2"], ["session.fixed"]),
    ("a second session with a taken token",
     [f"INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, "
      f"expires_at) VALUES ('{TOKEN2}', 2, '{CSRF}', 0, 0, 100)"], ["sessions.token_hash"]),
    ("a session that expires before it starts",
     [f"INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, "
      f"expires_at) VALUES ('{TOKEN3}', 2, '{CSRF}', 100, 100, 50)"], ["sessions_times"]),
    ("a session without a real CSRF token",
     [f"INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, "
      f"expires_at) VALUES ('{TOKEN3}', 2, 'x', 0, 0, 100)"], ["sessions_csrf_form"]),
    ("a session keyed by the token itself instead of its hash",
     [f"INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, "
      f"expires_at) VALUES ('plain-token', 2, '{CSRF}', 0, 0, 100)"],
     ["sessions_token_hash_form"]),
    ("un-revoke an API key", ["UPDATE api_keys SET revoked_at = NULL WHERE id = 1"],
     ["api-key.revoked"]),
    ("give a live API key to another account", ["UPDATE api_keys SET account_id = 2 WHERE id = 2"],
     ["api-key.fixed"]),
    ("swap a live API key's secret", [f"UPDATE api_keys SET secret_hash = '{TOKEN3}' WHERE id = 2"],
     ["api-key.fixed"]),
    ("a second API key with a taken secret",
     [f"INSERT INTO api_keys (account_id, name, prefix, secret_hash, created_at) "
      f"VALUES (2, 'dup', 'icpk_dup00000', '{TOKEN2}', 0)"], ["api_keys.secret_hash"]),
    ("a second API key with a taken prefix",
     [f"INSERT INTO api_keys (account_id, name, prefix, secret_hash, created_at) "
      f"VALUES (2, 'dup', 'icpk_live0000', '{TOKEN3}', 0)"],
     ["api_keys.prefix", "api_keys.secret_hash"]),
    ("an API key used before it was made",
     ["UPDATE api_keys SET last_used_at = -1 WHERE id = 2"], ["api_keys_times"]),
    ("an account disabled before it was created",
     ["UPDATE accounts SET disabled_at = -5 WHERE id = 1"], ["accounts_disabled_after_created"]),
    ("a negative failure count to buy more sign-in attempts",
     [f"UPDATE login_throttle SET failures = -100 WHERE key_hash = '{TOKEN1}'"],
     ["login_throttle_failures"]),
    ("store text as a time", ["UPDATE filing_numbers SET issued_at = 'yesterday' "
                              "WHERE number = '京ICP备2021000003号'"],
     ["cannot store TEXT", "invalid input syntax"]),
    # Transfers (备案转移): a subject changes account only through the latest approved
    # transfer of it; a transfer is born pending, decided once, by the right party.
    ("move a subject to another account without a transfer",
     ["UPDATE subjects SET account_id = 1 WHERE id = 3"], ["transfer.moves-subject"]),
    ("move a subject back citing the transfer that moved it",
     ["UPDATE subjects SET account_id = 3 WHERE id = 3"], ["transfer.moves-subject"]),
    ("move a subject naming a pending transfer",
     ["UPDATE subjects SET account_id = 1, transferred_by = 2 WHERE id = 3"],
     ["transfer.moves-subject"]),
    ("move a subject while an application about it is open",
     [NEW_TRANSFER + "(1, 1, 2, 'x', 'pending', 0, 0, NULL, NULL, '', 1)",
      EVIDENCE_COLUMNS + f"({LAST_TRANSFER}, 0, 'transfer_letter', 'l.pdf', '{EVIDENCE}', "
      "'application/pdf', 9)",
      EVIDENCE_COLUMNS + f"({LAST_TRANSFER}, 1, 'identity_document', 'i.png', '{EVIDENCE}', "
      "'image/png', 9)",
      "UPDATE transfers SET state = 'approved', decided_by = 4, decided_at = 10, "
      f"decision_reason = 'ok', revision = 2 WHERE id = {LAST_TRANSFER}",
      f"UPDATE subjects SET account_id = 2, transferred_by = {LAST_TRANSFER} WHERE id = 1"],
     ["transfer.open-application"]),
    ("decide a decided transfer again",
     ["UPDATE transfers SET state = 'rejected', decision_reason = 'no' WHERE id = 1"],
     ["transfer.decided"]),
    ("reopen a decided transfer",
     ["UPDATE transfers SET state = 'pending', decided_by = NULL, decided_at = NULL, "
      "decision_reason = '', revision = 1 WHERE id = 1"], ["transfer.decided"]),
    ("delete a transfer", ["DELETE FROM transfers WHERE id = 2"],
     ["transfer.kept", "permission denied"]),
    ("a second pending transfer for a subject",
     [NEW_TRANSFER + "(3, 2, 1, 'x', 'pending', 300, 400, NULL, NULL, '', 1)"],
     ["transfers.subject_id"]),
    ("a transfer born approved",
     [NEW_TRANSFER + "(1, 1, 2, 'x', 'approved', 0, 0, 4, 10, 'ok', 2)"],
     ["transfer.born-pending"]),
    ("a transfer asked from an account the subject is not under",
     [NEW_TRANSFER + "(1, 2, 3, 'x', 'pending', 0, 0, NULL, NULL, '', 1)"],
     ["transfer.from-owner"]),
    ("a customer approves a transfer",
     ["UPDATE transfers SET state = 'approved', decided_by = 1, decided_at = 500, "
      "decision_reason = 'ok', revision = 2 WHERE id = 2"], ["transfer.admin-decides"]),
    ("approve before the old account's window closed",
     ["UPDATE transfers SET state = 'approved', decided_by = 4, decided_at = 350, "
      "decision_reason = 'ok', revision = 2 WHERE id = 2"], ["transfers_approved_after_window"]),
    ("approve without the evidence",
     [NEW_TRANSFER + "(1, 1, 2, 'x', 'pending', 0, 0, NULL, NULL, '', 1)",
      "UPDATE transfers SET state = 'approved', decided_by = 4, decided_at = 10, "
      f"decision_reason = 'ok', revision = 2 WHERE id = {LAST_TRANSFER}"],
     ["transfer.evidence-missing"]),
    ("reject without a reason",
     ["UPDATE transfers SET state = 'rejected', decided_by = 4, decided_at = 350, "
      "decision_reason = '', revision = 2 WHERE id = 2"], ["transfers_decision_says_why"]),
    ("withdraw another's request",
     ["UPDATE transfers SET state = 'withdrawn', decided_by = 3, decided_at = 350, "
      "revision = 2 WHERE id = 2"], ["transfers_withdrawn_by_requester"]),
    ("object after the window",
     ["UPDATE transfers SET state = 'objected', decided_by = 2, decided_at = 999, "
      "decision_reason = 'no', revision = 2 WHERE id = 2"], ["transfers_objected_by_old_account"]),
    ("rewrite who asked", ["UPDATE transfers SET to_account = 3 WHERE id = 2"], ["transfer.kept"]),
    ("add evidence to a decided transfer",
     [EVIDENCE_COLUMNS + f"(1, 5, 'subject_certificate', 'c.png', '{EVIDENCE}', 'image/png', 9)"],
     ["transfer.evidence-kept"]),
    ("swap a file of the evidence",
     [f"UPDATE transfer_evidence SET sha256 = '{'f' * 64}' WHERE transfer_id = 2"],
     ["transfer.evidence-kept", "permission denied"]),
    ("delete the evidence", ["DELETE FROM transfer_evidence WHERE transfer_id = 2"],
     ["transfer.evidence-kept", "permission denied"]),
    ("mark a read notification unread",
     ["UPDATE notifications SET read_at = NULL WHERE id = 1"], ["notification.read-once"]),
    ("move when a notification was read",
     ["UPDATE notifications SET read_at = 50 WHERE id = 1"], ["notification.read-once"]),
    ("read a notification before it was written",
     ["UPDATE notifications SET read_at = 1 WHERE id = 2"], ["notifications_read_after_created"]),
    ("rewrite a notification's text",
     ["UPDATE notifications SET body = '备案已通过' WHERE id = 2"], ["notification.kept"]),
    ("hand a notification to another account",
     ["UPDATE notifications SET account_id = 2 WHERE id = 2"], ["notification.kept"]),
    ("delete a notification", ["DELETE FROM notifications WHERE id = 2"],
     ["notification.kept", "permission denied"]),
    ("a notification about another account's application",
     ["INSERT INTO notifications (account_id, idempotency_key, template, application_id, title, "
      "body, created_at) VALUES (2, 'n-9', 'application.approved', 1, 't', 'b', 5)"],
     ["notification.owner"]),
    ("a second notification under one outbox key",
     ["INSERT INTO notifications (account_id, idempotency_key, template, title, body, "
      "created_at) VALUES (1, 'n-2', 'application.approved', 't', 'b', 5)"],
     ["notifications.idempotency_key"]),
    ("a notification without a title",
     ["INSERT INTO notifications (account_id, idempotency_key, template, title, body, "
      "created_at) VALUES (1, 'n-8', 'application.approved', '', 'b', 5)"],
     ["notifications_title"]),
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

    def refused_one(self, name, error, guards):
        if not any(g in error for g in guards):
            self.failures.append(f"refused, but not by its guard ({' or '.join(guards)}): "
                                 f"{name}: {error}")
            return
        self.refused += 1
        print(f"  refused: {name}: {error}")

    def finish(self):
        for f in self.failures:
            print(f"{self.engine}: {f}")
        total = self.refused + len([f for f in self.failures if not f.startswith("setup")])
        print(f"{self.engine}: {self.refused} of {total} attacks refused")
        return 0 if not self.failures and self.refused > 0 else 1

#!/usr/bin/python3
"""Attacks a fresh copy of Beian's SQLite schema with raw SQL; every attempt must be refused.

usage: hostile_writer_sqlite.py ICPCTL

The schema is made by `icpctl db migrate`. The attacker connects with Python's sqlite3 and
SQLite's defaults (foreign keys OFF, recursive triggers OFF), as anyone with the file would:
what holds must hold by the schema alone (STRICT tables, CHECKs, unique keys, triggers).
"""
import os
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile_writer as hw  # noqa: E402

SQLITE_ONLY = [
    ("INSERT OR REPLACE a review note (skips its DELETE trigger)",
     ["INSERT OR REPLACE INTO review_notes (id, application_id, round, kind, field, rule, "
      "message, suggestion, outcome, author_id, at) VALUES (1, 1, 1, 'return_reason', "
      "'subject.name', '', '无问题', '', '', 3, 5)"],
     ["review-note.append-only"]),
    ("INSERT OR REPLACE a revoked session by a live one (skips UPDATE triggers)",
     [f"INSERT OR REPLACE INTO sessions (id, token_hash, account_id, csrf_token, created_at, "
      f"last_seen_at, expires_at, revoked_at) VALUES (1, '{hw.TOKEN1}', 1, '{hw.CSRF}', 0, 0, "
      f"9999, NULL)"], ["sessions.token_hash"]),
    ("REPLACE a revoked API key by a live one",
     [f"REPLACE INTO api_keys (id, account_id, name, prefix, secret_hash, created_at) "
      f"VALUES (1, 1, 'old', 'icpk_old00000', '{hw.TOKEN1}', 0)"], ["api_keys.secret_hash"]),
    ("INSERT OR REPLACE to un-cancel a number (skips DELETE triggers)",
     ["INSERT OR REPLACE INTO filing_numbers (number, subject_id, website_id, issued_at, "
      "cancelled_at) VALUES ('蜀ICP备2021000001号', 1, NULL, 0, NULL)"], ["filing_numbers.number"]),
    ("REPLACE a used authorization code by an unused one",
     ["REPLACE INTO authorization_codes (code, server_id, ip, state, generated_by) "
      "VALUES ('CODE-USED', 'ins-1', '1.2.3.4', 'unused', 'c1')"], ["authorization_codes.code"]),
    ("INSERT OR REPLACE an audit entry",
     [f"INSERT OR REPLACE INTO audit_log (seq, at, actor, action, entity, details, prev_hash, "
      f"hash) VALUES (1, 0, 'a', 'x', 'e', 'forged', '{hw.ZERO}', '{hw.H2}')"], ["audit.chain"]),
    ("INSERT OR REPLACE the audit head",
     [f"INSERT OR REPLACE INTO audit_head (id, seq, hash) VALUES (1, 0, '{hw.ZERO}')"],
     ["audit.head"]),
    ("INSERT OR REPLACE a move",
     ["INSERT OR REPLACE INTO application_transitions (application_id, seq, from_state, event, "
      "to_state, at) VALUES (1, 1, 'draft', 'submit', 'provider_review', 5)"],
     ["application.history-append-only"]),
    ("INSERT OR REPLACE a subject on record",
     ["INSERT OR REPLACE INTO subjects (id, account_id, identity_key, certificate_hash, "
      "active_certificate_hash, province, body, content_hash, number, cancelled, changed_by, "
      "revision) VALUES (3, 3, 'cert-x', 'cert-x', 'cert-x', '11', 'forged', 'forged', NULL, 0, "
      "NULL, 1)"], ["record.kept"]),
    ("INSERT OR REPLACE an application",
     [hw.APPLICATION_COLUMNS.replace("INSERT", "INSERT OR REPLACE").replace(
         "(account_id", "(id, account_id") +
      "(2, 2, 1, 'new_access', 'withdrawn', '51', 'cert-1', NULL, NULL, 'forged', 0, 0, NULL, "
      "NULL, NULL, 0, NULL, '', 0, 1, 0, 0, 'c')"], ["record.kept"]),
    ("INSERT OR REPLACE a subject whose certificate collides with an active one",
     ["INSERT OR REPLACE INTO subjects (account_id, identity_key, certificate_hash, "
      "active_certificate_hash, province, body, content_hash, number, cancelled, changed_by, "
      "revision) VALUES (2, 'cert-3', 'cert-3', 'cert-3', '11', 'forged', 'forged', NULL, 0, "
      "NULL, 1)"], ["subjects.active_certificate_hash"]),
    ("UPDATE OR REPLACE a subject onto another's certificate (deletes the other)",
     ["UPDATE OR REPLACE subjects SET certificate_hash = 'cert-3', "
      "active_certificate_hash = 'cert-3', content_hash = 'c2', changed_by = 1 WHERE id = 1"],
     ["subjects.active_certificate_hash"]),
    ("UPDATE OR REPLACE an application onto another's subject slot",
     ["UPDATE OR REPLACE applications SET subject_key = 'cert-1', "
      "open_subject_key = 'cert-1', state = 'draft', open_account = 2 WHERE id = 2"],
     ["applications.open_subject_key"]),
    ("UPDATE OR REPLACE a number onto another",
     ["UPDATE OR REPLACE filing_numbers SET number = '蜀ICP备2021000001号' "
      "WHERE number = '京ICP备2021000003号'"], ["filing-number.issued-once"]),
    ("INSERT OR REPLACE to steal another website's domain",
     ["INSERT OR REPLACE INTO website_domains (website_id, domain, active_domain, content_hash) "
      "VALUES (1, 'site.cn', NULL, 'wcontent-1')"], ["website_domains.kept"]),
    ("INSERT OR REPLACE to free an open application's domain",
     ["INSERT OR REPLACE INTO application_domains (application_id, domain, field, open_domain, "
      "content_hash) VALUES (1, 'example.cn', 'f', NULL, 'acontent-1')"],
     ["application_domains.kept"]),
    ("INSERT OR REPLACE a delivered message as pending",
     ["INSERT OR REPLACE INTO outbox (topic, idempotency_key, payload, available_at) "
      "VALUES ('notify', 'delivered-1', '{}', 0)"], ["outbox.idempotency_key"]),
    ("INSERT OR REPLACE an accepted message key",
     ["INSERT OR REPLACE INTO inbox (idempotency_key, received_at) VALUES ('delivered-1', 9)"],
     ["inbox.idempotency_key"]),
    ("INSERT OR REPLACE a second pending transfer (deletes the pending one)",
     [hw.NEW_TRANSFER.replace("INSERT", "INSERT OR REPLACE") +
      "(3, 2, 1, 'x', 'pending', 300, 400, NULL, NULL, '', 1)"], ["transfers.subject_id"]),
    ("INSERT OR REPLACE a decided transfer as pending",
     [hw.TRANSFER_COLUMNS.replace("INSERT", "INSERT OR REPLACE") +
      "(1, 1, 1, 2, 'x', 'pending', 0, 100, NULL, NULL, '', 1)"], ["transfer.kept"]),
    ("INSERT OR REPLACE a file of the evidence",
     [hw.EVIDENCE_COLUMNS.replace("INSERT", "INSERT OR REPLACE") +
      f"(2, 0, 'transfer_letter', 'forged.pdf', '{'f' * 64}', 'application/pdf', 9)"],
     ["transfer.evidence-kept"]),
    ("INSERT OR REPLACE a read notification as unread",
     [hw.NOTIFICATION_COLUMNS.replace("INSERT", "INSERT OR REPLACE") +
      "(1, 1, 'n-1', 'application.returned', 1, 't', 'b', 5, NULL)"],
     ["notifications.idempotency_key"]),
    ("a notification for no account (foreign keys off)",
     ["INSERT INTO notifications (account_id, idempotency_key, template, title, body, "
      "created_at) VALUES (77, 'n-7', 'application.approved', 't', 'b', 5)"],
     ["notification.owner"]),
]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    icpctl = sys.argv[1]
    report = hw.Report("sqlite")
    with tempfile.TemporaryDirectory() as tmp:
        migrated = subprocess.run([icpctl, "db", "migrate", "--data-dir", tmp],
                                  capture_output=True, text=True)
        if migrated.returncode != 0:
            print("icpctl db migrate failed:", migrated.stdout, migrated.stderr)
            return 1
        db = sqlite3.connect(os.path.join(tmp, "icp.db"), isolation_level=None)
        fk = db.execute("PRAGMA foreign_keys").fetchone()[0]
        print(f"sqlite: attacking with foreign_keys={fk} (SQLite's default)")
        db.execute("BEGIN")
        for statement in hw.SETUP:
            try:
                db.execute(statement)
            except sqlite3.DatabaseError as e:
                report.setup_failed(statement, e)
        db.execute("COMMIT")
        for name, statements, guards in hw.ATTACKS_COMMON + SQLITE_ONLY:
            db.execute("BEGIN")
            try:
                for statement in statements:
                    db.execute(statement)
            except sqlite3.DatabaseError as e:
                report.refused_one(name, str(e), guards)
            else:
                report.accepted(name)
            db.execute("ROLLBACK")
        db.close()
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())

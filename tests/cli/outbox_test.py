#!/usr/bin/python3
"""End-to-end test of `icpctl outbox list|retry` on a SQLite store (docs/storage.md).

The rows are written here with Python's sqlite3, as a dispatcher would have left them; the
retries must pass the audit chain check afterwards. Usage: outbox_test.py ICPCTL
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

ICPCTL = sys.argv[1]
failures = []


def run(*args, data_dir):
    p = subprocess.run([ICPCTL, *args, "--data-dir", data_dir], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def expect(code, pattern, *args, data_dir):
    got, out, err = run(*args, data_dir=data_dir)
    if got != code or pattern not in out + err:
        failures.append(f"icpctl {' '.join(args)} -> {got} (want {code}, '{pattern}'):\n{out}{err}")
    return out


with tempfile.TemporaryDirectory() as data:
    expect(0, "schema at version", "db", "migrate", data_dir=data)
    db = sqlite3.connect(os.path.join(data, "icp.db"))
    db.executescript("""
      INSERT INTO outbox (topic, idempotency_key, payload, available_at, attempts, dead_at,
                          last_error)
        VALUES ('bureau.submit', 'application:1:submit:1', '{}', 0, 10, 1795000000, 'HTTP 503');
      INSERT INTO outbox (topic, idempotency_key, payload, available_at, attempts, delivered_at)
        VALUES ('notify.sms', 'application:2:notify:1', '{}', 0, 1, 1795000000);
      INSERT INTO outbox (topic, idempotency_key, payload, available_at, attempts, lease_owner,
                          lease_until)
        VALUES ('bureau.submit', 'application:3:submit:1', '{}', 0, 1, 'icpd-h-7-0000abcd',
                1795000060);
    """)
    db.commit()
    db.close()

    out = expect(0, "outbox: 1 pending, 1 dead, 1 delivered", "outbox", "list", data_dir=data)
    for want in ("1  dead  bureau.submit  application:1:submit:1  attempts 10",
                 "last error: HTTP 503",
                 "leased to icpd-h-7-0000abcd until 2026-11-18T11:07:40Z"):
        if want not in out:
            failures.append(f"outbox list lacks '{want}':\n{out}")
    if "application:2" in out:
        failures.append(f"outbox list shows a delivered message:\n{out}")

    out = expect(0, "", "outbox", "list", "--dead", "--json", data_dir=data)
    listed = json.loads(out)
    if [m["id"] for m in listed["messages"]] != [1] or listed["dead"] != 1:
        failures.append(f"outbox list --dead --json: {out}")

    expect(2, "ID must be a message number", "outbox", "retry", "one", data_dir=data)
    expect(2, "one message ID or --all-dead", "outbox", "retry", data_dir=data)
    expect(1, "[outbox.not-dead]", "outbox", "retry", "3", data_dir=data)
    expect(1, "no outbox message 99", "outbox", "retry", "99", data_dir=data)
    expect(0, "outbox message 1 will be sent again", "outbox", "retry", "1", data_dir=data)
    expect(1, "[outbox.not-dead]", "outbox", "retry", "1", data_dir=data)
    expect(0, "0 dead letters will be sent again", "outbox", "retry", "--all-dead",
           data_dir=data)
    expect(0, "outbox: 2 pending, 0 dead, 1 delivered", "outbox", "list", data_dir=data)

    db = sqlite3.connect(os.path.join(data, "icp.db"))
    row = db.execute("SELECT attempts, dead_at, last_error FROM outbox WHERE id = 1").fetchone()
    audit = db.execute("SELECT actor, action, entity FROM audit_log").fetchall()
    db.close()
    if row != (0, None, "HTTP 503"):
        failures.append(f"retried row: {row}")
    if len(audit) != 1 or audit[0][1:] != ("outbox.retry", "outbox:1") or \
            not audit[0][0].startswith("operator:"):
        failures.append(f"audit after one retry: {audit}")
    expect(0, "1 entries, chain intact", "audit", "verify", data_dir=data)

if failures:
    print("\n\n".join(failures))
    sys.exit(1)
print("outbox commands: all checks passed")

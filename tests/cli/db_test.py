#!/usr/bin/python3
"""End-to-end test of `icpctl db` and `icpctl audit verify` on a SQLite store.

The audit entries are written here, in Python, with the chain format documented in
docs/storage.md (SHA-256 over 8-byte big-endian length-prefixed fields), so this test is
also a second, independent implementation of the format: if the C++ and this disagree,
verify fails. Usage: db_test.py ICPCTL
"""
import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile

ICPCTL = sys.argv[1]
failures = []


def run(*args, data_dir):
    p = subprocess.run([ICPCTL, *args, "--data-dir", data_dir], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def expect(code, pattern, *args, data_dir):
    got, out = run(*args, data_dir=data_dir)
    if got != code or pattern not in out:
        failures.append(f"icpctl {' '.join(args)} -> {got} (want {code}, '{pattern}'):\n{out}")
    return out


def field(value: str) -> bytes:
    b = value.encode()
    return len(b).to_bytes(8, "big") + b


def chain_hash(prev, seq, at, actor, action, entity, details):
    h = hashlib.sha256()
    for v in (prev, str(seq), str(at), actor, action, entity, details):
        h.update(field(v))
    return h.hexdigest()


def append(db_path, entries):
    con = sqlite3.connect(db_path)
    seq, prev = con.execute("SELECT seq, hash FROM audit_head").fetchone()
    for actor, action, entity, details in entries:
        seq += 1
        at = 1795000000 + seq
        h = chain_hash(prev, seq, at, actor, action, entity, details)
        con.execute("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?)",
                    (seq, at, actor, action, entity, details, prev, h))
        prev = h
    con.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (seq, prev))
    con.commit()
    con.close()


os.umask(0o022)
with tempfile.TemporaryDirectory() as d:
    data = os.path.join(d, "var")
    db = os.path.join(data, "icp.db")
    expect(1, "[migration.pending]", "audit", "verify", data_dir=data)
    expect(0, "0001_init  applied now", "db", "migrate", data_dir=data)
    expect(0, "already applied", "db", "migrate", data_dir=data)
    # Private whatever the umask: the usual 022 would leave everything readable by all.
    for path, mode in ((data, 0o700), (os.path.join(data, "pii.key"), 0o600), (db, 0o600)):
        if os.stat(path).st_mode & 0o777 != mode:
            failures.append(f"{path} is mode {oct(os.stat(path).st_mode & 0o777)}, not {oct(mode)}")
    expect(0, "0 entries, chain intact", "audit", "verify", data_dir=data)

    append(db, [("account:1", "application.submit", "application:1", '{"n":1}'),
                ("account:2", "review.pass", "application:1", "{}"),
                ("账号:3", "变更", "application:2", '{"说明":"中文"}')])
    expect(0, "3 entries, chain intact", "audit", "verify", data_dir=data)
    expect(0, '"ok":true', "audit", "verify", "--json", data_dir=data)

    backup = os.path.join(d, "backup.db")
    expect(0, "backup written", "db", "backup", backup, data_dir=data)
    expect(1, "never overwrite", "db", "backup", backup, data_dir=data)
    if os.stat(backup).st_mode & 0o777 != 0o600:
        failures.append(f"the backup is mode {oct(os.stat(backup).st_mode & 0o777)}, not 0o600")

    con = sqlite3.connect(db)
    try:
        con.execute("UPDATE audit_log SET actor = 'account:666' WHERE seq = 2")
        failures.append("the append-only trigger let an UPDATE through")
    except sqlite3.DatabaseError:
        pass
    con.execute("DROP TRIGGER audit_log_append_only_update")
    con.execute("UPDATE audit_log SET actor = 'account:666' WHERE seq = 2")
    con.commit()
    con.close()
    expect(1, "BROKEN at entry 2", "audit", "verify", data_dir=data)
    expect(1, '"first_broken":2', "audit", "verify", "--json", data_dir=data)

    expect(0, "restored from", "db", "restore", backup, data_dir=data)
    expect(0, "3 entries, chain intact", "audit", "verify", data_dir=data)

    junk = os.path.join(d, "junk.db")
    with open(junk, "w") as f:
        f.write("this is not a database\n" * 100)
    expect(1, "error:", "db", "restore", junk, data_dir=data)
    expect(0, "3 entries, chain intact", "audit", "verify", data_dir=data)

    pg = os.environ.get("ICP_TEST_PG_URL")
    if pg:
        expect(0, "PostgreSQL postgresql://", "db", "migrate", "--database", pg, data_dir=data)
        expect(0, "chain intact", "audit", "verify", "--database", pg, data_dir=data)
        expect(1, "pg_dump", "db", "backup", os.path.join(d, "x"), "--database", pg, data_dir=data)

for f in failures:
    print("FAIL:", f)
print(f"db_test: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)

#!/usr/bin/python3
"""End-to-end test of `icpctl db` and `icpctl audit verify` on SQLite and PostgreSQL.

The audit entries are written here, in Python, with the chain format documented in
docs/storage.md (HMAC-SHA256 over 8-byte big-endian length-prefixed fields, under a key
derived from the PII master key with libsodium's crypto_kdf), so this test is also a second,
independent implementation of the format: if the C++ and this disagree, verify fails.

The PostgreSQL part runs when ICP_TEST_PG_URL (the owner role) and ICP_TEST_PG_RUNTIME_URL
(the runtime role) are set, as scripts/with-postgres sets them; under ICP_REQUIRE_PG=1 their
absence is a failure, not a skip. Usage: db_test.py ICPCTL
"""
import hashlib
import hmac
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

ICPCTL = sys.argv[1]
GENESIS = "0" * 64
failures = []
checks = [0]


def run(*args, data_dir):
    p = subprocess.run([ICPCTL, *args, "--data-dir", data_dir], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def expect(code, pattern, *args, data_dir):
    checks[0] += 1
    got, out = run(*args, data_dir=data_dir)
    if got != code or pattern not in out:
        failures.append(f"icpctl {' '.join(args)} -> {got} (want {code}, '{pattern}'):\n{out}")
    return out


def audit_key(data_dir):
    """crypto_kdf_derive_from_key(32, subkey 1, "beianaud", master): keyed BLAKE2b-256 of
    nothing, with the subkey id (little-endian) as salt and the context as personalization."""
    with open(os.path.join(data_dir, "pii.key")) as f:
        master = bytes.fromhex(f.read().strip())
    return hashlib.blake2b(b"", digest_size=32, key=master, salt=(1).to_bytes(8, "little"),
                           person=b"beianaud").digest()


def field(value: str) -> bytes:
    b = value.encode()
    return len(b).to_bytes(8, "big") + b


def chain_hash(key, prev, seq, at, actor, action, entity, details):
    h = hmac.new(key, digestmod=hashlib.sha256)
    for v in (prev, str(seq), str(at), actor, action, entity, details):
        h.update(field(v))
    return h.hexdigest()


def rows(head, key, entries):
    """The rows that chain `entries` onto `head` (seq, hash). The schema moves the head."""
    seq, prev = head
    out = []
    for actor, action, entity, details in entries:
        seq += 1
        at = 1795000000 + seq
        h = chain_hash(key, prev, seq, at, actor, action, entity, details)
        out.append((seq, at, actor, action, entity, details, prev, h))
        prev = h
    return out


def append(db_path, key, entries):
    con = sqlite3.connect(db_path)
    head = con.execute("SELECT seq, hash FROM audit_head").fetchone()
    for row in rows(head, key, entries):
        con.execute("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?)", row)
    con.commit()
    con.close()


os.umask(0o022)


def psql(url, sql):
    exe = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"
    p = subprocess.run([exe, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                       capture_output=True, text=True)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def quote(v):
    return str(v) if isinstance(v, int) else "'" + v.replace("'", "''") + "'"


def append_pg(url, key, entries):
    code, out, err = psql(url, "SELECT seq, hash FROM audit_head")
    if code != 0:
        failures.append(f"psql could not read the head: {err}")
        return
    seq, prev = out.split("|")
    for row in rows((int(seq), prev), key, entries):
        code, _, err = psql(url, "INSERT INTO audit_log VALUES (" + ", ".join(map(quote, row)) + ")")
        if code != 0:
            failures.append(f"psql could not append entry {row[0]}: {err}")


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

    key = audit_key(data)
    append(db, key, [("account:1", "application.submit", "application:1", '{"n":1}'),
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

    # Someone with the file but not the key: the schema takes an entry that links to the head,
    # but its hash cannot be right, and verify names it.
    append(db, hashlib.sha256(b"a guess").digest(), [("account:666", "x", "y", "{}")])
    expect(1, "BROKEN at entry 4", "audit", "verify", data_dir=data)
    expect(1, "without the audit key", "audit", "verify", data_dir=data)

    owner = os.environ.get("ICP_TEST_PG_URL")
    runtime = os.environ.get("ICP_TEST_PG_RUNTIME_URL")
    if not (owner and runtime):
        # A skip is a failure under make test (ICP_REQUIRE_PG=1) and in CI (CI=true).
        if os.environ.get("ICP_REQUIRE_PG") == "1" or os.environ.get("CI") == "true":
            failures.append("ICP_TEST_PG_URL and ICP_TEST_PG_RUNTIME_URL are not set "
                            "(run under scripts/with-postgres)")
        else:
            print("db_test: PostgreSQL part skipped (ICP_TEST_PG_URL / ICP_TEST_PG_RUNTIME_URL unset)")
    else:
        expect(0, "PostgreSQL postgresql://", "db", "migrate", "--database", owner, data_dir=data)
        expect(0, "0002_runtime_role", "db", "migrate", "--database", owner, data_dir=data)
        expect(1, "[storage.runtime-role]", "audit", "verify", "--database", owner, data_dir=data)
        expect(0, "chain intact", "audit", "verify", "--database", runtime, data_dir=data)
        code, before, err = psql(runtime, "SELECT seq FROM audit_head")
        n = int(before) if code == 0 else 0
        append_pg(runtime, key, [("account:1", "application.submit", "application:1", '{"n":1}'),
                                 ("账号:3", "变更", "application:2", '{"说明":"中文"}')])
        expect(0, f"{n + 2} entries, chain intact", "audit", "verify", "--database", runtime,
               data_dir=data)
        code, _, err = psql(runtime, "TRUNCATE audit_log")
        if code == 0 or "permission denied" not in err:
            failures.append(f"the runtime role could TRUNCATE audit_log: {err}")
        code, _, err = psql(runtime, "ALTER TABLE audit_log DISABLE TRIGGER ALL")
        if code == 0:
            failures.append("the runtime role could disable the audit log's triggers")
        append_pg(runtime, hashlib.sha256(b"a guess").digest(), [("account:666", "x", "y", "{}")])
        expect(1, f"BROKEN at entry {n + 3}", "audit", "verify", "--database", runtime,
               data_dir=data)
        expect(1, "pg_dump", "db", "backup", os.path.join(d, "x"), "--database", runtime,
               data_dir=data)

for f in failures:
    print("FAIL:", f)
print(f"db_test: {checks[0]} icpctl checks, {len(failures)} failure(s)")
sys.exit(1 if failures else 0)

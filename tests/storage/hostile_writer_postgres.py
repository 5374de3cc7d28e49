#!/usr/bin/python3
"""Attacks a fresh copy of Beian's PostgreSQL schema with raw SQL as the runtime role; every
attempt must be refused.

usage: hostile_writer_postgres.py ICPCTL

Needs ICP_TEST_PG_URL (the owner role, which migrates a new schema) and
ICP_TEST_PG_RUNTIME_URL (the runtime role icpd runs as, which attacks), as
scripts/with-postgres sets them. Without them it fails, unless ICP_REQUIRE_PG is unset, when
it says so and exits 0. The attacker speaks through psql, one transaction per attack.
"""
import os
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile_writer as hw  # noqa: E402

POSTGRES_ONLY = [
    ("ON CONFLICT DO UPDATE to un-cancel a number",
     ["INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
      "VALUES ('蜀ICP备2021000001号', 1, NULL, 0, NULL) "
      "ON CONFLICT (number) DO UPDATE SET cancelled_at = NULL"]),
    ("TRUNCATE the numbers", ["TRUNCATE filing_numbers CASCADE"]),
    ("TRUNCATE the audit log", ["TRUNCATE audit_log"]),
    ("TRUNCATE the authorization codes", ["TRUNCATE authorization_codes"]),
    ("disable the numbers' triggers",
     ["ALTER TABLE filing_numbers DISABLE TRIGGER ALL",
      "DELETE FROM filing_numbers"]),
    ("drop the access-filing guard",
     ["DROP TRIGGER subjects_access_filing_changes_no_data ON subjects"]),
    ("replace a guard's function",
     ["CREATE OR REPLACE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
      "$$ BEGIN RETURN NULL; END $$"]),
    ("skip triggers as a replica", ["SET session_replication_role = replica",
                                   "DELETE FROM filing_numbers"]),
    ("take over a table", ["ALTER TABLE audit_log OWNER TO CURRENT_USER"]),
    ("insert a second audit head",
     [f"INSERT INTO audit_head (id, seq, hash) VALUES (2, 0, '{hw.ZERO}')"]),
    ("rewrite the migration record",
     ["UPDATE schema_migrations SET checksum = 'x'"]),
]


def psql(url, schema, statements, single_transaction=True):
    script = f"SET search_path TO \"{schema}\";\n" + ";\n".join(statements) + ";\n"
    args = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url]
    if single_transaction:
        args.append("--single-transaction")
    return subprocess.run(args, input=script, capture_output=True, text=True)


def with_schema(url, schema):
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    owner = os.environ.get("ICP_TEST_PG_URL")
    runtime = os.environ.get("ICP_TEST_PG_RUNTIME_URL")
    if not owner or not runtime:
        if os.environ.get("ICP_REQUIRE_PG") == "1":
            print("ICP_TEST_PG_URL and ICP_TEST_PG_RUNTIME_URL are required (ICP_REQUIRE_PG=1)")
            return 1
        print("no PostgreSQL (ICP_TEST_PG_URL unset): skipped")
        return 0
    icpctl = sys.argv[1]
    schema = "hostile_" + uuid.uuid4().hex[:12]
    report = hw.Report("postgres")
    created = psql(owner, "public", [f"CREATE SCHEMA \"{schema}\""])
    if created.returncode != 0:
        print("cannot create the schema:", created.stderr)
        return 1
    try:
        migrated = subprocess.run(
            [icpctl, "db", "migrate", "--database", with_schema(owner, schema)],
            capture_output=True, text=True)
        if migrated.returncode != 0:
            print("icpctl db migrate failed:", migrated.stdout, migrated.stderr)
            return 1
        # Setup as the runtime role too: a writer with its rights may write valid rows. The
        # ids are given, as an attacker would; GENERATED ALWAYS needs OVERRIDING.
        setup = [s.replace(") VALUES", ") OVERRIDING SYSTEM VALUE VALUES", 1)
                 if s.startswith(("INSERT INTO accounts", "INSERT INTO subjects",
                                  "INSERT INTO websites", "INSERT INTO applications"))
                 else s for s in hw.SETUP]
        for statement in setup:
            r = psql(runtime, schema, [statement])
            if r.returncode != 0:
                report.setup_failed(statement, r.stderr.strip())
        for name, statements in hw.ATTACKS_COMMON + POSTGRES_ONLY:
            r = psql(runtime, schema, statements)
            if r.returncode != 0:
                report.refused_one(name, r.stderr.strip().splitlines()[-1] if r.stderr else "")
            else:
                report.accepted(name)
    finally:
        psql(owner, "public", [f"DROP SCHEMA \"{schema}\" CASCADE"])
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())

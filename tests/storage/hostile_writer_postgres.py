#!/usr/bin/python3
"""Attacks a fresh copy of Beian's PostgreSQL schema with raw SQL as the runtime role; every
attempt must be refused.

usage: hostile_writer_postgres.py ICPCTL

Needs ICP_TEST_PG_URL (the owner role, which migrates a new schema) and
ICP_TEST_PG_RUNTIME_URL (the runtime role icpd runs as, which attacks), as
scripts/with-postgres sets them. Without them it fails under make test (ICP_REQUIRE_PG=1) or in
CI (CI=true), and elsewhere says it skipped and exits 0. The attacker speaks through psql, one transaction per attack.
"""
import os
import shutil
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile_writer as hw  # noqa: E402

DENIED = ["permission denied", "must be owner"]

POSTGRES_ONLY = [
    ("ON CONFLICT DO UPDATE to un-revoke a session",
     [f"INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, "
      f"expires_at) VALUES ('{hw.TOKEN1}', 1, '{hw.CSRF}', 0, 0, 100) "
      f"ON CONFLICT (token_hash) DO UPDATE SET revoked_at = NULL"], ["session.revoked"]),
    ("ON CONFLICT DO UPDATE to un-revoke an API key",
     [f"INSERT INTO api_keys (account_id, name, prefix, secret_hash, created_at) "
      f"VALUES (1, 'x', 'icpk_x0000000', '{hw.TOKEN1}', 0) "
      f"ON CONFLICT (secret_hash) DO UPDATE SET revoked_at = NULL"], ["api-key.revoked"]),
    ("TRUNCATE the sessions", ["TRUNCATE sessions"], DENIED),
    ("ON CONFLICT DO UPDATE to un-cancel a number",
     ["INSERT INTO filing_numbers (number, subject_id, website_id, issued_at, cancelled_at) "
      "VALUES ('蜀ICP备2021000001号', 1, NULL, 0, NULL) "
      "ON CONFLICT (number) DO UPDATE SET cancelled_at = NULL"], ["filing-number.issued-once"]),
    ("ON CONFLICT DO UPDATE to free a website's domain",
     ["INSERT INTO website_domains (website_id, domain, active_domain, content_hash) "
      "VALUES (1, 'site.cn', 'site.cn', 'wcontent-1') "
      "ON CONFLICT (website_id, domain) DO UPDATE SET active_domain = NULL"],
     ["website_domains.document"]),
    ("TRUNCATE the numbers", ["TRUNCATE filing_numbers CASCADE"], DENIED),
    ("TRUNCATE the audit log", ["TRUNCATE audit_log"], DENIED),
    ("TRUNCATE the transfers", ["TRUNCATE transfers CASCADE"], DENIED),
    ("TRUNCATE a transfer's evidence", ["TRUNCATE transfer_evidence"], DENIED),
    ("TRUNCATE the authorization codes", ["TRUNCATE authorization_codes"], DENIED),
    ("TRUNCATE the domain index", ["TRUNCATE website_domains"], DENIED),
    ("TRUNCATE the notifications", ["TRUNCATE notifications"], DENIED),
    ("disable the numbers' triggers",
     ["ALTER TABLE filing_numbers DISABLE TRIGGER ALL", "DELETE FROM filing_numbers"], DENIED),
    ("drop the access-filing guard",
     ["DROP TRIGGER subjects_change_through_an_application ON subjects"], DENIED),
    ("replace a guard's function",
     ["CREATE OR REPLACE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
      "$$ BEGIN RETURN NULL; END $$"], DENIED),
    ("skip triggers as a replica", ["SET session_replication_role = replica",
                                   "DELETE FROM filing_numbers"], DENIED),
    ("take over a table", ["ALTER TABLE audit_log OWNER TO CURRENT_USER"], DENIED),
    ("insert a second audit head",
     [f"INSERT INTO audit_head (id, seq, hash) VALUES (2, 0, '{hw.ZERO}')"],
     ["audit.head"] + DENIED),
    ("rewrite the migration record", ["UPDATE schema_migrations SET checksum = 'x'"], DENIED),
    # With the TEMPORARY privilege (PostgreSQL grants it to PUBLIC by default), a temporary
    # table named like a schema table is searched first, unless the guard functions pin
    # their search_path.
    ("shadow audit_head with a temporary table to skip entries",
     ["CREATE TEMP TABLE audit_head (id BIGINT, seq BIGINT, hash TEXT)",
      f"INSERT INTO pg_temp.audit_head VALUES (1, 41, '{hw.H2}')",
      f"INSERT INTO audit_log (seq, at, actor, action, entity, details, prev_hash, hash) "
      f"VALUES (42, 0, 'a', 'x', 'e', '{{}}', '{hw.H2}', '{hw.H2}')"], ["audit.chain"]),
    ("shadow subjects with a temporary table to file an active subject as new",
     ["CREATE TEMP TABLE subjects (id BIGINT, cancelled BIGINT, identity_key TEXT, "
      "active_certificate_hash TEXT)",
      hw.APPLICATION_COLUMNS + "(2, NULL, 'first_filing', 'draft', '51', 'cert-1b', 'cert-1b', "
      "2, 'sealed', 0, 0, NULL, NULL, NULL, 0, NULL, '', 0, 1, 0, 0, 'c')"],
     ["application.subject-on-record"]),
    ("shadow applications with a temporary table to change data under an access filing",
     ["CREATE TEMP TABLE applications (id BIGINT, type TEXT, subject_id BIGINT)",
      "INSERT INTO pg_temp.applications VALUES (2, 'change_subject', 1)",
      "UPDATE subjects SET content_hash = 'forged', changed_by = 2 WHERE id = 1"],
     ["access-filing.changes-no-data"]),
]


def psql(url, schema, statements, single_transaction=True):
    script = f"SET search_path TO \"{schema}\";\n" + ";\n".join(statements) + ";\n"
    exe = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"
    args = [exe, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url]
    if single_transaction:
        args.append("--single-transaction")
    return subprocess.run(args, input=script, capture_output=True, text=True)


def database_name(url):
    return '"' + url.split("?")[0].rsplit("/", 1)[1] + '"'


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
        # A skip is a failure under make test (ICP_REQUIRE_PG=1) and in CI (CI=true).
        if os.environ.get("ICP_REQUIRE_PG") == "1" or os.environ.get("CI") == "true":
            print("ICP_TEST_PG_URL and ICP_TEST_PG_RUNTIME_URL are required here")
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
                                  "INSERT INTO websites", "INSERT INTO applications",
                                  "INSERT INTO sessions", "INSERT INTO api_keys",
                                  "INSERT INTO verifications", "INSERT INTO review_notes",
                                  "INSERT INTO transfers", "INSERT INTO notifications"))
                 else s for s in hw.SETUP]
        for statement in setup:
            r = psql(runtime, schema, [statement])
            if r.returncode != 0:
                report.setup_failed(statement, r.stderr.strip())
        # The ids were given; the sequences move past them (the owner may, the runtime role
        # may not), so that an attack's insert meets the guard, not a taken id.
        for table in ("accounts", "subjects", "websites", "applications", "outbox", "sessions",
                      "api_keys", "transfers", "notifications"):
            psql(owner, schema, [f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)"])
        # PostgreSQL's default: PUBLIC may create temporary tables. The guards must hold anyway.
        psql(owner, schema, ["GRANT TEMPORARY ON DATABASE " + database_name(owner) +
                             " TO PUBLIC"], False)
        for name, statements, guards in hw.ATTACKS_COMMON + POSTGRES_ONLY:
            r = psql(runtime, schema, statements)
            if r.returncode != 0:
                report.refused_one(name, " ".join(r.stderr.split()), guards)
            else:
                report.accepted(name)
    finally:
        psql(owner, "public", ["REVOKE TEMPORARY ON DATABASE " + database_name(owner) +
                               " FROM PUBLIC"], False)
        psql(owner, "public", [f"DROP SCHEMA \"{schema}\" CASCADE"])
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())

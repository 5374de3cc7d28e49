#!/usr/bin/python3
"""Two icpd on one PostgreSQL race to open an application for one subject: exactly one 201.

A fresh schema is migrated by the owner role (`icpctl db migrate`); two `icpd serve` run on it
as the runtime role with one key file, on ports of their own. Two customers, each signed in
to a different icpd, send the same subject's first filing at the same moment, many rounds of
both at once, each round a new subject: in every round exactly one gets 201 and the other 409
(rule application.open-for-subject), whichever icpd answered. The store's constraint holds
across processes; nothing in either process's memory decides it.

Usage: pg_race_test.py PATH_TO_ICPD PATH_TO_ICPCTL
Needs ICP_TEST_PG_URL and ICP_TEST_PG_RUNTIME_URL (scripts/with-postgres); without them it
fails under make test (ICP_REQUIRE_PG=1) or in CI, and elsewhere says it skipped.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import filing_test as base  # noqa: E402
from openapi_client import Client  # noqa: E402

ROUNDS = 12
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def with_schema(url, schema):
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def psql(url, sql):
    exe = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"
    return subprocess.run([exe, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                          capture_output=True, text=True)


def resident_id(serial):
    """A valid GB 11643 number born 1990-01-01 in 110101 with sequence `serial`."""
    body = f"11010119900101{100 + serial:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check_char = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check_char


def main():
    owner = os.environ.get("ICP_TEST_PG_URL")
    runtime = os.environ.get("ICP_TEST_PG_RUNTIME_URL")
    if not owner or not runtime:
        if os.environ.get("ICP_REQUIRE_PG") == "1" or os.environ.get("CI") == "true":
            print("ICP_TEST_PG_URL and ICP_TEST_PG_RUNTIME_URL are required here")
            return 1
        print("no PostgreSQL (ICP_TEST_PG_URL unset): skipped")
        return 0
    schema = "race_" + uuid.uuid4().hex[:12]
    created = psql(owner, f'CREATE SCHEMA "{schema}"')
    if created.returncode != 0:
        print("cannot create the schema:", created.stderr)
        return 1
    work = tempfile.mkdtemp(prefix="beian-race-")
    env = dict(base.env(), ICP_DATABASE=with_schema(runtime, schema),
               ICP_PII_KEY=os.path.join(work, "pii.key"))
    subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", work, "--database",
                    with_schema(owner, schema)], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([base.ICPCTL, "accounts", "bootstrap", "--data-dir", work, "--login", "root"],
                   check=True, env=dict(env, ICP_NEW_PASSWORD="root-password-1"),
                   stdout=subprocess.DEVNULL)
    servers = []
    try:
        for i in range(2):
            d = os.path.join(work, f"icpd{i}")
            os.makedirs(d)
            servers.append(base.start_icpd(d, {k: v for k, v in env.items()
                                               if k in ("ICP_DATABASE", "ICP_PII_KEY")}))
        race([url for _, url in servers])
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait(base.TIMEOUT)
        psql(owner, f'DROP SCHEMA "{schema}" CASCADE')
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print(f"pg_race_test: {ROUNDS} rounds, one 201 each")
    return 0


def race(urls):
    admin = base.sign_in(urls[0], "root", "root-password-1")
    for login in ("racer-a", "racer-b"):
        admin.post("/v1/accounts", json_body={"login": login, "role": "customer",
                                              "display_name": login,
                                              "password": login + "-pass"}).expect(201)
    racers = [base.sign_in(urls[i], login, login + "-pass")
              for i, login in enumerate(("racer-a", "racer-b"))]
    for n in range(ROUNDS):
        doc = base.document(f"race{n}.example.com", resident_id(n), "13800138000")
        statuses = [None, None]
        start = threading.Barrier(2)

        def send(i):
            start.wait()
            statuses[i] = racers[i].post("/v1/applications", json_body=doc).status

        threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(sorted(statuses) == [201, 409], f"round {n}: {statuses}")
        # Each racer has one application in progress at a time: free the slot.
        for c in racers:
            for app in c.get("/v1/applications", params={"state": "draft"}).json()["items"]:
                r = c.get(f"/v1/applications/{app['id']}")
                c.post(f"/v1/applications/{app['id']}:abandon", json_body={"confirm": True},
                       headers={"If-Match": r.header("ETag")}).expect(200)


if __name__ == "__main__":
    sys.exit(main())

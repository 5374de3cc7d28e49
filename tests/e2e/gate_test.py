#!/usr/bin/python3
"""End-to-end: the access gate over loopback (docs/api.md, "The access gate").

A SQLite store with its first admin, the real icpd on a free port, and the contract-checking
client (every response is validated against api/openapi.yaml). The admin imports filed
records (what an approval leaves in the store): each filed domain is allowed by
GET /v1/gate within a second of the import answering, with its subdomains, in U-label and
A-label form; an unfiled host, an IP address and bad input are denied or refused. A raw
SQL writer (sqlite3, no Beian code) puts a filed domain on the bureau's blacklist and an
unfiled one on the unfiled-site list: the store's triggers note the change and the gate denies
both within a second.

Usage: gate_test.py PATH_TO_ICPD PATH_TO_ICPCTL
(tests/nginx/gate_nginx_test.py reuses start() to put nginx in front.)
"""
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import filing_test as base  # noqa: E402
import records_test as rec  # noqa: E402

failures = base.failures
check = base.check

FILED = "gate-filed.cn"
IDN = "例子.中国"
IDN_ASCII = "xn--fsqu00a.xn--fiqs8s"
BLOCKED = "blocked-site.cn"  # filed, then blacklisted by the bureau
UNFILED_LISTED = "found-unfiled.cn"


def start():
    """A store with filed records and icpd serving it: (proc, url, data_dir, numbers)."""
    work = tempfile.mkdtemp(prefix="beian-gate-")
    os.chmod(work, 0o755)
    data = os.path.join(work, "var")
    os.makedirs(data)
    subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", data], check=True,
                   env=base.env(), stdout=subprocess.DEVNULL)
    subprocess.run([base.ICPCTL, "accounts", "bootstrap", "--data-dir", data, "--login", "root"],
                   check=True, env=dict(base.env(), ICP_NEW_PASSWORD="root-password-1"),
                   stdout=subprocess.DEVNULL)
    proc, url = base.start_icpd(data)
    return proc, url, data


def import_records(url, owner_cert="110101199001010111"):
    """Imports three filed subjects with a website each; their numbers by domain, and when
    the import answered."""
    admin = base.sign_in(url, "root", "root-password-1")
    account = base.create_account(admin, "gate-owner", "customer", "gate-owner-pass-1", "张三",
                                  owner_cert, "13800138000")
    numbers, subjects = {}, []
    for n, domain in enumerate([FILED, IDN, BLOCKED]):
        doc = rec.personal(["张三", "李四", "王五"][n], rec.resident_id(700 + n),
                           f"1380013{8000 + n:04d}", [domain], "ins-gate")
        number = f"京ICP备2026{n + 1:06d}号"
        numbers[domain] = number[:-1] + "号-1"
        subjects.append(rec.filed(account, number, doc, [(numbers[domain], doc["websites"][0])]))
    r = admin.post("/v1/admin/records:import", json_body={"subjects": subjects}).expect(200).json()
    check(r["created"] == 6, f"import: {r}")
    return numbers, time.monotonic()


def raw_list_entry(data, list_name, domain):
    """A writer outside Beian: plain sqlite3 on the store's file."""
    db = sqlite3.connect(os.path.join(data, "icp.db"), timeout=30)
    with db:
        db.execute("INSERT INTO gate_list_entries (list, domain, source, listed_at) "
                   "VALUES (?, ?, 'e2e raw writer', 0)", (list_name, domain))
    db.close()
    return time.monotonic()


def gate(client, host):
    return client.get("/v1/gate?host=" + urllib.parse.quote(host, safe=""))


def wait_for(client, host, status, since, what, reason=None):
    """Polls the gate until `host` answers `status` (and `reason`); checks it took under a
    second."""
    while True:
        r = gate(client, host)
        if ((r.status == status and (reason is None or r.json().get("reason") == reason))
                or time.monotonic() - since > 5):
            break
        time.sleep(0.01)
    took = time.monotonic() - since
    check(r.status == status, f"{what}: {host} answered {r.status}: {r.text()}")
    check(took < 1.0, f"{what}: reached the gate in {took * 1000:.0f} ms (at most 1 s)")
    print(f"{what}: {host} -> {status} after {took * 1000:.0f} ms")
    return r


def run(url, data):
    anyone = base.Client(url)  # no session: the gate is public
    r = gate(anyone, "www." + FILED).expect(403).json()
    check(r == {"decision": "deny", "host": "www." + FILED, "domain": None,
                "reason": "not_filed"}, f"before the import: {r}")

    numbers, imported_at = import_records(url)
    r = wait_for(anyone, "www." + FILED, 200, imported_at, "an approval").json()
    check(r == {"decision": "allow", "host": "www." + FILED, "domain": FILED,
                "number": numbers[FILED]}, f"allowed: {r}")
    a = gate(anyone, "Shop.WWW." + FILED.upper() + ".:8443").expect(200)
    check(a.header("X-Gate-Decision") == "allow" and a.header("X-Gate-Domain") == FILED,
          f"headers: {dict(a.headers)}")
    r = gate(anyone, "www." + IDN).expect(200).json()
    check(r["domain"] == IDN_ASCII and r["host"] == "www." + IDN_ASCII, f"IDN: {r}")
    gate(anyone, "www." + IDN_ASCII).expect(200)
    r = gate(anyone, "not-" + FILED).expect(403).json()
    check(r["reason"] == "not_filed", f"a name that only ends like a filed one: {r}")
    r = gate(anyone, "203.0.113.10:80").expect(403).json()
    check(r["reason"] == "ip_literal", f"IP: {r}")
    for bad, rule in [("", "gate.host-empty"), ("a..b.cn", "gate.host-label"),
                      ("x" * 1100, "gate.host-length"), ("a.cn:99999", "gate.host-port")]:
        p = gate(anyone, bad).expect(400).json()
        check(p["violations"][0]["field"] == "host" and p["violations"][0]["rule"] == rule,
              f"bad host {bad[:20]!r}: {p['violations']}")

    # The bureau's lists, written by a raw SQL writer: the triggers move the gate.
    gate(anyone, BLOCKED).expect(200)
    since = raw_list_entry(data, "blacklist", BLOCKED)
    r = wait_for(anyone, "www." + BLOCKED, 403, since, "a blacklist entry").json()
    check(r == {"decision": "deny", "host": "www." + BLOCKED, "domain": BLOCKED,
                "reason": "blacklist"}, f"blacklisted: {r}")
    since = raw_list_entry(data, "unfiled", UNFILED_LISTED)
    r = wait_for(anyone, UNFILED_LISTED, 403, since, "an unfiled-list entry", "unfiled").json()
    check(r["reason"] == "unfiled" and r["domain"] == UNFILED_LISTED, f"unfiled list: {r}")
    gate(anyone, FILED).expect(200)
    return numbers


def gate_lines(data):
    """The access log lines of GET /v1/gate in icpd's stderr."""
    with open(os.path.join(data, "icpd.stderr"), encoding="utf-8", errors="replace") as f:
        return [line for line in f if '"route":"/v1/gate"' in line]


def logged_only_when_debugging(url, data):
    """The gate is the edge's traffic: counted in /metrics, with no access line of its own
    unless icpd logs at debug level (log_level); the other routes keep theirs."""
    metrics = base.Client(url).get("/metrics").expect(200).text()
    check('icp_http_requests_total{route="/v1/gate",method="GET",status="200"}' in metrics,
          "the gate's requests are counted in /metrics")
    with open(os.path.join(data, "icpd.stderr"), encoding="utf-8", errors="replace") as f:
        log = f.read()
    check('"route":"/v1/admin/records:import"' in log, "other routes keep their access lines")
    lines = gate_lines(data)
    check(lines == [], f"no gate access line at info level: {lines[:2]}")


def main():
    proc, url, data = start()
    try:
        run(url, data)
        logged_only_when_debugging(url, data)
    finally:
        proc.terminate()
        proc.wait(base.TIMEOUT)
    # The same store, icpd at debug level: each gate request has its line again.
    proc, url = base.start_icpd(data, {"ICP_LOG_LEVEL": "debug"})
    try:
        gate(base.Client(url), "www." + FILED)
    finally:
        proc.terminate()
        proc.wait(base.TIMEOUT)
    lines = gate_lines(data)
    check(len(lines) == 1, f"at debug level the gate's line is written: {len(lines)} line(s)")
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("gate_test: all checks passed")


if __name__ == "__main__":
    main()

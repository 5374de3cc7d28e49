#!/usr/bin/python3
"""End-to-end: the routes the console's public query and operator pages use (issue 11).

A SQLite store with its first admin, the real icpd on a free port, and the contract-checking
client (every response is validated against api/openapi.yaml).

1. The public query (GET /v1/public/records, no sign-in) over filed records the admin imports:
   by domain (and a subdomain of it), by subject and website number, by a unit's exact name
   in pages; a person's name is masked and never found by name; bad input is 400 naming the
   parameter; answers are cacheable.
2. The operator's routes, admin only (a customer is 403, no session 401): the audit log in
   pages and its verification (intact; then a raw writer breaks an entry and the verification
   names it), a raw writer's change of a unit's name alone refused by the store, the outbox's
   dead letters (one written by a raw writer) and their retry, audited
   and refused a second time (409 outbox.not-dead), the rules in force and the reference data.
3. A draft's materials checklist comes with GET /v1/applications/{id}.
4. The customer's notifications (站内消息; rows a raw writer adds, as EnqueueNotification
   writes them): newest first in pages, the unread count, mark read once (another account's
   is 404), unknown parameters refused, staff 403, no session 401; a raw writer cannot make a
   read one unread.
5. The unit-name backfill at icpd's start: units whose unit_name a raw writer set back to NULL
   (as on record before migration 0011) are found by name again once icpd restarts.

Usage: console_api_test.py PATH_TO_ICPD PATH_TO_ICPCTL
"""
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import filing_test as base  # noqa: E402
import gate_test as gate  # noqa: E402
import records_test as rec  # noqa: E402
from openapi_client import Client  # noqa: E402

failures = base.failures
check = base.check

UNIT = "云帆科技有限公司"


def credit_code(region, org_body):
    """A unified social credit code (GB 32100) of `region` with its check characters (and its
    organisation code's, GB 11714)."""
    value = {c: i for i, c in enumerate("0123456789ABCDEFGHJKLMNPQRTUWXY")}
    org_sum = sum((int(c) if c.isdigit() else ord(c) - 55) * w
                  for c, w in zip(org_body, [3, 7, 9, 10, 5, 8, 4, 2]))
    oc = 11 - org_sum % 11
    body = "91" + region + org_body + ("X" if oc == 10 else "0" if oc == 11 else str(oc))
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(value[c] * w for c, w in zip(body, weights))
    return body + "0123456789ABCDEFGHJKLMNPQRTUWXY"[(31 - total % 31) % 31]


def rules_of(response):
    return [(v.get("field"), v.get("rule")) for v in response.json().get("violations", [])]


def public_query(url, numbers, unit_numbers):
    anyone = Client(url)
    r = anyone.get("/v1/public/records", params={"domain": gate.FILED}).expect(200)
    items = r.json()["items"]
    check([i["website_number"] for i in items] == [numbers[gate.FILED]], f"by domain: {items}")
    check(items and items[0]["subject_name"] != "张三" and items[0]["subject_name"].startswith("张"),
          f"a person's name is masked: {items and items[0]['subject_name']}")
    check("max-age=60" in (r.header("Cache-Control") or ""), "the answer is cacheable")
    r = anyone.get("/v1/public/records", params={"domain": "www." + gate.FILED}).expect(200)
    check(len(r.json()["items"]) == 1, "a subdomain finds its registrable domain's website")
    subject_number = numbers[gate.FILED][:-2]
    r = anyone.get("/v1/public/records", params={"number": subject_number}).expect(200)
    check([i["website_number"] for i in r.json()["items"]] == [numbers[gate.FILED]],
          "by subject number: its website")
    r = anyone.get("/v1/public/records", params={"number": numbers[gate.IDN]}).expect(200)
    check(r.json()["items"][0]["domains"] == [gate.IDN], f"by website number: {r.json()}")
    # By a unit's name, a page of one subject at a time.
    r = anyone.get("/v1/public/records", params={"unit_name": UNIT, "limit": 1}).expect(200)
    page = r.json()
    check([i["website_number"] for i in page["items"]] == [unit_numbers[0]] and
          page["next_cursor"], f"by unit name, first page: {page}")
    r = anyone.get("/v1/public/records", params={"unit_name": UNIT, "limit": 1,
                                                 "cursor": page["next_cursor"]}).expect(200)
    check([i["website_number"] for i in r.json()["items"]] == [unit_numbers[1]] and
          r.json()["next_cursor"] is None, f"by unit name, second page: {r.json()}")
    check(anyone.get("/v1/public/records", params={"unit_name": "张三"}).expect(200)
          .json()["items"] == [], "a person is never found by name")
    # Bad input: 400 naming the parameter.
    cases = [({}, ("", "public-query.one-key")),
             ({"domain": gate.FILED, "number": subject_number}, ("", "public-query.one-key")),
             ({"domain": "bad_label.cn"}, "domain"),
             ({"number": "ICP 1"}, "number"),
             ({"unit_name": UNIT, "limit": "21"}, ("limit", "request.limit")),
             ({"unit_name": UNIT, "cursor": "!!"}, ("cursor", "request.cursor")),
             ({"domain": gate.FILED, "host": "x"}, ("host", "request.unknown-parameter"))]
    for params, want in cases:
        got = rules_of(anyone.get("/v1/public/records", params=params).expect(400))
        ok = want in got if isinstance(want, tuple) else any(f == want for f, _ in got)
        check(ok, f"{params}: 400 naming {want} ({got})")


def operator_routes(url, data, admin, customer):
    anyone = Client(url)
    for path in ("/v1/admin/audit", "/v1/admin/audit/verification", "/v1/admin/outbox",
                 "/v1/admin/rules", "/v1/admin/rules/44"):
        anyone.get(path).expect(401)
        customer.get(path).expect(403)
    customer.post("/v1/admin/outbox/1:retry").expect(403)

    # The audit log, in pages, and its verification.
    first = admin.get("/v1/admin/audit", params={"limit": 2}).expect(200).json()
    check([e["seq"] for e in first["items"]] == [1, 2] and first["next_cursor"], f"audit page 1")
    second = admin.get("/v1/admin/audit", params={"limit": 2, "cursor": first["next_cursor"]})
    check([e["seq"] for e in second.expect(200).json()["items"]] == [3, 4], "audit page 2")
    check(rules_of(admin.get("/v1/admin/audit", params={"limit": 0}).expect(400)) ==
          [("limit", "request.limit")], "audit: limit 0 refused")
    check(rules_of(admin.get("/v1/admin/audit", params={"after": 3}).expect(400)) ==
          [("after", "request.unknown-parameter")], "audit: unknown parameter refused")
    v = admin.get("/v1/admin/audit/verification").expect(200).json()
    check(v["intact"] and v["entries"] >= 4 and v["first_broken"] is None, f"verification: {v}")

    # A dead letter (a raw writer, as a dispatcher that gave up leaves it), listed and retried.
    db = sqlite3.connect(os.path.join(data, "icp.db"), timeout=30)
    with db:
        dead = db.execute(
            "INSERT INTO outbox (topic, idempotency_key, payload, available_at, attempts, "
            "dead_at, last_error) VALUES ('e2e.nowhere', 'e2e:dead:1', '{}', 0, 8, 0, "
            "'e2e: the receiver refused it')").lastrowid
    page = admin.get("/v1/admin/outbox").expect(200).json()
    listed = [m for m in page["items"] if m["id"] == dead]
    check(listed and listed[0]["state"] == "dead" and listed[0]["last_error"].startswith("e2e"),
          f"the dead letter is listed: {page}")
    check(page["counts"]["dead"] >= 1, f"counts: {page['counts']}")
    check(rules_of(admin.get("/v1/admin/outbox", params={"state": "lost"}).expect(400)) ==
          [("state", "request.outbox-state")], "outbox: a bad state is refused")
    admin.post(f"/v1/admin/outbox/{dead}:retry").expect(200)
    check(("", "outbox.not-dead") in rules_of(admin.post(f"/v1/admin/outbox/{dead}:retry")
                                              .expect(409)), "a second retry: 409 outbox.not-dead")
    admin.post("/v1/admin/outbox/999999:retry").expect(404)
    entries, cursor = [], None
    while True:
        params = {"limit": 200}
        if cursor:
            params["cursor"] = cursor
        r = admin.get("/v1/admin/audit", params=params).expect(200).json()
        entries += r["items"]
        cursor = r["next_cursor"]
        if not cursor:
            break
    retries = [e for e in entries if e["action"] == "outbox.retry"]
    check(len(retries) == 1 and retries[0]["entity"] == f"outbox:{dead}", f"retry audited: {retries}")

    # The rules in force and the reference data.
    rules = admin.get("/v1/admin/rules").expect(200).json()
    check(len(rules["provinces"]) == 31 and len(rules["reference"]) == 5, "31 provinces, 5 files")
    gd = admin.get("/v1/admin/rules/44").expect(200).json()
    ids = [c["id"] for c in gd["checks"]]
    check("44.guangdong-commitment" in ids and "national.commitment-letter" not in ids,
          "Guangdong's rules replace the national commitment letter")
    commitment = next(c for c in gd["checks"] if c["id"] == "44.guangdong-commitment")
    check(commitment["effective_from"] == "2021-06-21" and "PROVINCES.md" in commitment["source"],
          f"a check's source and date: {commitment}")
    admin.get("/v1/admin/rules/99").expect(404)

    # A raw writer cannot make a subject answer the query for another unit's name: the name
    # follows the document (trigger subjects_unit_name_follows_content).
    try:
        with db:
            db.execute("UPDATE subjects SET unit_name = 'someone else' WHERE unit_name = ?", (UNIT,))
        check(False, "a raw UPDATE of unit_name alone is refused")
    except sqlite3.DatabaseError as e:
        check("subject.unit-name-follows-content" in str(e), f"unit_name guarded: {e}")
    check(Client(url).get("/v1/public/records", params={"unit_name": "someone else"}).expect(200)
          .json()["items"] == [], "no subject answers for a name it does not have")

    # A raw writer alters an entry: the verification names it (the database refuses UPDATE on
    # the log, so the writer drops the guard first, as an attacker with the file would).
    with db:
        triggers = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")]
        for t in triggers:
            db.execute(f'DROP TRIGGER "{t}"')
        db.execute("UPDATE audit_log SET action = 'forged' WHERE seq = 2")
    db.close()
    v = admin.get("/v1/admin/audit/verification").expect(200).json()
    check(not v["intact"] and v["first_broken"] == 2 and v["reason"], f"tampered: {v}")


def draft_checklist(url, customer, cert):
    doc = base.document("checklist-draft.cn", cert, "13800138000")
    doc["websites"][0]["resources"] = ["ins-gate"]
    created = customer.post("/v1/applications", json_body=doc).expect(201).json()
    got = customer.get(f"/v1/applications/{created['id']}").expect(200).json()
    check(len(got.get("materials", [])) > 0 and all("kind" in m for m in got["materials"]),
          f"GET gives the draft's checklist: {got.get('materials')}")


def notifications(url, data, admin, customer, other):
    me = customer.get("/v1/me").expect(200).json()["account"]["id"]
    db = sqlite3.connect(os.path.join(data, "icp.db"), timeout=30)
    with db:
        for n in range(3):
            db.execute(
                "INSERT INTO notifications (account_id, idempotency_key, template, title, body, "
                "created_at) VALUES (?, ?, 'transfer.moved', ?, '根据备案转移申请，主体已转移。', ?)",
                (me, f"e2e:note:{n}", f"备案主体已转移 {n}", 1795000000 + n))
    for path in ("/v1/notifications", "/v1/notifications/unread-count"):
        Client(url).get(path).expect(401)
        admin.get(path).expect(403)
    Client(url).post("/v1/notifications/1:read").expect(401)
    check(customer.get("/v1/notifications/unread-count").expect(200).json() == {"unread": 3},
          "three unread")
    first = customer.get("/v1/notifications", params={"limit": 2}).expect(200).json()
    check([n["title"] for n in first["items"]] == ["备案主体已转移 2", "备案主体已转移 1"] and
          first["next_cursor"], f"newest first: {first}")
    rest = customer.get("/v1/notifications", params={"limit": 2, "cursor": first["next_cursor"]})
    rest = rest.expect(200).json()
    check([n["title"] for n in rest["items"]] == ["备案主体已转移 0"] and rest["next_cursor"] is None,
          f"the last page: {rest}")
    check(rules_of(customer.get("/v1/notifications", params={"unread": 1}).expect(400)) ==
          [("unread", "request.unknown-parameter")], "an unknown parameter is refused")
    check(rules_of(customer.get("/v1/notifications/unread-count", params={"x": 1}).expect(400)) ==
          [("x", "request.unknown-parameter")], "unread-count takes no parameters")
    check(rules_of(customer.get("/v1/notifications", params={"limit": 101}).expect(400)) ==
          [("limit", "request.limit")], "limit over 100 refused")
    newest = first["items"][0]["id"]
    check(("id", "notification.not-found") in rules_of(
        other.post(f"/v1/notifications/{newest}:read").expect(404)),
          "another account's notification is not found")
    read = customer.post(f"/v1/notifications/{newest}:read").expect(200).json()
    check(read["id"] == newest and read["read_at"], f"read: {read}")
    again = customer.post(f"/v1/notifications/{newest}:read").expect(200).json()
    check(again["read_at"] == read["read_at"], "read once: a second mark changes nothing")
    check(customer.get("/v1/notifications/unread-count").expect(200).json()["unread"] == 2,
          "two unread")
    try:
        with db:
            db.execute("UPDATE notifications SET read_at = NULL WHERE id = ?", (newest,))
        check(False, "a raw writer cannot make a read notification unread")
    except sqlite3.DatabaseError as e:
        check("notification.read-once" in str(e), f"read_at guarded: {e}")
    db.close()
    check(customer.post("/v1/notifications:read-all").expect(200).json() == {"marked": 2},
          "mark all read marks the two others")
    check(customer.get("/v1/notifications/unread-count").expect(200).json()["unread"] == 0,
          "none unread")


def backfill_at_start(proc, url, data):
    """Units as on record before 0011 (unit_name NULL): found by name again after a restart."""
    proc.terminate()
    proc.wait()
    db = sqlite3.connect(os.path.join(data, "icp.db"), timeout=30)
    with db:
        guard = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                           "name = 'subjects_unit_name_follows_content'").fetchone()[0]
        db.execute("DROP TRIGGER subjects_unit_name_follows_content")
        db.execute("UPDATE subjects SET unit_name = NULL")
        db.execute(guard)
        db.execute("DELETE FROM backfills")
    db.close()
    proc, url = base.start_icpd(data)
    r = Client(url).get("/v1/public/records", params={"unit_name": UNIT}).expect(200).json()
    check(len(r["items"]) == 2, f"after the backfill at start both units are found by name: {r}")
    migrated = subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", data],
                              capture_output=True, text=True, env=base.env())
    check("backfill subjects.unit_name  done before" in migrated.stdout,
          f"icpctl db migrate: the backfill was done: {migrated.stdout}")
    return proc, url


def main():
    proc, url, data = gate.start()
    try:
        numbers, _ = gate.import_records(url)
        admin = base.sign_in(url, "root", "root-password-1")
        acme = admin.post("/v1/accounts", json_body={
            "login": "acme", "role": "customer", "display_name": UNIT,
            "password": "acme-pass-1"}).expect(201).json()["id"]
        unit_numbers = []
        subjects = []
        for n, domain in enumerate(["yunfan-a.cn", "yunfan-b.cn"]):
            doc = rec.case("21-clean-unit.json")
            doc["subject"]["name"] = UNIT
            if n == 1:  # a second unit of the same name (another certificate)
                doc["subject"]["certificate"]["number"] = credit_code("210102", "MA0TEXT1")
            doc["websites"] = doc["websites"][:1]
            doc["websites"][0]["domains"] = [domain]
            doc["websites"][0]["home_url"] = "http://www." + domain
            number = f"辽ICP备2026{n + 1:06d}号"
            unit_numbers.append(number[:-1] + "号-1")
            subjects.append(rec.filed(acme, number, doc, [(unit_numbers[-1], doc["websites"][0])]))
        imported = admin.post("/v1/admin/records:import", json_body={"subjects": subjects})
        check(imported.expect(200).json()["created"] == 4, "the units are imported")
        public_query(url, numbers, unit_numbers)
        customer = base.sign_in(url, "gate-owner", "gate-owner-pass-1")
        # Before operator_routes, whose raw writer breaks the audit chain at its end.
        notifications(url, data, admin, customer, base.sign_in(url, "acme", "acme-pass-1"))
        operator_routes(url, data, admin, customer)
        draft_checklist(url, customer, "110101199001010111")
        proc, url = backfill_at_start(proc, url, data)
    finally:
        proc.terminate()
        proc.wait()
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("console_api_test: all checks passed")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""End-to-end: a transfer of a subject between accounts (备案转移, seeds 001/003), over HTTP.

The story the seeds tell: 云帆科技有限公司 is on record under the account a colleague opened
("yunfan-old"); the colleague left and nobody can sign in to it. The company signs in with its
own account ("yunfan", verified as the same organisation) and asks support for the records.

Like records_test.py: a SQLite store with its first admin, the real icpd on a free port (its
clock moved by ICP_TEST_CLOCK_FILE, never sleeping), the contract-checking client (every
response validated against api/openapi.yaml), and the filed records imported by the admin
(POST /v1/admin/records:import: the subject and its website, 辽ICP备…号 and …-1).

1. yunfan asks, with the transfer letter (PDF) and the identity document (PNG) in base64; a
   retry with the same Idempotency-Key gets the first answer. An account whose verified real
   name is another's (lisi) is refused (transfer.real-name); a second request while one is
   pending is refused (transfer.pending-for-subject).
2. The old account is told (transfer.requested, in icpd's notification log) and reads the
   request, but not the evidence (404); another account reads nothing (404); the requester
   downloads its letter as sent.
3. The admin lists pending transfers, reads the evidence, cannot approve inside the objection
   window (transfer.objection-window); a week later a stale If-Match is 412; the approval
   moves the subject and its website; deciding again is refused (transfer.decided).
4. yunfan now sees the subject and opens a change filing for it; yunfan-old gets 404 for the
   subject and cannot open one (application.subject-not-here). Both are told.
5. The audit log holds the request, the approval and the move, and its chain verifies
   (`icpctl audit verify`); `icpctl transfers list` shows the transfer approved.

Runs on a temporary SQLite store, and again on PostgreSQL when scripts/with-postgres gives
ICP_TEST_PG_URL and ICP_TEST_PG_RUNTIME_URL (required with ICP_REQUIRE_PG=1).

Usage: transfer_test.py PATH_TO_ICPD PATH_TO_ICPCTL
"""
import base64
import copy
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import filing_test as base  # noqa: E402  (start_icpd, sign_in, create_account, png, icpctl)
import records_test as records  # noqa: E402  (case, filed)
import pg_race_test as race  # noqa: E402  (psql, with_schema)

failures = base.failures
check = base.check
DAY = 86400

ACME_NAME, ACME_USCC = "云帆科技有限公司", "91210102200000216W"
NUMBER = "辽ICP备2021000216号"


def pdf():
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def b64(data):
    return base64.b64encode(data).decode()


def wait_for(what, predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return check(False, f"timed out waiting for {what}")


def main():
    run_on(tempfile.mkdtemp(prefix="beian-transfer-"), {}, [], None)
    stores = "SQLite"
    # The same on PostgreSQL, in a schema of its own, when scripts/with-postgres gives one.
    owner = os.environ.get("ICP_TEST_PG_URL")
    runtime = os.environ.get("ICP_TEST_PG_RUNTIME_URL")
    if owner and runtime:
        schema = "transfer_" + uuid.uuid4().hex[:12]
        created = race.psql(owner, f'CREATE SCHEMA "{schema}"')
        check(created.returncode == 0, f"cannot create the schema: {created.stderr}")
        work = tempfile.mkdtemp(prefix="beian-transfer-pg-")
        try:
            run_on(work, {"ICP_DATABASE": race.with_schema(runtime, schema),
                          "ICP_PII_KEY": os.path.join(work, "pii.key")},
                   ["--database", race.with_schema(owner, schema)],
                   race.with_schema(owner, schema))
        finally:
            race.psql(owner, f'DROP SCHEMA "{schema}" CASCADE')
        stores += " and PostgreSQL"
    elif os.environ.get("ICP_REQUIRE_PG") == "1":
        check(False, "ICP_TEST_PG_URL and ICP_TEST_PG_RUNTIME_URL are required here")
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print(f"transfer_test: requested with evidence, refused for another name, the old account "
          f"told, approved after the window, the subject moved, audited; on {stores}")


def run_on(work, store_env, migrate_args, pg_url):
    """Migrates a store, makes its first admin, and runs the story against icpd on it (its
    clock moved by ICP_TEST_CLOCK_FILE)."""
    data = os.path.join(work, "var")
    os.makedirs(data)
    clock_file = os.path.join(work, "clock-offset")
    with open(clock_file, "w") as f:
        f.write("0")
    env = dict(base.env(), **store_env)
    subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", data, *migrate_args], check=True,
                   env=env, stdout=subprocess.DEVNULL)
    subprocess.run([base.ICPCTL, "accounts", "bootstrap", "--data-dir", data, "--login", "root"],
                   check=True, env=dict(env, ICP_NEW_PASSWORD="root-password-1"),
                   stdout=subprocess.DEVNULL)
    proc, url = base.start_icpd(data, dict(store_env, ICP_TEST_CLOCK_FILE=clock_file))
    try:
        run(url, data, work, clock_file, env, pg_url)
    finally:
        proc.terminate()
        proc.wait(base.TIMEOUT)


def audit_actions(data, pg_url):
    """(action, entity) of the transfer entries of the audit log, in order (read only)."""
    sql = ("SELECT action, entity FROM audit_log WHERE action LIKE 'transfer.%' OR "
           "action = 'subject.transfer' ORDER BY seq")
    if pg_url is None:
        db = sqlite3.connect(f"file:{os.path.join(data, 'icp.db')}?mode=ro", uri=True)
        rows = list(db.execute(sql))
        db.close()
        return rows
    r = race.psql(pg_url, "COPY (" + sql + ") TO STDOUT")
    check(r.returncode == 0, f"reading the audit log: {r.stderr}")
    return [tuple(line.split("\t")) for line in r.stdout.splitlines()]


def organisation(admin, login):
    account = admin.post("/v1/accounts", json_body={
        "login": login, "role": "customer", "display_name": ACME_NAME,
        "password": login + "-pass-1", "mobile": "13800138000"}).expect(201).json()["id"]
    admin.put(f"/v1/accounts/{account}/real-name", json_body={
        "kind": "organisation", "name": ACME_NAME,
        "certificate": {"type": "business_licence", "number": ACME_USCC}}).expect(200)
    return account


def run(url, data, work, clock_file, env, pg_url):
    log = os.path.join(data, "icpd.stderr")

    def told(template, account):
        with open(log, encoding="utf-8", errors="replace") as f:
            return [line for line in f if "notification notify" in line and template in line
                    and f'"account":{account}' in line.replace(" ", "")]

    admin = base.sign_in(url, "root", "root-password-1")
    old = organisation(admin, "yunfan-old")
    new = organisation(admin, "yunfan")
    base.create_account(admin, "lisi", "customer", "lisi-pass-1", "李四", "110101198001010010",
                        "13700137000")
    doc = records.case("21-clean-unit.json")
    doc["websites"][0]["domains"] = ["yunfan-moved.com"]
    doc["websites"][0]["home_url"] = "http://www.yunfan-moved.com"
    imported = admin.post("/v1/admin/records:import", json_body={"subjects": [records.filed(
        old, NUMBER, doc, [(NUMBER[:-1] + "号-1", doc["websites"][0])])]}).expect(200).json()
    subject_id = imported["subjects"][0]["id"]
    yunfan_old = base.sign_in(url, "yunfan-old", "yunfan-old-pass-1")
    yunfan = base.sign_in(url, "yunfan", "yunfan-pass-1")
    lisi = base.sign_in(url, "lisi", "lisi-pass-1")
    check(yunfan_old.get(f"/v1/subjects/{subject_id}").status == 200, "on record under the old")
    yunfan.get(f"/v1/subjects/{subject_id}").expect(404)

    # 1. The request, with its evidence; the same Idempotency-Key answers the same.
    letter, identity = pdf(), base.png(1200, 900)
    body = {"subject_number": NUMBER, "reason": "原账号为已离职同事注册，无法登录，申请转移至本单位账号",
            "evidence": [
                {"kind": "transfer_letter", "file_name": "备案转移申请函.pdf",
                 "content_base64": b64(letter)},
                {"kind": "identity_document", "file_name": "经办人身份证.png",
                 "content_base64": b64(identity)}]}
    key = {"Idempotency-Key": "transfer-yunfan-1"}
    first = yunfan.post("/v1/transfers", json_body=body, headers=key).expect(201)
    transfer = first.json()
    tid = transfer["id"]
    check(first.header("Location") == f"/v1/transfers/{tid}", "Location names the transfer")
    check(transfer["state"] == "pending" and transfer["from_account"] == old and
          transfer["to_account"] == new and transfer["subject_id"] == subject_id,
          f"pending from the old account: {transfer}")
    check([e["kind"] for e in transfer["evidence"]] == ["transfer_letter", "identity_document"],
          f"the evidence: {transfer['evidence']}")
    check(transfer["evidence"][0]["content_type"] == "application/pdf", "the letter is a PDF")
    again = yunfan.post("/v1/transfers", json_body=body, headers=key).expect(201).json()
    check(again["id"] == tid, "a retry with the same key gets the first answer")

    # Another's real name, a second request, missing evidence: each refused with its rule.
    refused = lisi.post("/v1/transfers", json_body=body).expect(409).json()
    check(refused["violations"][0]["rule"] == "transfer.real-name", f"lisi: {refused}")
    twice = yunfan.post("/v1/transfers", json_body=body,
                        headers={"Idempotency-Key": "transfer-yunfan-2"}).expect(409).json()
    check(twice["violations"][0]["rule"] == "transfer.pending-for-subject", f"twice: {twice}")
    thin = dict(body, evidence=body["evidence"][:1], unknown=1)
    bad = yunfan.post("/v1/transfers", json_body=thin).expect(400).json()
    check({v["rule"] for v in bad["violations"]} == {"document.unknown-field"},
          f"an unknown field is refused with its path: {bad}")
    garbled = copy.deepcopy(body)
    garbled["evidence"][0]["content_base64"] = "not base64!"
    garbled["subject_number"] = NUMBER[:-1] + "号-1"  # the website's number
    bad = yunfan.post("/v1/transfers", json_body=garbled).expect(400).json()
    check({(v["field"], v["rule"]) for v in bad["violations"]} ==
          {("evidence[0].content_base64", "request.base64"),
           ("subject_number", "transfer.subject-number")}, f"garbled: {bad}")
    del thin["unknown"]
    bad = yunfan.post("/v1/transfers", json_body=thin).expect(400).json()
    check([(v["field"], v["rule"]) for v in bad["violations"]] ==
          [("evidence", "transfer.evidence-missing")], f"no identity document: {bad}")

    # 2. The old account is told and may read the request, not the requester's papers.
    wait_for("the old account's notice", lambda: told("transfer.requested", old))
    seen = yunfan_old.get(f"/v1/transfers/{tid}").expect(200).json()
    check(seen["evidence"] == [] and seen["state"] == "pending", f"the old account sees: {seen}")
    yunfan_old.get(f"/v1/transfers/{tid}/evidence/0/content").expect(404)
    lisi.get(f"/v1/transfers/{tid}").expect(404)
    lisi.get(f"/v1/transfers/{tid}/evidence/0/content").expect(404)
    got = yunfan.get(f"/v1/transfers/{tid}/evidence/0/content").expect(200)
    check(got.body == letter, "the letter comes back as sent")
    check(got.header("Cache-Control") == "private, no-store", "evidence is never cached")
    mine = yunfan.get("/v1/transfers").expect(200).json()["items"]
    check([t["id"] for t in mine] == [tid], f"yunfan lists its request: {mine}")
    check(lisi.get("/v1/transfers").expect(200).json()["items"] == [], "lisi lists none")

    # 3. The admin: pending, oldest first; the evidence; the window; a stale If-Match.
    pending = admin.get("/v1/transfers", params={"state": "pending"}).expect(200).json()
    check([t["id"] for t in pending["items"]] == [tid], f"pending: {pending}")
    admin.get(f"/v1/transfers/{tid}/evidence/1/content").expect(200)
    read = admin.get(f"/v1/transfers/{tid}").expect(200)
    etag = read.header("ETag")
    early = admin.post(f"/v1/transfers/{tid}:approve", json_body={"reason": "材料齐全"},
                       headers={"If-Match": etag}).expect(409).json()
    check(early["violations"][0]["rule"] == "transfer.objection-window", f"early: {early}")
    with open(clock_file, "w") as f:
        f.write(str(7 * DAY + 3600))
    admin = base.sign_in(url, "root", "root-password-1")  # a session lasts 12 hours
    admin.post(f"/v1/transfers/{tid}:approve", json_body={"reason": "材料齐全"},
               headers={"If-Match": '"r7"'}).expect(412)
    admin.post(f"/v1/transfers/{tid}:approve", json_body={"reason": "材料齐全"}).expect(428)
    approved = admin.post(f"/v1/transfers/{tid}:approve",
                          json_body={"reason": "申请函盖有公章，经办人身份核实无误"},
                          headers={"If-Match": etag}).expect(200)
    check(approved.json()["state"] == "approved", f"approved: {approved.json()}")
    again = admin.post(f"/v1/transfers/{tid}:reject", json_body={"reason": "x"},
                       headers={"If-Match": approved.header("ETag")}).expect(409).json()
    check(again["violations"][0]["rule"] == "transfer.decided", f"decided twice: {again}")

    # 4. The subject and its website are yunfan's now: it opens a change filing for them; the
    # old account sees neither and cannot.
    yunfan = base.sign_in(url, "yunfan", "yunfan-pass-1")
    yunfan_old = base.sign_in(url, "yunfan-old", "yunfan-old-pass-1")
    subjects = yunfan.get("/v1/subjects").expect(200).json()["subjects"]
    check([x["id"] for x in subjects] == [subject_id], f"yunfan has the subject: {subjects}")
    check(yunfan_old.get("/v1/subjects").expect(200).json()["subjects"] == [],
          "the old account has none")
    moved = yunfan.get(f"/v1/subjects/{subject_id}").expect(200).json()
    check(json.dumps(moved, ensure_ascii=False).count("yunfan-moved.com") >= 1,
          "its website came along")
    yunfan_old.get(f"/v1/subjects/{subject_id}").expect(404)
    change = copy.deepcopy(doc)
    change["type"] = "change_subject"
    created = yunfan.post("/v1/applications", json_body=change).expect(201).json()
    check(created["type"] == "change_subject", f"the change: {created['type']}")
    refused = yunfan_old.post("/v1/applications", json_body=change).expect(409).json()
    check(refused["violations"][0]["rule"] == "application.subject-not-here",
          f"the old account: {refused}")
    wait_for("the old account's notice of the move", lambda: told("transfer.moved", old))
    wait_for("the requester's notice", lambda: told("transfer.decided", new))

    # 5. Audited: the request, the approval, the move; the chain verifies.
    actions = audit_actions(data, pg_url)
    check(actions == [("transfer.request", f"transfer:{tid}"),
                      ("transfer.approve", f"transfer:{tid}"),
                      ("subject.transfer", f"subject:{subject_id}")], f"audit: {actions}")
    verify = subprocess.run([base.ICPCTL, "audit", "verify", "--data-dir", data],
                            capture_output=True, text=True, env=env)
    check(verify.returncode == 0, f"the audit chain verifies: {verify.stdout} {verify.stderr}")
    token = os.path.join(work, "admin.token")
    base.icpctl_login(url, "root", "root-password-1", token)
    out = base.icpctl(token, "transfers", "list", "--state", "approved")
    check(f"{tid}\tapproved" in out, f"icpctl transfers list: {out}")
    shown = base.icpctl(token, "transfers", "show", str(tid))
    check("evidence 0 transfer_letter" in shown, f"icpctl transfers show: {shown}")


if __name__ == "__main__":
    main()

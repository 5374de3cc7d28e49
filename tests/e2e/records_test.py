#!/usr/bin/python3
"""End-to-end: an enterprise first filing, and the filings that act on records on file.

Like filing_test.py: a SQLite store with its first admin, the real icpd on a free port, and
the contract-checking client (every response is validated against api/openapi.yaml).

1. An enterprise (云帆科技有限公司, a USCC, its legal representative as leader) files for the
   first time: the type check, the materials its checklist asks for, submit, the reviewer's
   call and pass, the identity verification reviewed, and "ready for bureau".
2. The admin imports filed records (POST /v1/admin/records:import, and `icpctl records import`
   for one file): a second import of the same records is reported unchanged; a record whose
   domain another subject holds is refused with its path; bad numbers are named at theirs;
   a provider's move of 1000 subjects in one request over max_body_bytes is stored, and is
   unchanged when sent again.
   Customers read what they have on record (GET /v1/subjects), another's subject is 404.
3. On those records, each from a type check, submitted and taken to "ready for bureau":
   - a change (变更网站, FACTS §4.7): adding a domain and moving the province are refused with
     the rule's id; deleting a domain goes through;
   - a cancel-website (注销网站) and a cancel-access (取消接入): once submitted, they cannot be
     withdrawn (seed 002);
   and a domain filed under another subject is the type check's conflict.

Runs on a temporary SQLite store, and again on PostgreSQL when scripts/with-postgres gives
ICP_TEST_PG_URL and ICP_TEST_PG_RUNTIME_URL (required with ICP_REQUIRE_PG=1).

Usage: records_test.py PATH_TO_ICPD PATH_TO_ICPCTL
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import filing_test as base  # noqa: E402  (start_icpd, sign_in, create_account, png, icpctl)
import pg_race_test as race  # noqa: E402  (psql, with_schema)

REPO = base.REPO
failures = base.failures
check = base.check

ACME_NAME, ACME_USCC = "云帆科技有限公司", "91210102200000216W"
ACME_LEADER_ID = "210102198001010213"


def case(name):
    """The application of a rule case, without its type and materials."""
    with open(os.path.join(REPO, "data", "rules", "cases", name), encoding="utf-8") as f:
        doc = copy.deepcopy(json.load(f)["application"])
    doc.pop("materials", None)
    doc.pop("type", None)
    return doc


def personal(name, cert, mobile, domains, resource):
    """A personal filer in Beijing (11) with one website on `domains`."""
    doc = base.document(domains[0], cert, mobile)
    doc["subject"]["name"] = doc["subject"]["investor"] = name
    for principal in (doc["subject"]["principal"], doc["websites"][0]["principal"]):
        principal["name"] = name
    doc["websites"][0]["domains"] = list(domains)
    doc["websites"][0]["name"] = name + "的读书笔记"
    doc["websites"][0]["resources"] = [resource]
    return doc


def resident_id(n):
    """A valid GB 11643 number of 110101 born in 1985, distinct for each n < 336000."""
    day = n // 1000
    body = f"1101011985{1 + day // 28:02d}{1 + day % 28:02d}{n % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def bulk_import(admin, account, count):
    """A provider's move: `count` filed subjects with a website each, in one request larger
    than max_body_bytes (the import takes max_upload_bytes), all stored, then all unchanged."""
    subjects = []
    for n in range(count):
        cert = resident_id(n)
        doc = personal("赵六", cert, "13500135000", [f"bulk{n}.example.com"], "ins-bulk")
        number = f"京ICP备2022{n + 1:06d}号"
        subjects.append(filed(account, number, doc, [(number[:-1] + "号-1", doc["websites"][0])]))
    body = json.dumps({"subjects": subjects}, ensure_ascii=False).encode()
    check(len(body) > 1 << 20, f"the bulk import is {len(body)} bytes")
    started = time.monotonic()
    r = admin.post("/v1/admin/records:import", body=body,
                   headers={"Content-Type": "application/json"}).expect(200).json()
    took = time.monotonic() - started
    check(r["created"] == 2 * count, f"bulk import: {r['created']} created")
    r = admin.post("/v1/admin/records:import", body=body,
                   headers={"Content-Type": "application/json"}).expect(200).json()
    check(r["unchanged"] == 2 * count and r["created"] == 0, f"bulk again: {r['unchanged']}")
    print(f"imported {count} subjects with a website each ({len(body)} bytes) in {took:.2f} s")


def filed(account, number, doc, websites):
    """A filed subject for the import: `websites` is [(number, website document)]."""
    return {"account": account, "province": doc["province"], "number": number,
            "subject": doc["subject"],
            "websites": [{"number": n, "website": w} for n, w in websites]}


def upload(customer, app_id, checklist, numbers):
    """Uploads each material the checklist requires; `numbers` by kind for certificates."""
    for m in checklist:
        if m["severity"] != "error" or m["condition"]:
            continue
        params = {"kind": m["kind"], "owner": m["owner"].replace("[*]", "[0]"),
                  "file_name": m["kind"] + ".png"}
        if m["kind"] in numbers:
            params["certificate_number"] = numbers[m["kind"]]
        customer.post(f"/v1/applications/{app_id}/materials", body=base.png(1200, 900),
                      headers={"Content-Type": "image/png"}, params=params).expect(201)


def act(client, app_id, verb, body=None, status=200):
    """Reads the application for its ETag and acts on it."""
    etag = client.get(f"/v1/applications/{app_id}").expect(200).header("ETag")
    return base.act(client, app_id, verb, etag, body, status)


def rules_of(problem):
    return {(v["field"], v["rule"]) for v in problem.get("violations", [])}


def review_to_bureau(reviewer, app_id, call=True):
    """The reviewer claims it, calls the leader (filings) and passes it on."""
    act(reviewer, app_id, "claim")
    if call:
        act(reviewer, app_id, "contact", {"outcome": "reached"})
    return act(reviewer, app_id, "pass").json()


def run_on(work, store_env, migrate_args):
    """Migrates a store, makes its first admin, and runs the scenarios against icpd on it."""
    data = os.path.join(work, "var")
    os.makedirs(data)
    env = dict(base.env(), **store_env)
    subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", data, *migrate_args], check=True,
                   env=env, stdout=subprocess.DEVNULL)
    subprocess.run([base.ICPCTL, "accounts", "bootstrap", "--data-dir", data, "--login", "root"],
                   check=True, env=dict(env, ICP_NEW_PASSWORD="root-password-1"),
                   stdout=subprocess.DEVNULL)
    proc, url = base.start_icpd(data, store_env)
    try:
        run(url, work)
    finally:
        proc.terminate()
        proc.wait(base.TIMEOUT)


def main():
    run_on(tempfile.mkdtemp(prefix="beian-records-"), {}, [])
    stores = "SQLite"
    # The same on PostgreSQL, in a schema of its own, when scripts/with-postgres gives one.
    owner = os.environ.get("ICP_TEST_PG_URL")
    runtime = os.environ.get("ICP_TEST_PG_RUNTIME_URL")
    if owner and runtime:
        schema = "records_" + uuid.uuid4().hex[:12]
        created = race.psql(owner, f'CREATE SCHEMA "{schema}"')
        check(created.returncode == 0, f"cannot create the schema: {created.stderr}")
        work = tempfile.mkdtemp(prefix="beian-records-pg-")
        try:
            run_on(work, {"ICP_DATABASE": race.with_schema(runtime, schema),
                          "ICP_PII_KEY": os.path.join(work, "pii.key")},
                   ["--database", race.with_schema(owner, schema)])
        finally:
            race.psql(owner, f'DROP SCHEMA "{schema}" CASCADE')
        stores += " and PostgreSQL"
    elif os.environ.get("ICP_REQUIRE_PG") == "1":
        check(False, "ICP_TEST_PG_URL and ICP_TEST_PG_RUNTIME_URL are required here")
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print(f"records_test: all checks passed on {stores}")


def run(url, work):
    admin = base.sign_in(url, "root", "root-password-1")
    accounts = {
        "zhangsan": ("张三", "110101199001010111", "13800138000"),
        "lisi": ("李四", "110101198001010010", "13700137000"),
        "wangwu": ("王五", "110101197001010016", "13600136000"),
        "zhaoliu": ("赵六", "110101196001010011", "13500135000"),  # the bulk import's
    }
    ids = {}
    for login, (name, cert, mobile) in accounts.items():
        ids[login] = base.create_account(admin, login, "customer", login + "-pass-1", name, cert,
                                         mobile)
    ids["acme"] = admin.post("/v1/accounts", json_body={
        "login": "acme", "role": "customer", "display_name": ACME_NAME, "password": "acme-pass-1",
        "mobile": "13800138000"}).expect(201).json()["id"]
    admin.put(f"/v1/accounts/{ids['acme']}/real-name", json_body={
        "kind": "organisation", "name": ACME_NAME,
        "certificate": {"type": "business_licence", "number": ACME_USCC}}).expect(200)
    base.create_account(admin, "reviewer1", "reviewer", "reviewer-pass-1", "审核员",
                        "110101199001010111", "13800138000")
    admin.post("/v1/admin/resources:import", json_body={"resources": [{
        "id": "ins-" + login, "account": login, "kind": "cvm", "region": "ap-beijing",
        "mainland": True, "billing": "prepaid", "trial": False,
        "purchased": {"count": 12, "unit": "months"},
        "expires_at": "2027-11-01T00:00:00+08:00", "public_ip": f"203.0.113.{i + 10}"}
        for i, login in enumerate(["zhangsan", "lisi", "wangwu", "acme"])]}).expect(200)
    reviewer = base.sign_in(url, "reviewer1", "reviewer-pass-1")
    customers = {login: base.sign_in(url, login, login + "-pass-1") for login in ids}

    enterprise_first_filing(customers["acme"], reviewer)
    docs = import_records(url, admin, ids, customers, reviewer, work)
    change(customers["zhangsan"], reviewer, docs["zhangsan"])
    cancel_website(customers["lisi"], reviewer, docs["lisi"])
    cancel_access(customers["wangwu"], reviewer, docs["wangwu"])
    # A domain filed under another subject is the type check's conflict, with its fix.
    acme_doc = case("21-clean-unit.json")
    acme_doc["websites"][0]["domains"] = ["lisi-notes.com"]
    conflicts = customers["acme"].post("/v1/type-checks", json_body=acme_doc).expect(200).json()
    check(("websites[0].domains[0]", "type.domain-under-other-subject") in rules_of(
        {"violations": conflicts["conflicts"]}), f"domain conflict: {conflicts}")


def enterprise_first_filing(acme, reviewer):
    doc = case("21-clean-unit.json")
    doc["websites"][0]["domains"] = ["yunfan-first.com"]
    doc["websites"][0]["home_url"] = "http://www.yunfan-first.com"
    doc["websites"][0]["resources"] = ["ins-acme"]
    typed = acme.post("/v1/type-checks", json_body=doc).expect(200).json()
    check(typed["type"] == "first_filing" and typed["conflicts"] == [], f"acme type: {typed}")
    kinds = {m["kind"] for m in typed["materials"] if m["severity"] == "error"}
    check("subject_certificate" in kinds, f"an enterprise shows its licence: {sorted(kinds)}")
    app_id = acme.post("/v1/applications", json_body=doc).expect(201).json()["id"]
    upload(acme, app_id, typed["materials"],
           {"subject_certificate": ACME_USCC, "identity_document": ACME_LEADER_ID})
    submitted = act(acme, app_id, "submit").json()
    check(submitted["state"] == "provider_review", f"acme submitted: {submitted['state']}")
    passed = review_to_bureau(reviewer, app_id)
    check(passed["state"] == "verification", f"acme to verification: {passed['state']}")
    # The leader's curtain photo (幕布照), reviewed; then the last pass.
    v = acme.post(f"/v1/applications/{app_id}/verifications", body=base.png(1200, 900),
                  headers={"Content-Type": "image/png"},
                  params={"method": "curtain_photo"}).expect(201).json()
    reviewer.post(f"/v1/verifications/{v['id']}:review",
                  json_body={"passed": True, "reason": ""}).expect(200)
    ready = act(reviewer, app_id, "pass").json()
    check(ready["state"] == "ready_for_bureau", f"acme ready: {ready['state']}")
    check(ready["type"] == "first_filing", f"acme type: {ready['type']}")


def import_records(url, admin, ids, customers, reviewer, work):
    docs = {
        "zhangsan": personal("张三", "110101199001010111", "13800138000",
                             ["zhangsan-blog.com", "zhangsan-blog.cn"], "ins-zhangsan"),
        "lisi": personal("李四", "110101198001010010", "13700137000", ["lisi-notes.com"],
                         "ins-lisi"),
        "wangwu": personal("王五", "110101197001010016", "13600136000", ["wangwu.com"],
                           "ins-wangwu"),
    }
    lisi_second = copy.deepcopy(docs["lisi"]["websites"][0])
    lisi_second["name"] = "李四的相册"
    lisi_second["domains"] = ["lisi-photos.com"]
    lisi_second["home_url"] = "http://www.lisi-photos.com"
    docs["lisi"]["websites"].append(lisi_second)
    records = [
        filed(ids["zhangsan"], "京ICP备2020001234号", docs["zhangsan"],
              [("京ICP备2020001234号-1", docs["zhangsan"]["websites"][0])]),
        filed(ids["lisi"], "京ICP备2019004321号", docs["lisi"],
              [("京ICP备2019004321号-1", docs["lisi"]["websites"][0]),
               ("京ICP备2019004321号-2", docs["lisi"]["websites"][1])]),
    ]

    # Bad numbers are named at their paths, every one at once; nothing is stored.
    bad = copy.deepcopy(records)
    bad[0]["number"] = "沪ICP备2020001234号"
    bad[1]["websites"][1]["number"] = "京ICP备2019009999号-2"
    bad[1]["websites"][0]["website"]["domian"] = "typo"
    r = admin.post("/v1/admin/records:import", json_body={"subjects": bad}).expect(400).json()
    want = {("subjects[0].number", "filing-number.province"),
            ("subjects[1].websites[1].number", "filing-number.not-under-subject"),
            ("subjects[1].websites[0].website.domian", "document.unknown-field")}
    check(want <= rules_of(r), f"bad import: {rules_of(r)}")
    customers["zhangsan"].post("/v1/admin/records:import",
                               json_body={"subjects": records}).expect(403)

    report = admin.post("/v1/admin/records:import", json_body={"subjects": records}).expect(200)
    report = report.json()
    check(report["created"] == 5 and report["unchanged"] == 0, f"import: {report}")
    again = admin.post("/v1/admin/records:import", json_body={"subjects": records}).expect(200)
    check(again.json()["created"] == 0 and again.json()["unchanged"] == 5,
          f"the same import again changes nothing: {again.json()}")

    # A domain held by another subject: 409 at its path.
    clash = filed(ids["wangwu"], "京ICP备2021005555号", docs["wangwu"],
                  [("京ICP备2021005555号-1", docs["lisi"]["websites"][0])])
    r = admin.post("/v1/admin/records:import", json_body={"subjects": [clash]}).expect(409).json()
    check(("subjects[0].websites[0].website.domains[0]", "website.domain-taken") in rules_of(r),
          f"clash: {rules_of(r)}")

    bulk_import(admin, ids["zhaoliu"], 1000)

    # wangwu's record through icpctl, as an operator does with a file.
    tokens = tempfile.mkdtemp(prefix="beian-tokens-", dir=work)
    token = os.path.join(tokens, "admin")
    base.icpctl_login(url, "root", "root-password-1", token)
    path = os.path.join(work, "wangwu-records.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"subjects": [filed(ids["wangwu"], "京ICP备2021006666号", docs["wangwu"],
                                      [("京ICP备2021006666号-1", docs["wangwu"]["websites"][0])])]},
                  f, ensure_ascii=False)
    out = base.icpctl(token, "records", "import", path)
    check("2 created, 0 unchanged" in out, f"icpctl records import: {out!r}")

    # What each customer has on record; another's subject is 404, staff read any.
    mine = customers["lisi"].get("/v1/subjects").expect(200).json()["subjects"]
    check(len(mine) == 1 and mine[0]["number"] == "京ICP备2019004321号", f"lisi's: {mine}")
    check([w["domains"] for w in mine[0]["websites"]] == [["lisi-notes.com"], ["lisi-photos.com"]],
          f"lisi's websites: {mine[0]['websites']}")
    lisi_subject = mine[0]["id"]
    detail = customers["lisi"].get(f"/v1/subjects/{lisi_subject}").expect(200).json()
    check(detail["subject"]["certificate"]["number"] == "110101198001010010",
          "the owner reads its own data in full")
    customers["zhangsan"].get(f"/v1/subjects/{lisi_subject}").expect(404)
    staff = reviewer.get(f"/v1/subjects/{lisi_subject}").expect(200).json()
    check(staff["websites"][1]["number"] == "京ICP备2019004321号-2", f"staff read: {staff}")
    return docs


def change(customer, reviewer, doc):
    """变更网站: the record's second domain is deleted; adding one, or moving, is refused."""
    typed = customer.post("/v1/type-checks", json_body=doc).expect(200).json()
    check(typed["subject_id"] is not None, f"the type check finds the subject: {typed}")
    check(any(c["rule"] == "type.domain-already-filed" for c in typed["conflicts"]),
          f"filed domains point to a change: {typed['conflicts']}")
    new = copy.deepcopy(doc)
    new["type"] = "change_website"
    new["websites"][0]["domains"] = ["zhangsan-blog.com"]
    listed = customer.post("/v1/type-checks", json_body=new).expect(200).json()
    created = customer.post("/v1/applications", json_body=new).expect(201).json()
    app_id = created["id"]
    check(created["type"] == "change_website", f"change: {created['type']}")
    original = created["document"]["original"]
    check(original["websites"][0]["domains"] == ["zhangsan-blog.com", "zhangsan-blog.cn"],
          f"the record as filed travels with it: {original}")

    # A change only deletes domains, and keeps the province (FACTS §4.7).
    wrong = copy.deepcopy(new)
    wrong["websites"][0]["domains"] = ["zhangsan-blog.com", "zhangsan-new.com"]
    wrong["province"] = "12"
    etag = customer.get(f"/v1/applications/{app_id}").expect(200).header("ETag")
    customer.put(f"/v1/applications/{app_id}", json_body=wrong,
                 headers={"If-Match": etag}).expect(200)
    upload(customer, app_id, listed["materials"], {"identity_document": doc["subject"][
        "certificate"]["number"]})
    refused = act(customer, app_id, "submit", status=400).json()
    rules = {rule for _, rule in rules_of(refused)}
    check("national.change-limits" in rules, f"adding a domain, moving: {rules_of(refused)}")
    fields = {field for field, rule in rules_of(refused) if rule == "national.change-limits"}
    check(any(f.startswith("websites[0].domains") for f in fields) and
          any(f in ("province", "subject.province") for f in fields),
          f"both named at their fields: {fields}")

    etag = customer.get(f"/v1/applications/{app_id}").expect(200).header("ETag")
    customer.put(f"/v1/applications/{app_id}", json_body=new, headers={"If-Match": etag}).expect(200)
    submitted = act(customer, app_id, "submit").json()
    check(submitted["state"] == "provider_review", f"change submitted: {submitted['state']}")
    passed = review_to_bureau(reviewer, app_id)
    check(passed["state"] == "verification", f"change to verification: {passed['state']}")
    ready = act(reviewer, app_id, "pass").json()
    check(ready["state"] == "ready_for_bureau", f"change ready: {ready['state']}")


def cancellation(customer, reviewer, doc, kind):
    """A cancellation from a type check to "ready for bureau"; it cannot be withdrawn."""
    doc = copy.deepcopy(doc)
    doc["type"] = kind
    typed = customer.post("/v1/type-checks", json_body=doc).expect(200).json()
    check(typed["subject_id"] is not None, f"{kind}: the type check finds the subject: {typed}")
    created = customer.post("/v1/applications", json_body=doc).expect(201).json()
    app_id = created["id"]
    check(created["type"] == kind, f"{kind}: {created['type']}")
    upload(customer, app_id, typed["materials"],
           {"identity_document": doc["subject"]["certificate"]["number"]})
    submitted = act(customer, app_id, "submit").json()
    check(submitted["state"] == "provider_review", f"{kind} submitted: {submitted['state']}")
    # Seed 002: once submitted, a cancellation cannot be taken back.
    refused = act(customer, app_id, "withdraw", {"confirm": True}, status=409).json()
    check(("state", "lifecycle.transition") in rules_of(refused), f"{kind}: {refused}")
    ready = review_to_bureau(reviewer, app_id, call=False)
    check(ready["state"] == "ready_for_bureau", f"{kind} ready: {ready['state']}")
    act(customer, app_id, "withdraw", {"confirm": True}, status=409)
    return ready


def cancel_website(customer, reviewer, doc):
    """注销网站: the second of lisi's two websites."""
    doc = copy.deepcopy(doc)
    doc["websites"] = [doc["websites"][1]]
    cancellation(customer, reviewer, doc, "cancel_website")


def cancel_access(customer, reviewer, doc):
    """取消接入: wangwu's website leaves this provider."""
    cancellation(customer, reviewer, doc, "cancel_access")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""End-to-end: a personal first filing's first steps over HTTP only (issue 9, in progress).

Makes a SQLite store (`icpctl db migrate`) with its first admin (`icpctl accounts
bootstrap`), starts the real icpd on a free port, and drives it through the API with the
contract-checking client (tests/e2e/openapi_client.py: every response is validated against
api/openapi.yaml). The admin creates two customers with their real names and bound
mobiles and a reviewer. The customer runs the type check (a first filing, its checklist),
opens the application (a retry with the same Idempotency-Key gets the first answer and makes
one application; the key with another body is 409), cannot submit it without the materials
(every missing one named), and abandons it only with a confirmation and the current ETag
(412 for a stale one). Another customer gets 404 for it, a customer 403 on the review queue.
The rest of the road (uploads, the reviewer's calls, return, fix, pass to "ready for
bureau") needs the materials API, which lands with the next merge (branch h-materials).

Usage: filing_test.py PATH_TO_ICPD PATH_TO_ICPCTL
"""
import copy
import json
import os
import re
import selectors
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openapi_client import Client  # noqa: E402

ICPD, ICPCTL = sys.argv[1], sys.argv[2]
REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TIMEOUT = 20
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith("ICP_")}
    e["ICP_RULES_DIR"] = os.path.join(REPO, "data", "rules")
    e["ICP_PASSWORD_HASH_OPS"] = "1"
    e["ICP_PASSWORD_HASH_MEMORY"] = "8192"
    return e


def start_icpd(data_dir):
    log = open(os.path.join(data_dir, "icpd.stderr"), "ab")
    proc = subprocess.Popen([ICPD, "serve", "--port", "0", "--data-dir", data_dir],
                            stdout=subprocess.PIPE, stderr=log, env=env())
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    pending, deadline = b"", time.monotonic() + TIMEOUT
    while True:
        m = re.search(rb"listening on (http://127\.0\.0\.1:\d+)\n", pending)
        if m:
            return proc, m.group(1).decode()
        left = deadline - time.monotonic()
        if left <= 0 or not selector.select(left):
            raise SystemExit("FAIL: icpd did not start in time")
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            raise SystemExit(f"FAIL: icpd exited ({proc.wait()}) before listening")
        pending += chunk


def sign_in(url, login, password):
    c = Client(url)
    c.post("/v1/sessions", json_body={"login": login, "password": password}).expect(201)
    return c


def document(domain, cert, mobile):
    with open(os.path.join(REPO, "data", "rules", "cases", "11-clean-personal.json"),
              encoding="utf-8") as f:
        doc = json.load(f)["application"]
    doc = copy.deepcopy(doc)
    doc.pop("materials", None)
    doc.pop("type", None)
    doc["websites"][0]["domains"] = [domain]
    doc["websites"][0]["home_url"] = "http://www." + domain
    for principal in (doc["subject"]["principal"], doc["websites"][0]["principal"]):
        principal["certificate"]["number"] = cert
        principal["mobile"] = mobile
    doc["subject"]["certificate"]["number"] = cert
    return doc


def create_account(admin, login, role, password, name, cert, mobile):
    r = admin.post("/v1/accounts", json_body={
        "login": login, "role": role, "display_name": name, "password": password,
        "mobile": mobile}).expect(201)
    account = r.json()["id"]
    if role == "customer":
        admin.put(f"/v1/accounts/{account}/real-name", json_body={
            "kind": "person", "name": name,
            "certificate": {"type": "resident_id", "number": cert}}).expect(200)
    return account


def act(client, app_id, verb, etag, body=None, status=200):
    r = client.post(f"/v1/applications/{app_id}:{verb}", json_body=body if body is not None else {},
                    headers={"If-Match": etag})
    r.expect(status)
    return r


def main():
    work = tempfile.mkdtemp(prefix="beian-filing-")
    data = os.path.join(work, "var")
    os.makedirs(data)
    subprocess.run([ICPCTL, "db", "migrate", "--data-dir", data], check=True, env=env(),
                   stdout=subprocess.DEVNULL)
    subprocess.run([ICPCTL, "accounts", "bootstrap", "--data-dir", data, "--login", "root"],
                   check=True, env=dict(env(), ICP_NEW_PASSWORD="root-password-1"),
                   stdout=subprocess.DEVNULL)
    proc, url = start_icpd(data)
    try:
        run(url)
    finally:
        proc.terminate()
        proc.wait(TIMEOUT)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("filing_test: all checks passed")


def run(url):
    admin = sign_in(url, "root", "root-password-1")
    cert, mobile = "110101199001010111", "13800138000"
    create_account(admin, "zhangsan", "customer", "zhangsan-pass-1", "张三", cert, mobile)
    create_account(admin, "lisi", "customer", "lisi-pass-1", "李四", "110101198001010010",
                   "13700137000")
    create_account(admin, "reviewer1", "reviewer", "reviewer-pass-1", "审核员", cert, mobile)

    customer = sign_in(url, "zhangsan", "zhangsan-pass-1")
    reviewer = sign_in(url, "reviewer1", "reviewer-pass-1")
    other = sign_in(url, "lisi", "lisi-pass-1")
    doc = document("example-bj.com", cert, mobile)

    # 验证备案类型: a first filing, with its checklist.
    check_type = customer.post("/v1/type-checks", json_body=doc).expect(200).json()
    check(check_type["type"] == "first_filing", f"type check: {check_type['type']}")
    check(check_type["conflicts"] == [], f"type check conflicts: {check_type['conflicts']}")
    check(len(check_type["materials"]) > 0, "the checklist names materials")

    # Create, and retry with the same key: one application, the same answer.
    key = {"Idempotency-Key": "create-zhangsan-1"}
    first = customer.post("/v1/applications", json_body=doc, headers=key).expect(201)
    again = customer.post("/v1/applications", json_body=doc, headers=key).expect(201)
    app_id = first.json()["id"]
    check(again.json()["id"] == app_id, "a retried create returns the first answer")
    check(again.header("Idempotent-Replayed") == "true", "the retry is marked replayed")
    listed = customer.get("/v1/applications").expect(200).json()["items"]
    check(len(listed) == 1, f"one application after the retry, not {len(listed)}")
    changed = copy.deepcopy(doc)
    changed["websites"][0]["name"] = "另一个名字"
    customer.post("/v1/applications", json_body=changed, headers=key).expect(409)

    # Another account cannot see it; a customer cannot use the queue.
    other.get(f"/v1/applications/{app_id}").expect(404)
    other.post(f"/v1/applications/{app_id}:submit", json_body={},
               headers={"If-Match": first.header("ETag")}).expect(404)
    customer.get("/v1/review/queue").expect(403)

    # Submitting without materials lists every missing one at once.
    missing = act(customer, app_id, "submit", first.header("ETag"), status=400).json()
    check(len(missing["violations"]) >= 2, "a submit without materials names each")
    customer.get("/v1/applications/999999").expect(404)
    customer.put(f"/v1/applications/{app_id}", json_body=doc).expect(428)
    fixed = copy.deepcopy(doc)
    fixed["websites"][0]["name"] = "张三的读书笔记"
    r = customer.put(f"/v1/applications/{app_id}", json_body=fixed,
                     headers={"If-Match": first.header("ETag")}).expect(200)
    check(r.json()["document"]["websites"][0]["name"] == "张三的读书笔记", "edited")
    check(r.header("ETag") != first.header("ETag"), "an edit moves the ETag")
    customer.put(f"/v1/applications/{app_id}", json_body=doc,
                 headers={"If-Match": first.header("ETag")}).expect(412)
    act(customer, app_id, "withdraw", r.header("ETag"), {}, status=409)  # needs confirm
    act(customer, app_id, "abandon", first.header("ETag"), {"confirm": True}, status=412)
    gone = act(customer, app_id, "abandon", r.header("ETag"), {"confirm": True}).json()
    check(gone["state"] == "abandoned", f"abandoned: {gone['state']}")
    check(customer.get("/v1/applications", params={"state": "draft"}).json()["items"] == [],
          "no draft left")

    # A second customer's own draft, abandoned with its confirmation.
    doc2 = document("lisi-blog.com", "110101198001010010", "13700137000")
    doc2["subject"]["name"] = doc2["subject"]["principal"]["name"] = "李四"
    doc2["websites"][0]["principal"]["name"] = "李四"
    doc2["websites"][0]["resources"] = []
    second = other.post("/v1/applications", json_body=doc2).expect(201).json()
    stored = other.get(f"/v1/applications/{second['id']}").expect(200)
    check(stored.json()["state"] == "draft", "the second application is a draft")
    withdrawn = act(other, second["id"], "abandon", stored.header("ETag"), {"confirm": True})
    check(withdrawn.json()["state"] == "abandoned", "abandoned with confirm")


if __name__ == "__main__":
    main()

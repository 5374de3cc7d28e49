#!/usr/bin/python3
"""End-to-end: a personal first filing from sign-in to "ready for bureau", over HTTP only.

Makes a SQLite store (`icpctl db migrate`) with its first admin (`icpctl accounts
bootstrap`), starts the real icpd on a free port, and drives it through the API with the
contract-checking client (tests/e2e/openapi_client.py: every response is validated against
api/openapi.yaml). The admin creates a customer with its real name and bound mobile and a
reviewer, and imports the customer's server. The customer runs the type check, opens the
application (a retry with the same Idempotency-Key gets the first answer, once), uploads
each material the checklist names, and submits. The reviewer works the queue: a missed call,
a reached one, a return with a reason on a field; the customer sees the reason on that field,
fixes it (a stale If-Match is 412) and resubmits; the reviewer passes it to verification and
on to "ready for bureau". Along the way: another customer gets 404 for it, a customer 403 on
the queue, a submit without materials names each missing one, the same Idempotency-Key with
another body is 409, an irreversible act needs its confirmation, and a second customer's
draft is abandoned with it.

Usage: filing_test.py PATH_TO_ICPD PATH_TO_ICPCTL
"""
import copy
import json
import os
import re
import selectors
import struct
import subprocess
import sys
import tempfile
import time
import zlib

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


def png(width, height):
    """A valid grey PNG of the given size (the upload limits read its header)."""
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def start_icpd(data_dir, extra_env=None):
    log = open(os.path.join(data_dir, "icpd.stderr"), "ab")
    proc = subprocess.Popen([ICPD, "serve", "--port", "0", "--data-dir", data_dir],
                            stdout=subprocess.PIPE, stderr=log, env=dict(env(), **(extra_env or {})))
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


def upload_checklist(customer, app_id, checklist, cert):
    for m in checklist:
        if m["severity"] != "error" or m["condition"]:
            continue
        params = {"kind": m["kind"], "owner": m["owner"].replace("[*]", "[0]"),
                  "file_name": m["kind"] + ".png"}
        if m["kind"] in ("identity_document", "subject_certificate"):
            params["certificate_number"] = cert  # the number the document shows (seed 003)
        customer.post(f"/v1/applications/{app_id}/materials", body=png(1200, 900),
                      headers={"Content-Type": "image/png"}, params=params).expect(201)


def icpctl_login(url, login, password, token_file):
    subprocess.run([ICPCTL, "login", "--url", url, "--login", login], check=True,
                   env=dict(env(), ICP_PASSWORD=password, ICP_TOKEN_FILE=token_file),
                   stdout=subprocess.DEVNULL)


def icpctl(token_file, *args):
    """Runs icpctl with the session in `token_file`; its output (a failure fails the check)."""
    r = subprocess.run([ICPCTL, *args], capture_output=True, text=True,
                       env=dict(env(), ICP_TOKEN_FILE=token_file))
    check(r.returncode == 0, f"icpctl {' '.join(args)}: {r.returncode} {r.stderr}")
    return r.stdout


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
    admin.post("/v1/admin/resources:import", json_body={"resources": [{
        "id": "ins-case00", "account": "zhangsan", "kind": "cvm", "region": "ap-beijing",
        "mainland": True, "billing": "prepaid", "trial": False,
        "purchased": {"count": 12, "unit": "months"},
        "expires_at": "2027-11-01T00:00:00+08:00", "public_ip": "203.0.113.10"}]}).expect(200)

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
    upload_checklist(customer, app_id, check_type["materials"], cert)
    app = customer.get(f"/v1/applications/{app_id}").expect(200)
    submitted = act(customer, app_id, "submit", app.header("ETag")).json()
    check(submitted["state"] == "provider_review", f"submitted: {submitted['state']}")
    check(submitted["deadline"] and submitted["deadline"]["kind"] == "provider_review",
          "provider review has its deadline")

    # The reviewer's queue, a missed call, a reached one, a return with a field reason.
    queue = reviewer.get("/v1/review/queue").expect(200).json()["items"]
    check([a["id"] for a in queue] == [app_id], f"queue: {[a['id'] for a in queue]}")
    r = reviewer.get(f"/v1/applications/{app_id}").expect(200)
    r = act(reviewer, app_id, "claim", r.header("ETag"))
    act(reviewer, app_id, "pass", r.header("ETag"), status=409)  # not reached yet
    r = act(reviewer, app_id, "contact", r.header("ETag"), {"outcome": "missed"})
    check(r.json()["next_call_at"] is not None, "a missed call schedules the second")
    r = act(reviewer, app_id, "contact", r.header("ETag"), {"outcome": "reached"})
    r = act(reviewer, app_id, "return", r.header("ETag"), {"reasons": [{
        "field": "websites[0].name", "message": "网站名称不能使用“笔记”以外的泛称",
        "suggestion": "请改为能体现网站内容的名称"}]})
    check(r.json()["state"] == "provider_returned", "returned")

    # The customer sees the reason on its field, fixes it and resubmits.
    mine = customer.get(f"/v1/applications/{app_id}").expect(200)
    feedback = mine.json()["feedback"]
    check(len(feedback) == 1 and feedback[0]["field"] == "websites[0].name",
          f"feedback on the field: {feedback}")
    fixed = copy.deepcopy(doc)
    fixed["websites"][0]["name"] = "张三的读书笔记"
    customer.put(f"/v1/applications/{app_id}", json_body=fixed,
                 headers={"If-Match": first.header("ETag")}).expect(412)
    customer.put(f"/v1/applications/{app_id}", json_body=fixed).expect(428)
    edited = customer.put(f"/v1/applications/{app_id}", json_body=fixed,
                          headers={"If-Match": mine.header("ETag")}).expect(200)
    check(edited.json()["document"]["websites"][0]["name"] == "张三的读书笔记", "edited")
    act(customer, app_id, "submit", edited.header("ETag"))

    # Round two from a terminal: the reviewer works it with icpctl (login, review queue,
    # contact, pass to verification, pass on), the customer reads its status.
    r = reviewer.get(f"/v1/applications/{app_id}").expect(200)
    check(r.json()["round"] == 2, f"round two: {r.json()['round']}")
    tokens = tempfile.mkdtemp(prefix="beian-tokens-")
    icpctl_login(url, "reviewer1", "reviewer-pass-1", os.path.join(tokens, "reviewer"))
    queue_out = icpctl(os.path.join(tokens, "reviewer"), "review", "queue")
    check(queue_out.startswith(f"{app_id}\t"), f"icpctl review queue: {queue_out!r}")
    icpctl(os.path.join(tokens, "reviewer"), "review", "contact", str(app_id), "reached")
    passed = icpctl(os.path.join(tokens, "reviewer"), "review", "pass", str(app_id))
    check("\tverification\t" in passed, f"icpctl review pass: {passed!r}")
    ready = icpctl(os.path.join(tokens, "reviewer"), "review", "pass", str(app_id))
    check("\tready_for_bureau\t" in ready, f"icpctl review pass: {ready!r}")
    icpctl_login(url, "zhangsan", "zhangsan-pass-1", os.path.join(tokens, "customer"))
    status = icpctl(os.path.join(tokens, "customer"), "status", str(app_id))
    check("ready_for_bureau" in status and "待提交管局" in status, f"icpctl status: {status!r}")
    r = customer.get(f"/v1/applications/{app_id}").expect(200)
    check(r.json()["state"] == "ready_for_bureau", f"ready for bureau: {r.json()['state']}")
    events = [h["event"] for h in customer.get(f"/v1/applications/{app_id}").json()["history"]]
    check(events == ["submit", "contact_missed", "contact_reached", "provider_return", "submit",
                     "contact_reached", "provider_pass", "verification_done"],
          f"history: {events}")
    customer.get("/v1/applications/999999").expect(404)
    act(customer, app_id, "withdraw", r.header("ETag"), {}, status=409)  # needs confirm

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

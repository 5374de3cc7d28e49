#!/usr/bin/python3
"""End-to-end: icpd and icp-bureau together over loopback (issue 10, "What it must show").

Two real services, nothing faked between them: icp-bureau (`serve --test-hooks`, its reviewer
API with a bearer token, a 50 ms pipeline tick) on a temporary SQLite store, and icpd on its
own temporary SQLite store pointed at it as provider A (bureau_url, isp id, user name,
ICP_BUREAU_PASSWORD, AES key and IV; upload and download passes every second). icpd is driven
only through its public HTTP API, with the contract-checking client (every response validated
against api/openapi.yaml), as its customers, its reviewer and its admin would; the bureau through
what MIIT's side offers: the reviewer API (the bureau's examiner), the portal (a leader's phone
entering the SMS code; the public query) and the test hooks (the messages MIIT sent, its clock).
Customers are told by SMS through icpd's webhook sink, which a small server here receives.

1. Type check, materials, provider review, then the bureau: a first filing with two websites
   goes out, its leader enters the MIIT SMS code on the portal, the bureau's examiner approves
   it: icpd's record has the subject's and websites' numbers (GET /v1/subjects), the public
   query shows them, GET /v1/gate allows both domains, and Debian's nginx running
   deploy/nginx/beian-gate.conf serves the site (and still refuses an unfiled host).
2. SMS verification timed out (the bureau's test clock moved 24 h) and failed (five wrong
   entries, the sixth returns it): icpd shows each move in history, the SMS outcome among
   bureau_reasons, tells the customer, and sends the application again (a new SMS).
3. The bureau's examiner returns a filing with a reason on websites[0].name: icpd puts it on
   that field (bureau_reasons, feedback) and tells the customer.
4. A domain filed at the bureau by another provider (`icp-bureau import`): a first filing that
   names it is returned with 1005 at websites[0].domains[0], marked a conflict, and the
   customer gets the conflict notice.
5. An access filing (new_access) of a website first filed through a second icpd (provider B),
   with the filing password the bureau mailed at that first approval: with a wrong password
   the bureau returns it (1018), with the right one it is approved and A's gate allows it.
6. A cancel-website and a cancel-access of the first subject's websites, approved by the
   bureau: icpd's gate denies both domains afterwards; in the public query the cancelled
   website is gone, while the website whose access was cancelled keeps its number (seed 002).

Expected failures are marked with xfail() and the gap they wait on (KNOWN_GAPS), never skipped:
such a check is reported as XFAIL while it fails, and fails the test (XPASS) once it passes, so
the marker is removed with the fix.

Usage: bureau_link_test.py PATH_TO_ICPD PATH_TO_ICPCTL PATH_TO_ICP_BUREAU
"""
import copy
import http.server
import json
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "nginx"))
import filing_test as base  # noqa: E402  (argv[1:3]: icpd, icpctl)
import openapi_client  # noqa: E402
import gate_nginx_test as edge  # noqa: E402  (nginx harness for deploy/nginx/beian-gate.conf)
import records_test as rec  # noqa: E402

BUREAU = sys.argv[3]
check = base.check
failures = base.failures
expected_failures = []

# Gaps other work is closing; a check waiting on one is an expected failure (xfail) until then.
KNOWN_GAPS = {}

TOKEN = "e2e-link-reviewer-token"
# AES-CBC for provider A's payloads (§1.5): key and IV agreed with the bureau out of band.
AES = ("link-e2e-key-16b", "0102030405060708")
WAIT = 40  # seconds any one outcome may take to travel (a pass each second both ways)


def xfail(cond, what, gap):
    """A check known to fail until `gap` is closed: XFAIL while it fails, a failure once it
    passes (remove the marker then)."""
    if cond:
        check(False, f"XPASS (remove the xfail for {KNOWN_GAPS[gap]}): {what}")
    else:
        expected_failures.append(what)
        print(f"XFAIL [{KNOWN_GAPS[gap]}]: {what}", file=sys.stderr)
    return cond


class ExpectedGap:
    """Every check inside that fails is an expected failure of `gap`; none failing is a
    failure (XPASS: remove the marker)."""

    def __init__(self, gap):
        self.gap = gap

    def __enter__(self):
        self.before = len(failures)

    def __exit__(self, *exc):
        new = failures[self.before:]
        del failures[self.before:]
        if not new:
            check(False, f"XPASS (remove the ExpectedGap for {KNOWN_GAPS[self.gap]})")
        for what in new:
            expected_failures.append(what)
            print(f"XFAIL [{KNOWN_GAPS[self.gap]}]: {what}", file=sys.stderr)
        return False


# ---------------------------------------------------------------------------------------------
# icp-bureau: the bureau's side, as MIIT's examiner, portal and test hooks offer it.

class Bureau:
    def __init__(self, work):
        self.data = os.path.join(work, "bureau")
        os.makedirs(self.data)
        self.proc = None
        self.url = None

    def command(self, *args, env=None):
        r = subprocess.run([BUREAU, *args, "--data-dir", self.data], capture_output=True,
                           text=True, timeout=60, env=dict(os.environ, **(env or {})))
        check(r.returncode == 0, f"icp-bureau {' '.join(args[:2])}: {r.returncode} {r.stderr}")
        return r

    def add_provider(self, isp_id, user, password, aes=None):
        flags = ["--aes-key", aes[0], "--aes-iv", aes[1]] if aes else []
        self.command("providers", "add", "--isp-id", str(isp_id), "--user-name", user, *flags,
                     env={"ICP_BUREAU_PROVIDER_PASSWORD": password})

    def start(self):
        log = open(os.path.join(self.data, "serve.stderr"), "ab")
        self.proc = subprocess.Popen(
            [BUREAU, "serve", "--port", "0", "--address", "127.0.0.1", "--data-dir", self.data,
             "--tick-ms", "50", "--test-hooks"],
            stdout=subprocess.PIPE, stderr=log, text=True,
            env=dict(os.environ, ICP_BUREAU_REVIEW_TOKEN=TOKEN))
        for line in self.proc.stdout:
            if line.startswith("listening on "):
                self.url = line.split()[-1]
                break
        if self.url is None:
            raise SystemExit(f"FAIL: icp-bureau did not start ({self.proc.wait()})")

    def stop(self):
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            check(self.proc.wait(timeout=30) == 0, "icp-bureau stops with 0 on SIGTERM")

    def request(self, method, path, body=None, token=False):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + TOKEN
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=20) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, (json.loads(raw) if raw.startswith(b"{") else raw.decode())

    # The examiner (reviewer API).
    def filings(self, state):
        status, body = self.request("GET", f"/bureau/api/filings?state={state}&limit=100",
                                    token=True)
        check(status == 200, f"the bureau lists filings in {state}: {status} {body}")
        return body.get("filings", []) if status == 200 else []

    def wait_filing(self, isp_id, match, what, state="review"):
        """The bureau's filing from provider `isp_id` that `match(summary)` picks, once it waits
        in `state`."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for f in self.filings(state):
                if f["isp_id"] == isp_id and match(f.get("summary", {})):
                    return f
            time.sleep(0.2)
        check(False, f"the bureau has {what} in {state}")
        return None

    def decide(self, filing, verb, body):
        if filing is None:
            return
        status, answer = self.request("POST", f"/bureau/api/filings/{filing['id']}:{verb}",
                                      body, token=True)
        check(status == 200, f"the bureau's examiner can {verb} filing {filing['id']}: "
                             f"{status} {answer}")

    # MIIT's messages and the leader's phone (portal, test hooks).
    def messages(self, to):
        status, body = self.request("GET", "/test/messages?to=" + urllib.parse.quote(to))
        return body["messages"] if status == 200 else []

    def wait_code(self, mobile, after=0):
        """The SMS code in the `after`+1-th message to `mobile` (codes come one per sending)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            codes = [m for m in (re.search(r"核验码为(\d{6})", x["text"])
                                 for x in self.messages(mobile)) if m]
            if len(codes) > after:
                return codes[after].group(1)
            time.sleep(0.2)
        check(False, f"MIIT sent an SMS code to {mobile}")
        return "000000"

    def sms_verify(self, mobile, code, tail):
        return self.request("POST", "/portal/api/sms/verify",
                            {"mobile": mobile, "code": code, "certificate_tail": tail})

    def query(self, condition):
        status, body = self.request("GET", "/portal/api/query?condition=" +
                                    urllib.parse.quote(condition))
        check(status == 200, f"the public query answers for {condition}: {status}")
        return body if status == 200 else {"total": 0, "list": []}


# ---------------------------------------------------------------------------------------------
# What icpd tells customers: its SMS webhook, received here (the customers' phones).

class Phones(http.server.BaseHTTPRequestHandler):
    received = []
    lock = threading.Lock()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with Phones.lock:
            Phones.received.append(body)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def told(app_id):
    """The templates of the SMS icpd sent about an application (keys application:ID:TEMPLATE:N)."""
    with Phones.lock:
        keys = [m["idempotency_key"] for m in Phones.received]
    return [k.split(":")[2] for k in keys if k.startswith(f"application:{app_id}:")]


def wait_told(app_id, template):
    deadline = time.monotonic() + WAIT
    while template not in told(app_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    return check(template in told(app_id),
                 f"application {app_id}: the customer is told {template} (got {told(app_id)})")


# ---------------------------------------------------------------------------------------------
# icpd: a provider's platform, pointed at the bureau.

class Provider:
    def __init__(self, work, name, isp_id, bureau, phones_url, aes=None):
        self.name, self.isp_id = name, isp_id
        self.data = os.path.join(work, name)
        os.makedirs(self.data)
        self.password = f"{name}-bureau-secret-1"
        bureau.add_provider(isp_id, f"isp-{name}", self.password, aes)
        subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", self.data], check=True,
                       env=base.env(), stdout=subprocess.DEVNULL)
        subprocess.run([base.ICPCTL, "accounts", "bootstrap", "--data-dir", self.data,
                        "--login", "root"], check=True,
                       env=dict(base.env(), ICP_NEW_PASSWORD="root-password-1"),
                       stdout=subprocess.DEVNULL)
        settings = {
            "ICP_BUREAU_URL": bureau.url,
            "ICP_BUREAU_ISP_ID": str(isp_id),
            "ICP_BUREAU_USER_NAME": f"isp-{name}",
            "ICP_BUREAU_PASSWORD": self.password,
            "ICP_BUREAU_UPLOAD_INTERVAL_SECONDS": "1",
            "ICP_BUREAU_DOWNLOAD_INTERVAL_SECONDS": "1",
            "ICP_NOTIFY_SINK": "webhook",
            "ICP_SMS_WEBHOOK_URL": phones_url,
        }
        if aes:
            settings.update({"ICP_BUREAU_AES_KEY": aes[0], "ICP_BUREAU_AES_IV": aes[1]})
        self.proc, self.url = base.start_icpd(self.data, settings)
        self.admin = base.sign_in(self.url, "root", "root-password-1")
        base.create_account(self.admin, "examiner", "reviewer", "examiner-pass-1", "审核员",
                            "110101199001010111", "13800138000")
        self.reviewer = base.sign_in(self.url, "examiner", "examiner-pass-1")
        self.customers = {}
        self.ips = 0

    def stop(self):
        self.proc.terminate()
        self.proc.wait(base.TIMEOUT)

    def customer(self, person):
        """An account with `person`'s real name and mobile, and a server of its own."""
        login = person.login
        base.create_account(self.admin, login, "customer", login + "-pass-1", person.name,
                            person.cert, person.mobile)
        self.ips += 1
        self.admin.post("/v1/admin/resources:import", json_body={"resources": [{
            "id": f"ins-{self.name}-{login}", "account": login, "kind": "cvm",
            "region": "ap-beijing", "mainland": True, "billing": "prepaid", "trial": False,
            "purchased": {"count": 12, "unit": "months"},
            "expires_at": "2027-11-01T00:00:00+08:00",
            "public_ip": f"203.0.{113 if self.name == 'a' else 114}.{10 + self.ips}"}]}).expect(200)
        client = base.sign_in(self.url, login, login + "-pass-1")
        self.customers[login] = client
        return client

    def app(self, client, app_id):
        return client.get(f"/v1/applications/{app_id}").expect(200).json()

    def wait_state(self, client, app_id, states, what, events=()):
        """Polls the application until it is in one of `states` and its history holds
        `events`; checks it got there."""
        deadline = time.monotonic() + WAIT
        while True:
            a = self.app(client, app_id)
            history = [h["event"] for h in a["history"]]
            if (a["state"] in states and all(e in history for e in events)) or \
                    time.monotonic() > deadline:
                break
            time.sleep(0.2)
        check(a["state"] in states and all(e in history for e in events),
              f"{what}: application {app_id} is {a['state']} (wanted {states}), "
              f"history {history}, bureau_reasons {a['bureau_reasons']}")
        return a


class Person:
    def __init__(self, login, name, serial, mobile, domain):
        self.login, self.name, self.mobile, self.domain = login, name, mobile, domain
        self.cert = rec.resident_id(serial)
        self.email = f"{login}@example.cn"

    def document(self, resource):
        """A personal first filing in Beijing: one website (a person files one at a time)."""
        doc = rec.personal(self.name, self.cert, self.mobile, [self.domain], resource)
        for p in (doc["subject"]["principal"], doc["websites"][0]["principal"]):
            p["email"] = self.email
        return doc


def to_verification(provider, client, doc):
    """Type check, create, materials, submit; the provider's reviewer calls and passes it."""
    typed = client.post("/v1/type-checks", json_body=doc).expect(200).json()
    check(typed["type"] == doc.get("type", "first_filing") and typed["conflicts"] == [],
          f"type check: {typed['type']} {typed['conflicts']}")
    app_id = client.post("/v1/applications", json_body=doc).expect(201).json()["id"]
    rec.upload(client, app_id, typed["materials"],
               {"identity_document": doc["subject"]["certificate"]["number"]})
    submitted = rec.act(client, app_id, "submit").json()
    check(submitted["state"] == "provider_review", f"submitted: {submitted['state']}")
    passed = rec.review_to_bureau(provider.reviewer, app_id)
    check(passed["state"] == "verification", f"to verification: {passed['state']}")
    return app_id


def release(provider, app_id):
    """The reviewer's last pass: ready for the bureau (the upload pass takes it from here)."""
    ready = rec.act(provider.reviewer, app_id, "pass").json()
    check(ready["state"] == "ready_for_bureau", f"ready for bureau: {ready['state']}")


def has_domain(domain):
    return lambda s: any(domain in w.get("domains", []) for w in s.get("websites", []))


# ---------------------------------------------------------------------------------------------
# The scenarios.

def sms_passed_and_approved(bureau, a, client, person, app_id, sendings=1):
    """The leader enters MIIT's latest code; the bureau's examiner approves."""
    code = bureau.wait_code(person.mobile, after=sendings - 1)
    status, body = bureau.sms_verify(person.mobile, code, person.cert[-6:])
    check(status == 200 and body.get("outcome") == "all_verified",
          f"the portal takes {person.login}'s code: {status} {body}")
    a.wait_state(client, app_id, ["bureau_review"], "SMS verified", ["sms_verified"])
    wait_told(app_id, "application.sms_verified")
    bureau.decide(bureau.wait_filing(a.isp_id, has_domain(person.domain), "the filing"),
                  "approve", {"reviewer": "管局审核员"})
    approved = a.wait_state(client, app_id, ["approved"], "approved by the bureau",
                            ["bureau_approve"])
    wait_told(app_id, "application.approved")
    return approved


def on_record(bureau, a, client, person, approved):
    """icpd's record has the numbers the bureau issued, MIIT's public query shows them, and
    the gate allows the domain (and its subdomains): the website number."""
    subjects = client.get("/v1/subjects").expect(200).json()["subjects"]
    check(len(subjects) == 1, f"one subject on record: {subjects}")
    subject = subjects[0] if subjects else {"number": "", "websites": []}
    number = subject["number"] or ""
    year = time.gmtime(time.time() + 8 * 3600).tm_year
    check(re.fullmatch(rf"京ICP备{year}\d{{6}}号", number) is not None,
          f"the subject's number is Beijing's, this year's: {number!r}")
    check(approved["subject_id"] == subject.get("id"),
          f"the approved first filing names the subject it put on record (subject_id "
          f"{approved['subject_id']}, the subject {subject.get('id')})")
    sites = [(w["domains"], w["number"], w["cancelled"]) for w in subject["websites"]]
    check(sites == [([person.domain], number + "-1", False)], f"the website's number: {sites}")
    q = bureau.query(person.domain)
    row = q["list"][0] if q["total"] == 1 else {}
    check(row.get("mainLicence") == number and row.get("serviceLicence") == number + "-1" and
          row.get("unitName") == person.name and row.get("domain") == person.domain,
          f"the public query shows {person.domain}: {q}")
    r = wait_gate(a, "www." + person.domain, 200, "an approval")
    check(r.get("number") == number + "-1" and r.get("domain") == person.domain,
          f"the gate allows www.{person.domain} with its number: {r}")
    return number


def first_filing(bureau, a, client, person, app_id, work):
    approved = sms_passed_and_approved(bureau, a, client, person, app_id)
    events = [h["event"] for h in approved["history"]]
    check(events[-4:] == ["verification_done", "sent_to_bureau", "sms_verified",
                          "bureau_approve"], f"the bureau's moves in history: {events}")
    check(approved["bureau_reasons"] == [], f"no reasons: {approved['bureau_reasons']}")
    number = on_record(bureau, a, client, person, approved)
    through_nginx(a, work, person.domain)
    print(f"first filing: {person.domain} approved as {number}-1, in the public query, "
          "allowed by the gate and through nginx")
    return number


def wait_gate(provider, host, status, what):
    """The gate's answer for `host` once it is `status`, or after 5 s (a change reaches the gate
    within a second: docs/api.md)."""
    anyone = base.Client(provider.url)
    deadline = time.monotonic() + 5
    while True:
        r = anyone.get("/v1/gate?host=" + urllib.parse.quote(host))
        if r.status == status or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    return r.json() if r.status == status else {"status": r.status, **r.json()}


def through_nginx(provider, work, domain):
    """Debian's nginx on deploy/nginx/beian-gate.conf in front of icpd's gate."""
    if edge.NGINX is None:
        msg = "nginx is not installed (scripts/install-deps installs nginx-light)"
        if os.environ.get("CI") == "true" or os.environ.get("ICP_REQUIRE_NGINX") == "1":
            check(False, msg)
        else:
            print("SKIP the nginx part:", msg)
        return
    site = os.path.join(work, "nginx")
    os.makedirs(site)
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), edge.Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = edge.free_port()
    conf = edge.nginx_config(site, provider.url, upstream.server_address[1], port)
    server = subprocess.Popen([edge.NGINX, "-p", site, "-c", conf, "-g", "daemon off;"],
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        status, _, body = edge.fetch(port, "www." + domain, "/index.html")
        check(status == 200 and body == f"upstream ok: www.{domain} /index.html\n",
              f"nginx serves the filed site: {status} {body[:200]!r}")
        status, headers, body = edge.fetch(port, "not-filed-" + domain)
        check(status == 403 and "未备案" in body and headers.get("X-Beian-Gate") == "not_filed",
              f"nginx refuses an unfiled host with the notice: {status} {headers}")
    finally:
        server.send_signal(signal.SIGQUIT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        upstream.shutdown()


def sms_timed_out(bureau, a, client, person, app_id):
    """Nobody enters the code; 24 h pass on the bureau's clock: MIIT returns it (9013)."""
    a.wait_state(client, app_id, ["sms_pending"], "sent, waiting for the SMS code")
    # The bureau takes the upload at once but sends the code at its next tick: the clock may
    # move only once the code is out, or the code's 24 h start after the move and never end
    # (how this test failed on a loaded machine).
    bureau.wait_code(person.mobile)
    status, body = bureau.request("POST", "/test/clock", {"advance_seconds": 86400 + 60})
    check(status == 200, f"the bureau's clock moves 24 h: {status} {body}")
    r = a.wait_state(client, app_id, ["ready_for_bureau", "sms_pending"],
                     "SMS timed out, sent again", ["sms_timed_out"])
    history = [h["event"] for h in r["history"]]
    i = history.index("sms_timed_out") if "sms_timed_out" in history else 0
    check(history[i - 1:i + 1] == ["sent_to_bureau", "sms_timed_out"],
          f"timed out after it was sent: {history}")
    check([(x["code"], x["field"], x["conflict"]) for x in r["bureau_reasons"]] ==
          [(9013, "", False)], f"the timeout among bureau_reasons: {r['bureau_reasons']}")
    wait_told(app_id, "application.sms_returned")
    # Sent again as it is: MIIT sends a new code.
    a.wait_state(client, app_id, ["sms_pending"], "sent again after the timeout")
    print(f"SMS timed out: application {app_id} returned (9013) and sent again")


def sms_failed(bureau, a, client, person, app_id):
    """Five wrong entries are allowed; the sixth makes MIIT return it (9014)."""
    right = bureau.wait_code(person.mobile)
    wrong = f"{(int(right) + 1) % 1000000:06d}"
    outcomes = [bureau.sms_verify(person.mobile, wrong, person.cert[-6:])[1].get("outcome")
                for _ in range(6)]
    check(outcomes == ["wrong"] * 5 + ["failed"], f"the sixth wrong entry fails: {outcomes}")
    r = a.wait_state(client, app_id, ["ready_for_bureau", "sms_pending"],
                     "SMS failed, sent again", ["sms_failed_five_times"])
    check([(x["code"], x["field"]) for x in r["bureau_reasons"]] == [(9014, "")],
          f"the failure among bureau_reasons: {r['bureau_reasons']}")
    wait_told(app_id, "application.sms_returned")
    a.wait_state(client, app_id, ["sms_pending"], "sent again after the failure")
    bureau.wait_code(person.mobile, after=1)  # a new code for the new try
    print(f"SMS failed: application {app_id} returned at the sixth wrong entry (9014), sent again")


def returned_on_field(bureau, a, client, person, app_id):
    """The examiner returns it with a reason on websites[0].name."""
    code = bureau.wait_code(person.mobile)
    bureau.sms_verify(person.mobile, code, person.cert[-6:])
    a.wait_state(client, app_id, ["bureau_review"], "SMS verified", ["sms_verified"])
    filing = bureau.wait_filing(a.isp_id, has_domain(person.domain), "the filing to return")
    bureau.decide(filing, "return", {"reasons": [
        {"jgdm": 1002, "path": "websites[0].name", "text": "网站名称不能使用泛称"}],
        "reviewer": "管局审核员"})
    r = a.wait_state(client, app_id, ["bureau_returned"], "returned by the bureau",
                     ["bureau_return"])
    reasons = [(x["field"], x["code"], x["message"], x["conflict"]) for x in r["bureau_reasons"]]
    check(("websites[0].name", 1002, "网站名称不能使用泛称", False) in reasons,
          f"the reason lands on websites[0].name: {reasons}")
    check(any(f["field"] == "websites[0].name" and f["message"] == "网站名称不能使用泛称"
              for f in r["feedback"]), f"and in feedback, on the field: {r['feedback']}")
    wait_told(app_id, "application.bureau_returned")
    print(f"returned: application {app_id} with 1002 on websites[0].name")


def conflict(a, client, app_id, domain):
    """The domain is filed under another subject at another provider: 1005, a conflict."""
    r = a.wait_state(client, app_id, ["bureau_returned"], "a conflict returned at intake",
                     ["bureau_return"])
    reasons = [(x["field"], x["code"], x["conflict"]) for x in r["bureau_reasons"]]
    check(("websites[0].domains[0]", 1005, True) in reasons,
          f"1005 at websites[0].domains[0], a conflict: {r['bureau_reasons']}")
    check(any(f["field"] == "websites[0].domains[0]" and "线下" in f["suggestion"]
              for f in r["feedback"]), f"the offline remedy in feedback: {r['feedback']}")
    wait_told(app_id, "application.bureau_conflict")
    check(domain in json.dumps(r["document"]), "the application names the domain")
    print(f"conflict: application {app_id} returned with 1005 on websites[0].domains[0]")


def conflict_seen_by_type_check(provider, client, person):
    """The type check asks the bureau's registry: a domain filed under another provider's
    subject is the conflict type.domain-under-other-subject on the very field."""
    doc = person.document(f"ins-{provider.name}-{person.login}")
    typed = client.post("/v1/type-checks", json_body=doc).expect(200).json()
    check(any(c["field"] == "websites[0].domains[0]" and
              c["rule"] == "type.domain-under-other-subject" for c in typed["conflicts"]),
          f"the type check after the other provider's filing: {typed['conflicts']}")
    check(typed["bureau"]["asked"] == "asked" and
          any(d["domain"] == person.domain for d in typed["bureau"]["domains"]),
          f"the type check asked the bureau about {person.domain}: {typed['bureau']}")


def import_other_provider(bureau, work, domain):
    """A subject filed through provider C, imported into the bureau's registry."""
    line = {"subject": {"number": "京ICP备2019000777号", "name": "别家科技有限公司", "nature": 4,
                        "certificate": {"type": 1, "number": "91110000000000777X"},
                        "region": {"province": 110000, "city": 110100},
                        "leader": {"name": "赵七", "mobiles": "13900139777",
                                   "emails": "zhao@other.example"}},
            "websites": [{"number": "京ICP备2019000777号-1", "name": "别家官网",
                          "domains": [domain], "languages": [1],
                          "leader": {"name": "赵七", "mobiles": "13900139777",
                                     "emails": "zhao@other.example"},
                          "accesses": [{"isp_id": 440000000003, "locations": [19],
                                        "methods": [3], "ips": ["198.51.100.7"]}]}]}
    path = os.path.join(work, "other-provider.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
    bureau.command("import", path)
    check(bureau.query(domain)["total"] == 1, f"{domain} is filed at the bureau")


def submit_takes_filing_password():
    """Whether icpd's submit takes the filing password (备案密码) an access filing sends as
    ICPmm: a property named like a password in POST /v1/applications/{id}:submit's body."""
    spec = openapi_client.load_spec()
    found = []

    def walk(node, seen):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/") and ref not in seen:
                walk(spec["components"]["schemas"][ref.rsplit("/", 1)[1]], seen | {ref})
            found.extend(k for k in node.get("properties", {}) if "password" in k)
            for value in node.values():
                walk(value, seen)
        elif isinstance(node, list):
            for value in node:
                walk(value, seen)
    walk(spec["paths"]["/v1/applications/{id}:submit"]["post"].get("requestBody", {}), set())
    return found


def access_filing(bureau, a, b, b_client, person, b_app):
    """`person` filed through provider B; now provider A serves the website too (new_access),
    with the filing password the bureau mailed at B's approval: the wrong one refused with
    seed 004's recovery hint, the right one sent, approved, and A's gate allows it."""
    approved = sms_passed_and_approved(bureau, b, b_client, person, b_app)
    check(approved["state"] == "approved", "the first filing at provider B is approved")
    mailed = [m["text"] for m in bureau.messages(person.email) if "ICP备案密码：" in m["text"]]
    check(len(mailed) == 1, f"the bureau mailed the filing password once: {mailed}")
    password = mailed[0].split("ICP备案密码：", 1)[1].split("。", 1)[0] if mailed else ""
    check(re.fullmatch(r"\S{8}", password) is not None, f"a filing password: {password!r}")
    r = wait_gate(b, "www." + person.domain, 200, "B's approval")
    check(r.get("decision") == "allow", f"provider B's gate allows {person.domain}: {r}")
    r = wait_gate(a, "www." + person.domain, 403, "not at A")
    check(r.get("reason") == "not_filed", f"provider A does not serve it yet: {r}")

    fields = submit_takes_filing_password()
    check(fields == ["filing_password"], "icpd's submit takes the filing password an access "
          f"filing sends as ICPmm (found {fields})")
    # The same person, now also A's customer, asks A to serve the website: the record as
    # MIIT's public query shows it (its numbers and the bureau's ids) travels with it.
    client = a.customer(person)
    q = bureau.query(person.domain)
    row = q["list"][0] if q["total"] == 1 else {}
    doc = person.document(f"ins-a-{person.login}")
    doc["type"] = "new_access"
    doc["original"] = {
        "subject": copy.deepcopy(doc["subject"]), "websites": copy.deepcopy(doc["websites"]),
        "bureau": {"subject_id": row.get("mainId"), "subject_number": row.get("mainLicence"),
                   "websites": [{"id": row.get("serviceId"), "number": row.get("serviceLicence"),
                                 "domains": [{"domain": person.domain,
                                              "id": row.get("domainId")}]}]}}
    typed = client.post("/v1/type-checks", json_body=doc).expect(200).json()
    check(typed["type"] == "new_access", f"the type check: {typed['type']} {typed['conflicts']}")
    app_id = client.post("/v1/applications", json_body=doc).expect(201).json()["id"]
    rec.upload(client, app_id, typed["materials"], {"identity_document": person.cert})
    wrong = rec.act(client, app_id, "submit", {"filing_password": password[::-1]}, 400).json()
    hints = [v for v in wrong["violations"] if v["field"] == "filing_password"]
    check(hints and "找回" in hints[0]["message_zh"],
          f"a wrong password is refused with seed 004's recovery hint: {wrong['violations']}")
    rec.act(client, app_id, "submit", {"filing_password": password})
    passed = rec.review_to_bureau(a.reviewer, app_id)
    if passed["state"] == "verification":
        release(a, app_id)
    code = bureau.wait_code(person.mobile, after=1)  # the website leader on file verifies
    bureau.sms_verify(person.mobile, code, person.cert[-6:])
    bureau.decide(bureau.wait_filing(a.isp_id, lambda s: bool(s.get("website")), "the access"),
                  "approve", {})
    a.wait_state(client, app_id, ["approved"], "the access filing approved", ["bureau_approve"])
    r = wait_gate(a, "www." + person.domain, 200, "A's access")
    check(r.get("decision") == "allow", f"provider A's gate allows {person.domain} once its "
          f"access is approved: {r}")
    # The record A now holds: the subject and website with their numbers, in the customer's
    # account at A (the BASJ of a record A never held puts it on A's record).
    subjects = client.get("/v1/subjects").expect(200).json()["subjects"]
    sites = [(w["domains"], w["number"], w["cancelled"]) for s in subjects for w in s["websites"]]
    check([s["number"] for s in subjects] == [row.get("mainLicence")] and
          sites == [([person.domain], row.get("serviceLicence"), False)],
          f"A's record has the website it now serves: {subjects}")


def cancellation(bureau, a, client, person, kind):
    """A cancellation from the type check to the bureau's approval (no SMS)."""
    doc = person.document(f"ins-a-{person.login}")
    doc["type"] = kind
    typed = client.post("/v1/type-checks", json_body=doc).expect(200).json()
    check(typed["subject_id"] is not None, f"{kind}: the type check finds the subject")
    app_id = client.post("/v1/applications", json_body=doc).expect(201).json()["id"]
    rec.upload(client, app_id, typed["materials"],
               {"identity_document": doc["subject"]["certificate"]["number"]})
    # The filing password the bureau mailed at the first filing's approval.
    mailed = [m["text"] for m in bureau.messages(person.email) if "ICP备案密码：" in m["text"]]
    password = mailed[-1].split("ICP备案密码：", 1)[1].split("。", 1)[0] if mailed else ""
    rec.act(client, app_id, "submit", {"filing_password": password})
    ready = rec.review_to_bureau(a.reviewer, app_id, call=False)
    check(ready["state"] == "ready_for_bureau", f"{kind} ready: {ready['state']}")
    return app_id


def cancellations(bureau, a, sites):
    """注销网站 of one website, 取消接入 of another, approved by the bureau: `sites` is
    {kind: (person, client, number)}."""
    ids = {kind: cancellation(bureau, a, client, person, kind)
           for kind, (person, client, _) in sites.items()}
    for kind, cancel in (("cancel_website", "website"), ("cancel_access", "access")):
        person, client, _ = sites[kind]
        a.wait_state(client, ids[kind], ["bureau_review"], f"{kind} sent (no SMS)",
                     ["sent_to_bureau"])
        filing = bureau.wait_filing(a.isp_id, lambda s, c=cancel: s.get("cancel") == c,
                                    f"the {kind}")
        bureau.decide(filing, "approve", {})
    for kind, (person, client, number) in sites.items():
        a.wait_state(client, ids[kind], ["approved"], f"{kind} approved", ["bureau_approve"])
        wait_told(ids[kind], "application.cancellation_done")

    # MIIT's side: the cancelled website leaves the query; the other keeps its number.
    person, client, number = sites["cancel_website"]
    check(bureau.query(person.domain)["total"] == 0,
          f"the cancelled website {person.domain} leaves the public query")
    person, client, number = sites["cancel_access"]
    q = bureau.query(person.domain)
    check(q["total"] == 1 and q["list"][0]["serviceLicence"] == number + "-1",
          f"after the cancel-access {person.domain} keeps {number}-1 (seed 002): {q}")

    # The provider's side: its gate stops serving both, and its record says so.
    for kind, (person, client, number) in sites.items():
        r = wait_gate(a, "www." + person.domain, 403, kind)
        check(r.get("decision") == "deny" and r.get("reason") == "not_filed",
              f"after the {kind} the gate denies {person.domain}: {r}")
    person, client, number = sites["cancel_website"]
    subjects = client.get("/v1/subjects").expect(200).json()["subjects"]
    cancelled = [(w["number"], w["cancelled"]) for s in subjects for w in s["websites"]]
    check(cancelled == [(number + "-1", True)],
          f"icpd's record shows {number}-1 cancelled: {cancelled}")
    print("cancellations approved: the cancelled website left the public query, the other "
          "kept its number")


def run(work):
    phones = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Phones)
    threading.Thread(target=phones.serve_forever, daemon=True).start()
    phones_url = f"http://127.0.0.1:{phones.server_address[1]}/sms"
    bureau = Bureau(work)
    aes = AES
    providers = []
    try:
        bureau.start()
        a = Provider(work, "a", 440000000001, bureau, phones_url, aes)
        providers.append(a)
        b = Provider(work, "b", 440000000002, bureau, phones_url)
        providers.append(b)
        run_scenarios(bureau, a, b, work)
    finally:
        if failures:  # what each icpd's gateway reported, to read beside the failures
            for p in providers:
                with open(os.path.join(p.data, "icpd.stderr"), errors="replace") as f:
                    said = [l for l in f if "bureau" in l and ("error" in l or "warn" in l)]
                print(f"icpd {p.name}'s bureau problems:\n" + "".join(said[-15:]), file=sys.stderr)
        for p in providers:
            p.stop()
        bureau.stop()
        phones.shutdown()


def run_scenarios(bureau, a, b, work):
    people = {
        "first": Person("zhang", "张三", 101, "13800138101", "link-first.cn"),
        "timeout": Person("li", "李四", 102, "13800138102", "link-timeout.cn"),
        "failed": Person("wang", "王五", 103, "13800138103", "link-failed.cn"),
        "returned": Person("zhao", "赵六", 104, "13800138104", "link-returned.cn"),
        "conflict": Person("qian", "钱七", 105, "13800138105", "taken-elsewhere.cn"),
        "access": Person("sun", "孙八", 106, "13800138106", "link-access.cn"),
    }
    clients, apps = {}, {}
    for key, person in people.items():
        provider = b if key == "access" else a
        clients[key] = provider.customer(person)
        apps[key] = to_verification(provider, clients[key],
                                    person.document(f"ins-{provider.name}-{person.login}"))
    # Another provider's customer files the conflict's domain while that application is on its
    # way: icpd's type check now sees it in the bureau's registry (isp_querybeianstatus), and
    # the application already made meets it at the bureau's intake (1005).
    import_other_provider(bureau, work, people["conflict"].domain)
    conflict_seen_by_type_check(a, clients["conflict"], people["conflict"])

    # The timeout goes alone: moving the bureau's clock 24 h times out every code waiting.
    release(a, apps["timeout"])
    sms_timed_out(bureau, a, clients["timeout"], people["timeout"], apps["timeout"])

    for key in ("first", "failed", "returned", "conflict"):
        release(a, apps[key])
    release(b, apps["access"])
    sms_failed(bureau, a, clients["failed"], people["failed"], apps["failed"])
    returned_on_field(bureau, a, clients["returned"], people["returned"], apps["returned"])
    conflict(a, clients["conflict"], apps["conflict"], people["conflict"].domain)
    number = first_filing(bureau, a, clients["first"], people["first"], apps["first"], work)
    # The one whose code timed out gets it right the second time.
    person = people["timeout"]
    approved = sms_passed_and_approved(bureau, a, clients["timeout"], person, apps["timeout"],
                                       sendings=2)
    timeout_number = on_record(bureau, a, clients["timeout"], person, approved)
    access_filing(bureau, a, b, clients["access"], people["access"], apps["access"])
    cancellations(bureau, a, {
        "cancel_website": (person, clients["timeout"], timeout_number),
        "cancel_access": (people["first"], clients["first"], number)})


def main():
    work = tempfile.mkdtemp(prefix="beian-link-")
    os.chmod(work, 0o755)  # nginx's workers run as www-data
    started = time.monotonic()
    try:
        run(work)
    finally:
        if failures:
            for name in ("a/icpd.stderr", "b/icpd.stderr", "bureau/serve.stderr"):
                path = os.path.join(work, name)
                if os.path.exists(path):
                    with open(path, encoding="utf-8", errors="replace") as f:
                        print(f"--- {name} (end)\n" + f.read()[-4000:], file=sys.stderr)
    took = time.monotonic() - started
    for what in expected_failures:
        print("expected failure:", what)
    if failures:
        print(f"{len(failures)} check(s) failed ({took:.0f} s)", file=sys.stderr)
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)
    print(f"bureau_link_test: all checks passed in {took:.0f} s "
          f"({len(expected_failures)} expected failure(s))")


if __name__ == "__main__":
    main()

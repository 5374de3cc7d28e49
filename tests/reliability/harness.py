"""What the reliability tests share (docs/reliability.md): icpd processes that can be killed and
started again on one store, icp-bureau on loopback, a webhook sink that counts deliveries, the
store read directly (SQLite's file, PostgreSQL through psql) and customers with their own
accounts, servers and first filings.

Imported by crash_test.py and faults_test.py, whose argv starts PATH_TO_ICPD PATH_TO_ICPCTL
PATH_TO_ICP_BUREAU (tests/e2e/filing_test.py reads the first two on import).
Runs on /usr/bin/python3 with Debian's packages only.
"""
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import filing_test as base  # noqa: E402  (argv[1:3]: icpd, icpctl; start_icpd, document, png)
import openapi_client  # noqa: E402

ICPD, ICPCTL = base.ICPD, base.ICPCTL
BUREAU = sys.argv[3]
REVIEW_TOKEN = "reliability-reviewer-token"
PSQL = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"

failures = []
failures_lock = threading.Lock()


# How much slower the binaries under test run than a release build: scripts/test-sanitize sets
# ICP_TEST_SLOWDOWN for its AddressSanitizer build, and waits for an outcome scale by it.
SLOWDOWN = float(os.environ.get("ICP_TEST_SLOWDOWN", "1"))


def check(cond, what):
    if not cond:
        with failures_lock:
            failures.append(what)
        print("FAIL:", what, file=sys.stderr, flush=True)
    return cond


def say(*args):
    print(*args, flush=True)


# ---------------------------------------------------------------------------------------------
# Identifiers.

def resident_id(n):
    """A valid GB 11643 number of 110101 born in 1986, distinct for each n < 336000."""
    day = n // 1000
    body = f"1101011986{1 + day // 28:02d}{1 + day % 28:02d}{n % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def mobile(n):
    return f"139{n:08d}"


# ---------------------------------------------------------------------------------------------
# A store read directly, one consistent snapshot per call.

class Store:
    """icpd's store: a SQLite file, or a PostgreSQL schema (owner URL + search_path)."""

    def __init__(self, sqlite_file=None, pg_url=None):
        self.sqlite_file, self.pg_url = sqlite_file, pg_url

    def snapshot(self, queries):
        """Runs every query of the dict {name: sql} in one read-only snapshot; {name: rows},
        each row a tuple of strings (None for NULL)."""
        if self.sqlite_file:
            db = sqlite3.connect(f"file:{self.sqlite_file}?mode=ro", uri=True, timeout=30,
                                 isolation_level=None)
            try:
                db.execute("BEGIN")
                out = {}
                for name, sql in queries.items():
                    out[name] = [tuple(None if v is None else str(v) for v in row)
                                 for row in db.execute(sql).fetchall()]
                db.execute("COMMIT")
                return out
            finally:
                db.close()
        # psql: one REPEATABLE READ transaction; each query's rows as JSON after a marker.
        script = ["BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"]
        for name, sql in queries.items():
            script.append(f"\\echo @@{name}")
            script.append(f"SELECT coalesce(json_agg(row_to_json(q)), '[]') FROM ({sql}) q;")
        script.append("COMMIT;")
        r = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d",
                            self.pg_url], input="\n".join(script), capture_output=True,
                           text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"psql: {r.stderr}")
        out, name = {}, None
        for line in r.stdout.splitlines():
            if line.startswith("@@"):
                name = line[2:]
            elif name and line.strip():
                rows = json.loads(line)
                out[name] = [tuple(None if v is None else str(v) for v in row.values())
                             for row in rows]
                name = None
        return out


def pg_urls():
    """(owner URL, runtime URL) from scripts/with-postgres, or None when there is none (a
    failure under make test: ICP_REQUIRE_PG=1 or CI)."""
    owner = os.environ.get("ICP_TEST_PG_URL")
    runtime = os.environ.get("ICP_TEST_PG_RUNTIME_URL")
    if owner and runtime:
        return owner, runtime
    if os.environ.get("ICP_REQUIRE_PG") == "1" or os.environ.get("CI") == "true":
        check(False, "ICP_TEST_PG_URL and ICP_TEST_PG_RUNTIME_URL are required here "
                     "(scripts/with-postgres)")
    else:
        say("no PostgreSQL (ICP_TEST_PG_URL unset): the PostgreSQL part is skipped")
    return None


def with_schema(url, schema):
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def psql(url, sql):
    return subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                          capture_output=True, text=True)


# ---------------------------------------------------------------------------------------------
# icpd: a process on a store, killed and started again.

class Icpd:
    def __init__(self, data_dir, settings):
        self.data, self.settings = data_dir, settings
        self.proc, self.url = None, None
        self.starts = 0

    def start(self):
        self.proc, self.url = base.start_icpd(self.data, self.settings)
        self.starts += 1

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self.proc = None

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


def icpctl(*args, extra_env=None):
    return subprocess.run([ICPCTL, *args], capture_output=True, text=True, timeout=300,
                          env=dict(base.env(), **(extra_env or {})))


def prepare_store(data, database=None, owner_database=None, pii_key=None):
    """Migrates the store and makes its first admin (root / root-password-1)."""
    extra = {}
    if database:
        extra["ICP_DATABASE"] = database
    if pii_key:
        extra["ICP_PII_KEY"] = pii_key
    args = ["db", "migrate", "--data-dir", data]
    if owner_database:
        args += ["--database", owner_database]
    r = icpctl(*args, extra_env=extra)
    check(r.returncode == 0, f"icpctl db migrate: {r.stderr}")
    r = icpctl("accounts", "bootstrap", "--data-dir", data, "--login", "root",
               extra_env=dict(extra, ICP_NEW_PASSWORD="root-password-1"))
    check(r.returncode == 0, f"icpctl accounts bootstrap: {r.stderr}")
    return extra


def audit_verify(data, extra_env):
    r = icpctl("audit", "verify", "--json", "--data-dir", data, extra_env=extra_env)
    ok = check(r.returncode == 0, f"icpctl audit verify: {r.returncode} {r.stdout} {r.stderr}")
    return ok, r.stdout.strip()


# ---------------------------------------------------------------------------------------------
# A client that follows an icpd across restarts and waits out its absence.

class Unreachable(Exception):
    pass


class Client(openapi_client.Client):
    """The contract-checking client whose target is asked of `where()` at every request (an
    icpd started again listens on a new port); a request that cannot reach it, or that the
    connection drops, raises Unreachable."""

    def __init__(self, where):
        super().__init__(where())
        self.where = where

    def request(self, method, path, **kw):
        url = self.where()
        if url is None:
            raise Unreachable("icpd is down")
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        try:
            return super().request(method, path, **kw)
        except (ConnectionError, http.client.HTTPException, OSError) as e:
            raise Unreachable(str(e)) from e


def until_answered(call, what, deadline_s=120, retry_statuses=(500, 502, 503, 504)):
    """Calls `call()` until icpd answers it with something other than a retryable status;
    returns (response, attempts). Retries after Unreachable (icpd killed) and 5xx, and after
    409 idempotency.in-progress (the first attempt's reservation, Retry-After)."""
    attempts, deadline = 0, time.monotonic() + deadline_s
    started = time.monotonic()
    last = None
    while True:
        attempts += 1
        try:
            r = call()
            busy = r.status == 409 and "idempotency.in-progress" in r.text()
            if r.status not in retry_statuses and not busy:
                if time.monotonic() - started > 5:
                    say(f"(slow: {what} took {time.monotonic() - started:.1f} s, "
                        f"{attempts} attempts, the last failure {last})")
                return r, attempts
            last = f"{r.status} {r.text()[:120]}"
        except Unreachable as e:
            last = f"unreachable: {e}"
        if time.monotonic() > deadline:
            raise SystemExit(f"FAIL: {what}: no answer in {deadline_s} s")
        time.sleep(0.1 if attempts < 20 else 0.5)


# ---------------------------------------------------------------------------------------------
# The webhook sink: the SMS gateway icpd's notifications reach (docs/configuration.md,
# sms_webhook_url). It counts every delivery by its idempotency key, as a real gateway dedupes.

class Sink:
    def __init__(self):
        self.lock = threading.Lock()
        self.deliveries = {}  # key -> [body, ...]
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                body = json.loads(raw)
                header_key = self.headers.get("Idempotency-Key")
                with sink.lock:
                    sink.deliveries.setdefault(body["idempotency_key"], []).append(
                        (header_key, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()

    def counts(self):
        with self.lock:
            return {k: list(v) for k, v in self.deliveries.items()}


# ---------------------------------------------------------------------------------------------
# icp-bureau.

class Bureau:
    def __init__(self, work, flags=()):
        self.data = os.path.join(work, "bureau")
        os.makedirs(self.data, exist_ok=True)
        self.flags = list(flags)
        self.proc, self.url = None, None

    def command(self, *args, env=None):
        r = subprocess.run([BUREAU, *args, "--data-dir", self.data], capture_output=True,
                           text=True, timeout=60, env=dict(os.environ, **(env or {})))
        check(r.returncode == 0, f"icp-bureau {' '.join(args[:2])}: {r.returncode} {r.stderr}")
        return r

    def add_provider(self, isp_id, user, password):
        self.command("providers", "add", "--isp-id", str(isp_id), "--user-name", user,
                     env={"ICP_BUREAU_PROVIDER_PASSWORD": password})

    def start(self, port=0):
        log = open(os.path.join(self.data, "serve.stderr"), "ab")
        self.proc = subprocess.Popen(
            [BUREAU, "serve", "--port", str(port), "--address", "127.0.0.1", "--data-dir",
             self.data, "--test-hooks", *self.flags],
            stdout=subprocess.PIPE, stderr=log, text=True,
            env=dict(os.environ, ICP_BUREAU_REVIEW_TOKEN=REVIEW_TOKEN))
        self.url = None
        for line in self.proc.stdout:
            if line.startswith("listening on "):
                self.url = line.split()[-1]
                break
        if self.url is None:
            raise SystemExit(f"FAIL: icp-bureau did not start ({self.proc.wait()})")

    def stop(self, sig=signal.SIGTERM):
        if self.proc is not None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)
            self.proc = None

    def request(self, method, path, body=None, token=False):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + REVIEW_TOKEN
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, (json.loads(raw) if raw.startswith(b"{") else raw.decode())

    def filings(self, state):
        """Every filing in `state`, through the reviewer API (paged)."""
        out, after = [], 0
        while True:
            status, body = self.request(
                "GET", f"/bureau/api/filings?state={state}&after={after}&limit=100", token=True)
            if not check(status == 200, f"the bureau lists filings in {state}: {status} {body}"):
                return out
            page = body.get("filings", [])
            out += page
            if len(page) < 100:
                return out
            after = page[-1]["id"]

    def db(self, queries):
        """icp-bureau's own store (bureau.db), read in one snapshot."""
        return Store(sqlite_file=os.path.join(self.data, "bureau.db")).snapshot(queries)


def bureau_settings(bureau, isp_id, password):
    return {
        "ICP_BUREAU_URL": bureau.url,
        "ICP_BUREAU_ISP_ID": str(isp_id),
        "ICP_BUREAU_USER_NAME": f"isp-{isp_id}",
        "ICP_BUREAU_PASSWORD": password,
        "ICP_BUREAU_UPLOAD_INTERVAL_SECONDS": "1",
        "ICP_BUREAU_DOWNLOAD_INTERVAL_SECONDS": "1",
    }


# ---------------------------------------------------------------------------------------------
# Customers: an account with a real name, a mobile and a server of its own, and its first
# filing (a personal one in Beijing, tests/e2e/records_test.py's shape).

def personal_document(name, cert, phone, domain, resource):
    doc = base.document(domain, cert, phone)
    doc["subject"]["name"] = doc["subject"]["investor"] = name
    for principal in (doc["subject"]["principal"], doc["websites"][0]["principal"]):
        principal["name"] = name
    doc["websites"][0]["name"] = name + "的读书笔记"
    doc["websites"][0]["resources"] = [resource]
    return doc


NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"


class Customer:
    def __init__(self, n, tag):
        self.n = n
        self.login = f"{tag}-c{n}"
        self.password = self.login + "-pass-1"
        self.name = NAMES[n % len(NAMES)] + "小" + "一二三四五六七八九十"[(n // len(NAMES)) % 10]
        self.cert = resident_id(n)
        self.mobile = mobile(n)
        self.domain = f"{tag}-site{n}.com"
        self.resource = f"ins-{tag}-{n}"
        self.ip = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def document(self):
        return personal_document(self.name, self.cert, self.mobile, self.domain, self.resource)


def create_customers(admin, customers):
    """Accounts with their real names and servers, through the admin's API (before any kill)."""
    for c in customers:
        base.create_account(admin, c.login, "customer", c.password, c.name, c.cert, c.mobile)
    resources = [{"id": c.resource, "account": c.login, "kind": "cvm", "region": "ap-beijing",
                  "mainland": True, "billing": "prepaid", "trial": False,
                  "purchased": {"count": 12, "unit": "months"},
                  "expires_at": "2027-11-01T00:00:00+08:00", "public_ip": c.ip}
                 for c in customers]
    for i in range(0, len(resources), 200):
        admin.post("/v1/admin/resources:import",
                   json_body={"resources": resources[i:i + 200]}).expect(200)


def required_materials(checklist):
    return [m for m in checklist if m["severity"] == "error" and not m["condition"]]


def material_params(m, cert):
    params = {"kind": m["kind"], "owner": m["owner"].replace("[*]", "[0]"),
              "file_name": m["kind"] + ".png"}
    if m["kind"] in ("identity_document", "subject_certificate"):
        params["certificate_number"] = cert
    return params


PNG = None


def png():
    global PNG
    if PNG is None:
        PNG = base.png(1200, 900)
    return PNG


def new_key():
    return uuid.uuid4().hex

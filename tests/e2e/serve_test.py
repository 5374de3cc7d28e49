#!/usr/bin/env python3
"""End-to-end test of `icpd serve` over loopback (issue 9, first slice).

Starts the real icpd on a temporary SQLite data directory with --port 0, reads the port from
its stdout, and checks over HTTP: /healthz, /readyz, /metrics, the index page, the API
description (/v1/openapi.json with its ETag and 304) and its docs page, 404 and 405
problems, a 413 problem for an oversized body, a 400 problem for a malformed request,
keep-alive, security headers and X-Request-Id on every response; /readyz 503 on a schema this
binary does not match; that icpd refuses to start on a bad store; and a graceful shutdown: SIGTERM while a request is in flight lets that
request finish, refuses new connections, closes idle ones, and exits 0.

Requests that are whole HTTP go through openapi_client.Client, which checks every response
against api/openapi.yaml; the raw-socket ones (malformed requests, keep-alive, shutdown) test
the transport below it.

Usage: serve_test.py PATH_TO_ICPD
Every check that fails is reported, and the exit status is 1 then (never a skip).
"""
import http.client
import json
import os
import re
import selectors
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openapi_client import Client, ContractError  # noqa: E402

ICPD = sys.argv[1]
TIMEOUT = 20  # seconds any one wait may take before the test fails
MAX_BODY = 4096  # --max-body-bytes, well under Beast's own default limit
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


class Icpd:
    def __init__(self, data_dir, *extra):
        self.stderr_path = os.path.join(data_dir, "icpd.stderr")
        self.stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [ICPD, "serve", "--port", "0", "--data-dir", data_dir, *extra],
            stdout=subprocess.PIPE, stderr=self.stderr, env=clean_env())
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.proc.stdout, selectors.EVENT_READ)
        self.pending = b""
        line = self.wait_for_line(r"^listening on http://127\.0\.0\.1:(\d+)$")
        self.port = int(re.match(r".*:(\d+)$", line).group(1))

    def wait_for_line(self, pattern):
        """Reads stdout until a line matches `pattern`; fails the test on exit or timeout."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\n" in self.pending:
                raw, self.pending = self.pending.split(b"\n", 1)
                line = raw.decode()
                if re.match(pattern, line):
                    return line
            left = deadline - time.monotonic()
            if left <= 0 or not self.selector.select(left):
                raise SystemExit(f"FAIL: icpd printed no line matching {pattern!r} in time;"
                                 f" stderr:\n{self.log()}")
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                raise SystemExit(f"FAIL: icpd exited ({self.proc.wait()}) before printing"
                                 f" {pattern!r}; stderr:\n{self.log()}")
            self.pending += chunk

    def log(self):
        self.stderr.flush()
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)

    def api(self):
        """A client that checks every response against api/openapi.yaml."""
        return Client(f"http://127.0.0.1:{self.port}", timeout=TIMEOUT)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def clean_env():
    """The environment without ICP_* settings, but for the repository's rules directory."""
    env = dict(os.environ)
    for name in list(env):
        if name.startswith("ICP_"):
            del env[name]
    env["ICP_RULES_DIR"] = os.path.join(REPO, "data", "rules")
    return env


def request(server, method, path, body=None, headers=None):
    """Sends one request through the validating client: (response, body bytes). A response
    api/openapi.yaml does not document is a failure, named."""
    try:
        response = server.api().request(method, path, body=body, headers=headers)
    except ContractError as e:
        check(False, f"{method} {path}: the response breaks api/openapi.yaml: {e}")
        raise SystemExit(1)
    return response, response.body


def check_common_headers(response, what):
    for name, value in SECURITY_HEADERS.items():
        check(response.getheader(name) == value, f"{what}: {name} is {response.getheader(name)!r}")
    csp = response.getheader("Content-Security-Policy") or ""
    check("default-src 'none'" in csp and "frame-ancestors 'none'" in csp,
          f"{what}: Content-Security-Policy is {csp!r}")
    check(response.getheader("Cache-Control") == "no-store",
          f"{what}: Cache-Control is {response.getheader('Cache-Control')!r}")
    rid = response.getheader("X-Request-Id") or ""
    check(re.fullmatch(r"[A-Za-z0-9._-]{1,128}", rid), f"{what}: X-Request-Id is {rid!r}")
    return rid


def check_problem(response, data, status, code, what, rule=None):
    check(response.status == status, f"{what}: status {response.status}, want {status}")
    check(response.getheader("Content-Type") == "application/problem+json",
          f"{what}: Content-Type is {response.getheader('Content-Type')!r}")
    rid = check_common_headers(response, what)
    try:
        problem = json.loads(data)
    except ValueError:
        check(False, f"{what}: body is not JSON: {data[:200]!r}")
        return None
    for key in ("type", "title", "status", "code", "detail", "violations", "request_id"):
        check(key in problem, f"{what}: problem has no {key!r}: {problem}")
    check(problem.get("status") == status, f"{what}: problem status {problem.get('status')}")
    check(problem.get("code") == code, f"{what}: problem code {problem.get('code')}, want {code}")
    check(problem.get("request_id") == rid, f"{what}: request_id {problem.get('request_id')!r}"
          f" differs from X-Request-Id {rid!r}")
    if rule is not None:
        rules = [v.get("rule") for v in problem.get("violations", [])]
        check(rule in rules, f"{what}: rules {rules}, want {rule}")
    return problem


def test_routes(server):
    r, data = request(server, "GET", "/healthz")
    check(r.status == 200 and json.loads(data) == {"status": "up"}, f"/healthz: {r.status} {data!r}")
    check_common_headers(r, "/healthz")

    r, data = request(server, "GET", "/readyz")
    check(r.status == 200 and json.loads(data).get("status") == "ready",
          f"/readyz: {r.status} {data!r}")
    check_common_headers(r, "/readyz")

    r, data = request(server, "GET", "/")
    check(r.status == 200 and "Beian 备案平台" in data.decode() and "/v1/openapi.json" in data.decode()
          and 'href="/v1/docs"' in data.decode(), f"/: {r.status} {data[:200]!r}")
    check_common_headers(r, "/")

    test_api_description(server)

    r, data = request(server, "GET", "/healthz", headers={"X-Request-Id": "e2e-trace.1"})
    check(r.getheader("X-Request-Id") == "e2e-trace.1",
          f"client X-Request-Id not kept: {r.getheader('X-Request-Id')!r}")
    r, data = request(server, "GET", "/healthz", headers={"X-Request-Id": "bad id"})
    check(r.getheader("X-Request-Id") not in (None, "bad id"),
          f"malformed X-Request-Id kept: {r.getheader('X-Request-Id')!r}")

    r, data = request(server, "GET", "/no/such/path")
    check_problem(r, data, 404, "NOT_FOUND", "unknown path")

    r, data = request(server, "POST", "/healthz", body=b"{}",
                      headers={"Content-Type": "application/json"})
    check_problem(r, data, 405, "INVALID_ARGUMENT", "wrong method", rule="route.method")
    check(r.getheader("Allow") == "GET", f"405 Allow is {r.getheader('Allow')!r}")

    # icpd runs with --max-body-bytes 4096: a body of that size is read (and refused by the
    # route), one byte more is refused before the route.
    r, data = request(server, "POST", "/healthz", body=b"x" * MAX_BODY,
                      headers={"Content-Type": "application/json"})
    check(r.status == 405, f"a body of exactly --max-body-bytes: {r.status}, want 405")
    r, data = request(server, "POST", "/healthz", body=b"x" * (MAX_BODY + 1),
                      headers={"Content-Type": "application/json"})
    check_problem(r, data, 413, "INVALID_ARGUMENT", "oversized body",
                  rule="request.body-too-large")

    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as s:
        s.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        raw = read_all(s)
    head, _, body = raw.partition(b"\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 400 "), f"malformed request: {head[:80]!r}")
    check(b'"rule":"request.malformed"' in body, f"malformed request body: {body[:200]!r}")

    # Keep-alive: two requests over one connection.
    conn = server.connect()
    conn.request("GET", "/healthz")
    first = conn.getresponse()
    first.read()
    sock = conn.sock
    conn.request("GET", "/readyz")
    second = conn.getresponse()
    second.read()
    check(first.getheader("Connection") != "close" and conn.sock is sock and second.status == 200,
          "keep-alive: the second request did not reuse the connection")
    conn.close()

    r, data = request(server, "GET", "/metrics")
    text = data.decode()
    check(r.status == 200 and r.getheader("Content-Type", "").startswith("text/plain; version=0.0.4"),
          f"/metrics: {r.status} {r.getheader('Content-Type')}")
    check_common_headers(r, "/metrics")
    want_healthz = re.search(
        r'^icp_http_requests_total\{route="/healthz",method="GET",status="200"\} (\d+)$', text, re.M)
    check(want_healthz and int(want_healthz.group(1)) >= 4, "/metrics: healthz count missing\n" + text)
    check(re.search(r'^icp_http_requests_total\{route="\(unmatched\)",method="GET",status="404"\} 1$',
                    text, re.M), "/metrics: the 404 is not counted as (unmatched)\n" + text)
    check(re.search(r'^icp_http_request_duration_seconds_bucket\{route="/healthz",le="\+Inf"\} \d+$',
                    text, re.M), "/metrics: no latency histogram for /healthz\n" + text)
    check("/no/such/path" not in text, "/metrics: a raw path became a label")


def test_api_description(server):
    """/v1/openapi.json is api/openapi.yaml as JSON with a strong ETag (304 on If-None-Match);
    /v1/docs is the docs page with its files, under a CSP of its own that allows only 'self'."""
    r, data = request(server, "GET", "/v1/openapi.json")
    spec = json.loads(data)
    check(r.status == 200 and spec.get("openapi", "").startswith("3.1") and
          "/v1/openapi.json" in spec.get("paths", {}), f"/v1/openapi.json: {r.status}")
    etag = r.getheader("ETag") or ""
    check(re.fullmatch(r'"[^"]+"', etag), f"/v1/openapi.json ETag is {etag!r}")
    check(r.getheader("Cache-Control") == "no-cache",
          f"/v1/openapi.json Cache-Control is {r.getheader('Cache-Control')!r}")
    r, data = request(server, "GET", "/v1/openapi.json", headers={"If-None-Match": etag})
    check(r.status == 304 and data == b"" and r.getheader("ETag") == etag,
          f"/v1/openapi.json with If-None-Match: {r.status} {data[:80]!r}")
    r, data = request(server, "GET", "/v1/openapi.json", headers={"If-None-Match": '"stale"'})
    check(r.status == 200 and data, f"/v1/openapi.json with a stale If-None-Match: {r.status}")

    r, data = request(server, "GET", "/v1/docs")
    page = data.decode()
    csp = r.getheader("Content-Security-Policy") or ""
    check(r.status == 200 and "swagger-ui" in page, f"/v1/docs: {r.status} {page[:200]!r}")
    check("script-src 'self'" in csp and "unsafe" not in csp and "http" not in csp and
          "frame-ancestors 'none'" in csp, f"/v1/docs CSP is {csp!r}")
    linked = re.findall(r'(?:src|href)="(/v1/docs/[^"]+)"', page)
    check(len(linked) == 3, f"/v1/docs links {linked}")
    for src in linked:
        r, data = request(server, "GET", src)
        check(r.status == 200 and data, f"{src} (linked from /v1/docs): {r.status}")
        check("script-src" not in (r.getheader("Content-Security-Policy") or ""),
              f"{src}: the docs page's CSP leaked to another route")
    r, data = request(server, "GET", "/v1/docs/nothing.js")
    check_problem(r, data, 404, "NOT_FOUND", "/v1/docs/nothing.js", rule="docs.asset")


def read_all(s):
    chunks = []
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def test_graceful_shutdown(server):
    # A connection that has been served once, so it is accepted and idle ...
    busy = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
    busy.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    check(b" 200 " in busy.recv(65536).split(b"\r\n")[0], "first request on the busy connection")
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    check(b" 200 " in idle.recv(65536).split(b"\r\n")[0], "first request on the idle connection")
    # ... then half a request: it is in flight when SIGTERM arrives.
    busy.sendall(b"GET /readyz HTTP/1.1\r\nHost: t\r\n")
    server.proc.send_signal(signal.SIGTERM)
    server.wait_for_line(r"^stopping: ")
    try:
        socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT).close()
        check(False, "a new connection was accepted after SIGTERM")
    except ConnectionRefusedError:
        pass
    try:
        check(idle.recv(65536) == b"", "the idle keep-alive connection was not closed on shutdown")
    except TimeoutError:
        check(False, "the idle keep-alive connection was not closed on shutdown (timed out)")
    idle.close()
    busy.sendall(b"X-Request-Id: in-flight-1\r\n\r\n")
    raw = read_all(busy)
    busy.close()
    head = raw.partition(b"\r\n\r\n")[0].decode()
    check(head.startswith("HTTP/1.1 200 "), f"in-flight request: {head!r}")
    check("\r\nConnection: close" in head, f"in-flight response does not close: {head!r}")
    check("\r\nX-Request-Id: in-flight-1" in head, f"in-flight X-Request-Id: {head!r}")
    try:
        code = server.proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        check(False, "icpd did not exit after SIGTERM")
        return
    check(code == 0, f"icpd exited {code} after SIGTERM")
    server.wait_for_line(r"^stopped$")
    log = server.log()
    access = [json.loads(l[l.index("{"):]) for l in log.splitlines() if '"event":"access"' in l]
    check(any(a.get("request_id") == "in-flight-1" and a.get("status") == 200
              and a.get("route") == "/readyz" and "duration_ms" in a for a in access),
          "no access log line for the in-flight request:\n" + log)


def test_not_ready_when_the_schema_is_not_current(tmp):
    """A store whose schema this binary does not match (a newer migration recorded, as after a
    rollback of icpd) answers 503 on /readyz, naming the schema check and its rule."""
    data = os.path.join(tmp, "newer")
    os.makedirs(data)
    server = Icpd(data)
    try:
        r, _ = request(server, "GET", "/readyz")
        check(r.status == 200, f"/readyz before the schema changed: {r.status}")
        with sqlite3.connect(os.path.join(data, "icp.db")) as db:
            db.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at)"
                       " VALUES (9999, '9999_from_the_future', 'x', 0)")
        r, data_ = request(server, "GET", "/readyz")
        problem = check_problem(r, data_, 503, "UNAVAILABLE", "/readyz on a newer schema")
        if problem:
            fields = [(v.get("field"), v.get("rule")) for v in problem.get("violations", [])]
            check(fields == [("schema", "migration.newer")], f"/readyz violations: {fields}")
        r, _ = request(server, "GET", "/healthz")
        check(r.status == 200, f"/healthz while not ready: {r.status}")
    finally:
        server.kill()


def test_refuses_a_bad_store(tmp):
    bad = os.path.join(tmp, "bad")
    os.makedirs(bad)
    with open(os.path.join(bad, "icp.db"), "wb") as f:
        f.write(b"this is not a SQLite database" * 100)
    run = subprocess.run([ICPD, "serve", "--port", "0", "--data-dir", bad], capture_output=True,
                         timeout=TIMEOUT, env=clean_env())
    check(run.returncode == 1, f"icpd on a corrupt store exited {run.returncode}")
    check(b"cannot open the store" in run.stderr, f"corrupt store: stderr {run.stderr!r}")
    check(b"listening" not in run.stdout, "icpd listened on a corrupt store")

    run = subprocess.run([ICPD, "serve", "--port", "0", "--data-dir", bad, "--database",
                          "mysql://x"], capture_output=True, timeout=TIMEOUT, env=clean_env())
    check(run.returncode == 1 and b"config.database" in run.stderr,
          f"icpd on --database mysql://x: {run.returncode} {run.stderr!r}")

    env = clean_env()
    env["ICP_PORT"] = "seventy"
    run = subprocess.run([ICPD, "serve", "--data-dir", bad], capture_output=True,
                         timeout=TIMEOUT, env=env)
    check(run.returncode == 2 and b"ICP_PORT" in run.stderr and b"seventy" in run.stderr,
          f"icpd with ICP_PORT=seventy: {run.returncode} {run.stderr!r}")


def body_status(port, size):
    """The status of a POST to /healthz with a body of `size` bytes: 405 (the route is GET
    only) when the body is within the limit, 413 when it is over."""
    try:
        return Client(f"http://127.0.0.1:{port}", timeout=TIMEOUT).post(
            "/healthz", body=b"x" * size).status
    except (ConnectionError, http.client.HTTPException):
        return None
    except ContractError as e:
        check(False, f"POST /healthz with {size} bytes: the response breaks api/openapi.yaml: {e}")
        return None


def test_settings(tmp):
    """--config FILE, ICP_* variables and flags: flags win over the file, the file over the
    environment; a bad file or rules directory stops icpd naming the problem."""
    data = os.path.join(tmp, "settings")
    os.makedirs(data)
    config = os.path.join(tmp, "icpd.json")
    with open(config, "w") as f:
        json.dump({"max_body_bytes": 2000, "data_dir": data}, f)
    env = clean_env()
    env["ICP_MAX_BODY_BYTES"] = "100"
    for extra, limit in (([], 2000), (["--max-body-bytes", "500"], 500)):
        proc = subprocess.Popen([ICPD, "serve", "--port", "0", "--config", config, *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        try:
            line = proc.stdout.readline().decode() + proc.stdout.readline().decode()
            port = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if not check(port, f"icpd --config {extra}: no port in {line!r}"):
                continue
            n = int(port.group(1))
            check(body_status(n, limit) == 405 and body_status(n, limit + 1) == 413,
                  f"--config {extra}: the body limit is not {limit} (environment 100, file 2000)")
            check(os.path.exists(os.path.join(data, "icp.db")), "the file's data_dir was not used")
        finally:
            proc.terminate()
            proc.wait(timeout=TIMEOUT)

    example = os.path.join(REPO, "config", "icpd.example.json")
    run = subprocess.run([ICPD, "serve", "--config", example, "--port", "70000"],
                         capture_output=True, timeout=TIMEOUT, env=clean_env())
    check(run.returncode == 2 and b"--port" in run.stderr and b"config.port" in run.stderr,
          f"--port 70000 over the example config: {run.returncode} {run.stderr!r}")

    with open(config, "w") as f:
        json.dump({"prot": 1, "port": "1"}, f)
    run = subprocess.run([ICPD, "serve", "--config", config], capture_output=True,
                         timeout=TIMEOUT, env=clean_env())
    check(run.returncode == 2 and b"prot" in run.stderr and b"config.unknown-setting" in run.stderr
          and b"config.type" in run.stderr,
          f"a config file with an unknown key and a wrong type: {run.returncode} {run.stderr!r}")

    rules = os.path.join(tmp, "rules")
    os.makedirs(os.path.join(rules, "provinces"))
    with open(os.path.join(rules, "national.json"), "w") as f:
        f.write("{not json")
    run = subprocess.run([ICPD, "serve", "--port", "0", "--data-dir", data, "--rules", rules],
                         capture_output=True, timeout=TIMEOUT, env=clean_env())
    check(run.returncode == 1 and b"bad rules directory" in run.stderr and
          b"national.json" in run.stderr and b"listening" not in run.stdout,
          f"icpd on a broken rules directory: {run.returncode} {run.stderr!r}")


def test_embedded_bureau(tmp):
    """--with-bureau starts icp-bureau as a child on loopback with the --bureau-* flags given
    to icpd, says how its filings are decided and where SMS codes go, and stops it on exit;
    the --bureau-* flags without --with-bureau are refused."""
    data = os.path.join(tmp, "embedded")
    os.makedirs(data)
    env = clean_env()
    env["ICP_BUREAU_AES_KEY"] = "0123456789abcdef"
    env["ICP_BUREAU_AES_IV"] = "0102030405060708"
    proc = subprocess.Popen(
        [ICPD, "serve", "--port", "0", "--data-dir", data, "--with-bureau",
         "--bureau-auto-review", "approve", "--bureau-review-delay", "7", "--bureau-test-hooks"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    child = None
    try:
        lines = []
        while not any(x.startswith("listening on") for x in lines):
            line = proc.stdout.readline().decode()
            if not line:
                break
            lines.append(line.rstrip("\n"))
        text = "\n".join(lines)
        bureau = re.search(r"^bureau (http://127\.0\.0\.1:\d+) ", text, re.M)
        if not check(bureau, f"icpd --with-bureau printed no bureau URL: {text!r}"):
            return
        url = bureau.group(1)
        check("bureau review: approve after 7 s" in text,
              f"the banner does not say how the bureau decides: {text!r}")
        check(f"codes sent: {url}/test/messages?to=MOBILE" in text,
              f"the banner does not say where SMS codes go: {text!r}")
        children = open(f"/proc/{proc.pid}/task/{proc.pid}/children").read().split()
        if check(len(children) == 1, f"icpd --with-bureau has children {children}"):
            child = int(children[0])
            argv = open(f"/proc/{child}/cmdline", "rb").read().decode().split("\0")
            for flag in (["--auto-review", "approve"], ["--review-delay", "7"], ["--test-hooks"]):
                i = argv.index(flag[0]) if flag[0] in argv else -1
                check(i >= 0 and argv[i:i + len(flag)] == flag,
                      f"icp-bureau was not given {flag}: {argv}")
        c = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=TIMEOUT)
        c.request("GET", "/test/messages?to=13800000000")
        r = c.getresponse()
        r.read()
        c.close()
        check(r.status == 200, f"the embedded bureau's test hooks answer {r.status}")
    finally:
        proc.terminate()
        check(proc.wait(timeout=TIMEOUT) == 0, "icpd --with-bureau did not stop cleanly")
    # icpd encrypts its uploads with bureau_aes_key: its bureau was given the same key.
    with sqlite3.connect(os.path.join(data, "bureau", "bureau.db")) as db:
        keys = db.execute("SELECT aes_key, aes_iv FROM providers").fetchall()
    check(keys == [("0123456789abcdef", "0102030405060708")],
          f"the embedded bureau's provider has AES {keys}")
    if child is not None:
        check(not os.path.exists(f"/proc/{child}") or
              open(f"/proc/{child}/stat").read().split()[2] == "Z",
              "the embedded bureau outlived icpd")

    for extra in (["--bureau-test-hooks"], ["--with-bureau", "--bureau-review-delay", "5"]):
        run = subprocess.run([ICPD, "serve", "--port", "0", "--data-dir", data, *extra],
                             capture_output=True, timeout=TIMEOUT, env=clean_env())
        check(run.returncode == 2 and b"--bureau-" in run.stderr and b"listening" not in run.stdout,
              f"icpd serve {extra}: {run.returncode} {run.stderr!r}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        os.makedirs(data)
        server = Icpd(data, "--max-body-bytes", str(MAX_BODY))
        try:
            test_routes(server)
            test_graceful_shutdown(server)
        finally:
            server.kill()
        test_not_ready_when_the_schema_is_not_current(tmp)
        test_refuses_a_bad_store(tmp)
        test_settings(tmp)
        test_embedded_bureau(tmp)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("icpd serve: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

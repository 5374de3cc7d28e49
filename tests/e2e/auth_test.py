#!/usr/bin/python3
"""End-to-end test of accounts, sessions, CSRF and API keys over loopback (issue 9).

Makes a SQLite store with `icpctl db migrate` and its first admin with `icpctl accounts
bootstrap`, starts the real icpd on it with --port 0, and checks over HTTP only: sign-in
and the session cookie's flags; a missing or wrong X-CSRF-Token refused with 403; a customer
refused on admin routes; brute force slowed (429 with Retry-After, and then even the right
password is refused until the wait is over); an API key shown once, usable as a bearer
token without CSRF, refused once revoked; sign-out; a disabled account's session refused;
icpctl login / accounts list / logout with the token file mode 0600; the Secure flag when
cookie_secure is "always". Every response goes through tests/e2e/openapi_client.py, so each
is also checked against api/openapi.yaml.

Usage: auth_test.py PATH_TO_ICPD PATH_TO_ICPCTL
Every check that fails is reported, and the exit status is 1 then (never a skip).
"""
import json
import os
import re
import selectors
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openapi_client import Client as ApiClient  # noqa: E402

ICPD, ICPCTL = sys.argv[1], sys.argv[2]
TIMEOUT = 20
REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
ROOT_PASSWORD = "root-password-1"
ALICE_PASSWORD = "alice-password-1"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICP_")}
    env["ICP_RULES_DIR"] = os.path.join(REPO, "data", "rules")
    # The smallest argon2id limits: the test signs in dozens of times.
    env["ICP_PASSWORD_HASH_OPS"] = "1"
    env["ICP_PASSWORD_HASH_MEMORY"] = "8192"
    # Long enough that the attempts below surely fall inside the first wait.
    env["ICP_LOGIN_BACKOFF_SECONDS"] = "3"
    env.update(extra)
    return env


class Icpd:
    def __init__(self, data_dir, **env):
        self.stderr = open(os.path.join(data_dir, "icpd.stderr"), "ab")
        self.proc = subprocess.Popen([ICPD, "serve", "--port", "0", "--data-dir", data_dir],
                                     stdout=subprocess.PIPE, stderr=self.stderr,
                                     env=clean_env(**env))
        selector = selectors.DefaultSelector()
        selector.register(self.proc.stdout, selectors.EVENT_READ)
        pending, deadline = b"", time.monotonic() + TIMEOUT
        while True:
            m = re.search(rb"listening on http://127\.0\.0\.1:(\d+)\n", pending)
            if m:
                self.port = int(m.group(1))
                return
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                raise SystemExit("FAIL: icpd did not start in time")
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                raise SystemExit(f"FAIL: icpd exited ({self.proc.wait()}) before listening")
            pending += chunk

    def stop(self):
        self.proc.terminate()
        self.proc.wait(TIMEOUT)


class Client:
    """One user agent over tests/e2e/openapi_client.py, which checks every response against
    api/openapi.yaml (ContractError otherwise) and keeps the session cookie and CSRF token."""

    def __init__(self, server):
        self.api = ApiClient(f"http://127.0.0.1:{server.port}")

    @property
    def bearer(self):
        return self.api.bearer

    @bearer.setter
    def bearer(self, secret):
        self.api.bearer = secret

    @property
    def csrf(self):
        return self.api.csrf_token

    def call(self, method, path, body=None, csrf=True):
        """csrf: True sends the session's token, False none, a string that string."""
        headers = {"X-CSRF-Token": csrf} if isinstance(csrf, str) else None
        r = self.api.request(method, path, json_body=body, headers=headers, csrf=csrf is True)
        try:
            doc = r.json() if r.body else None
        except ValueError:
            doc = None
        return r, doc

    def sign_in(self, login, password):
        return self.call("POST", "/v1/sessions", {"login": login, "password": password})


def rule(doc):
    try:
        return doc["violations"][0]["rule"]
    except (TypeError, KeyError, IndexError):
        return None


def run(*args, env=None):
    return subprocess.run([ICPCTL, *args], capture_output=True, text=True, env=env, timeout=60)


def main():
    with tempfile.TemporaryDirectory() as data:
        store = ["--data-dir", data]
        r = run("db", "migrate", *store, env=clean_env())
        check(r.returncode == 0, f"icpctl db migrate: {r.stderr}")
        r = run("accounts", "bootstrap", "--login", "root", *store,
                env=clean_env(ICP_NEW_PASSWORD=ROOT_PASSWORD))
        check(r.returncode == 0, f"icpctl accounts bootstrap: {r.stdout}{r.stderr}")
        r = run("accounts", "bootstrap", "--login", "root2", *store,
                env=clean_env(ICP_NEW_PASSWORD=ROOT_PASSWORD))
        check(r.returncode == 1 and "account.admin-exists" in r.stderr,
              f"a second bootstrap is refused: {r.returncode} {r.stderr}")

        server = Icpd(data)
        try:
            scenario(server, data)
        finally:
            server.stop()
        secure = Icpd(data, ICP_COOKIE_SECURE="always")
        try:
            r, _ = Client(secure).sign_in("root", ROOT_PASSWORD)
            check("; Secure" in (r.getheader("Set-Cookie") or ""),
                  f"cookie_secure=always sets Secure: {r.getheader('Set-Cookie')}")
        finally:
            secure.stop()


def scenario(server, data):
    # ---- sign-in and the cookie ----
    root = Client(server)
    r, doc = root.sign_in("root", ROOT_PASSWORD)
    check(r.status == 201, f"root signs in: {r.status} {doc}")
    cookie = r.getheader("Set-Cookie") or ""
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/"):
        check(flag in cookie, f"the session cookie has {flag}: {cookie}")
    check("Secure" not in cookie, f"plain http on loopback: no Secure flag by default: {cookie}")
    check(doc and doc.get("role") == "admin" and len(doc.get("csrf_token", "")) >= 32,
          f"the sign-in answer names the role and a CSRF token: {doc}")
    r, doc = root.call("GET", "/v1/me")
    check(r.status == 200 and doc["csrf_token"] == root.csrf and doc["account"]["login"] == "root",
          f"GET /v1/me: {r.status} {doc}")

    # ---- CSRF ----
    alice_body = {"login": "alice", "role": "customer", "display_name": "张三",
                  "password": ALICE_PASSWORD, "mobile": "13800138000"}
    r, doc = root.call("POST", "/v1/accounts", alice_body, csrf=False)
    check(r.status == 403 and rule(doc) == "auth.csrf", f"no CSRF token: {r.status} {doc}")
    r, doc = root.call("POST", "/v1/accounts", alice_body, csrf="x" * 43)
    check(r.status == 403 and rule(doc) == "auth.csrf", f"a wrong CSRF token: {r.status} {doc}")
    r, doc = root.call("POST", "/v1/accounts", alice_body)
    check(r.status == 201, f"admin creates alice: {r.status} {doc}")
    alice_id = doc["id"] if doc else "0"
    check(doc and doc.get("mobile") == "13800138000", f"the admin sees the mobile: {doc}")
    r, doc = root.call("POST", "/v1/accounts", dict(alice_body, extra=1, role="boss"))
    check(r.status == 400 and {v["rule"] for v in doc["violations"]} >=
          {"document.unknown-field", "account.role"}, f"every problem at once: {r.status} {doc}")

    # ---- real name ----
    r, doc = root.call("PUT", f"/v1/accounts/{alice_id}/real-name",
                       {"kind": "person", "name": "张三",
                        "certificate": {"type": "resident_id", "number": "11010519491231002X"}})
    check(r.status == 200 and doc["real_name"]["name"] == "张三", f"real name set: {r.status} {doc}")

    # ---- a customer ----
    alice = Client(server)
    r, doc = alice.sign_in("alice", ALICE_PASSWORD)
    check(r.status == 201, f"alice signs in: {r.status} {doc}")
    r, doc = alice.call("GET", "/v1/me")
    check(r.status == 200 and doc["account"]["real_name"]["name"] == "张*"
          and doc["account"]["real_name"]["certificate"]["number"] != "11010519491231002X",
          f"/v1/me shows the real name masked: {doc}")
    r, doc = alice.call("GET", "/v1/accounts")
    check(r.status == 403 and rule(doc) == "auth.role", f"customer lists accounts: {r.status}")
    r, doc = alice.call("POST", "/v1/accounts", dict(alice_body, login="eve"))
    check(r.status == 403 and rule(doc) == "auth.role", f"customer creates: {r.status} {doc}")
    r, doc = alice.call("PUT", f"/v1/accounts/{alice_id}/mobile", {"mobile": "13900139000"})
    check(r.status == 403, f"customer binds its own mobile: {r.status}")
    r, doc = Client(server).call("GET", "/v1/me")
    check(r.status == 401 and rule(doc) == "auth.required", f"no credential: {r.status} {doc}")

    # ---- API keys ----
    r, doc = alice.call("POST", "/v1/api-keys", {"name": "deploy"})
    check(r.status == 201 and doc["secret"].startswith(doc["prefix"]), f"key made: {r.status} {doc}")
    secret, key_id = doc["secret"], doc["id"]
    r, doc = alice.call("GET", "/v1/api-keys")
    check(r.status == 200 and len(doc["items"]) == 1 and "secret" not in doc["items"][0]
          and secret not in json.dumps(doc), f"the secret is shown once only: {doc}")
    bot = Client(server)
    bot.bearer = secret
    r, doc = bot.call("GET", "/v1/me")
    check(r.status == 200 and doc["account"]["login"] == "alice" and doc["csrf_token"] is None,
          f"the key works as a bearer token: {r.status} {doc}")
    r, doc = bot.call("POST", "/v1/api-keys", {"name": "second"})
    check(r.status == 201, f"a bearer key needs no CSRF token: {r.status} {doc}")
    r, doc = alice.call("DELETE", f"/v1/api-keys/{key_id}")
    check(r.status == 200 and doc["revoked_at"], f"key revoked: {r.status} {doc}")
    r, doc = bot.call("GET", "/v1/me")
    check(r.status == 401 and rule(doc) == "auth.invalid", f"a revoked key: {r.status} {doc}")

    # ---- brute force ----
    attacker = Client(server)
    for i in range(5):
        r, doc = attacker.sign_in("alice", f"guess-{i}")
        check(r.status == 401 and rule(doc) == "auth.credentials", f"guess {i}: {r.status} {doc}")
    r, doc = attacker.sign_in("nobody", "guess")
    check(r.status == 401 and rule(doc) == "auth.credentials",
          f"an unknown login is refused like a wrong password: {r.status} {doc}")
    r, doc = attacker.sign_in("alice", "guess-6")
    check(r.status == 429 and rule(doc) == "auth.throttled", f"sixth guess: {r.status} {doc}")
    wait = int(r.getheader("Retry-After") or "0")
    check(wait >= 1, f"429 says when to retry: {r.getheader('Retry-After')}")
    r, doc = attacker.sign_in("alice", ALICE_PASSWORD)
    check(r.status == 429, f"the right password is refused during the wait: {r.status} {doc}")
    time.sleep(wait)  # the wait the server named, no more
    r, doc = attacker.sign_in("alice", ALICE_PASSWORD)
    check(r.status == 201, f"after Retry-After the right password works: {r.status} {doc}")

    # ---- icpctl ----
    token_file = os.path.join(data, "cfg", "beian", "token")
    env = clean_env(ICP_TOKEN_FILE=token_file, ICP_PASSWORD=ROOT_PASSWORD)
    url = f"http://127.0.0.1:{server.port}"
    r = run("login", "--url", url, "--login", "root", env=env)
    check(r.returncode == 0 and "signed in as root" in r.stdout, f"icpctl login: {r.stdout}{r.stderr}")
    if os.path.exists(token_file):
        check(stat.S_IMODE(os.stat(token_file).st_mode) == 0o600,
              f"token file mode {oct(os.stat(token_file).st_mode)}")
    r = run("accounts", "list", env=env)
    check(r.returncode == 0 and "alice" in r.stdout and "root" in r.stdout,
          f"icpctl accounts list: {r.stdout}{r.stderr}")
    r = run("logout", env=env)
    check(r.returncode == 0 and not os.path.exists(token_file), f"icpctl logout: {r.stderr}")
    r = run("accounts", "list", env=env)
    check(r.returncode == 1 and "cli.not-signed-in" in r.stderr, f"after logout: {r.stderr}")

    # ---- sign-out and disabling ----
    r, _ = alice.call("DELETE", "/v1/sessions/current", csrf=False)
    check(r.status == 403, f"sign-out needs the CSRF token too: {r.status}")
    old_cookies = dict(alice.api.cookies)
    r, _ = alice.call("DELETE", "/v1/sessions/current")
    check(r.status == 204 and "Max-Age=0" in (r.getheader("Set-Cookie") or ""),
          f"sign-out clears the cookie: {r.status} {r.getheader('Set-Cookie')}")
    alice.api.cookies = old_cookies  # a client that kept the cookie anyway
    r, doc = alice.call("GET", "/v1/me")
    check(r.status == 401 and rule(doc) == "auth.invalid", f"after sign-out: {r.status} {doc}")
    second = Client(server)
    second.sign_in("alice", ALICE_PASSWORD)
    r, doc = root.call("POST", f"/v1/accounts/{alice_id}:disable")
    check(r.status == 200 and doc["status"] == "disabled", f"disable: {r.status} {doc}")
    r, doc = second.call("GET", "/v1/me")
    check(r.status == 401, f"a disabled account's session is refused: {r.status} {doc}")
    r, doc = root.call("GET", "/v1/accounts/999999")
    check(r.status == 404, f"an unknown account: {r.status}")


if __name__ == "__main__":
    main()
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("auth e2e: every check passed")

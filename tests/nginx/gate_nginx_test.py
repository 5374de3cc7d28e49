#!/usr/bin/python3
"""Debian's nginx on loopback in front of icpd's gate and a tiny upstream, running
deploy/nginx/beian-gate.conf as shipped (only its addresses and paths replaced).

- a filed host (and its subdomain, and its IDN form) reaches the upstream, with the Host
  passed through;
- an unfiled host gets the Chinese notice page (未备案) with 403, the reason in X-Beian-Gate;
- a host the bureau blacklisted (a raw SQL writer puts it on the list) gets the notice too,
  within a second plus the 5 s the edge caches an answer;
- an IP address gets the notice;
- the gate sees one subrequest per host while the answer is cached.

Skips (exit 77) with a message only when nginx is not installed (scripts/install-deps
installs nginx-light); with CI=true or ICP_REQUIRE_NGINX=1 that is a failure.

Usage: gate_nginx_test.py PATH_TO_ICPD PATH_TO_ICPCTL
"""
import http.client
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import filing_test as base  # noqa: E402
import gate_test  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
check = base.check


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Upstream(http.server.BaseHTTPRequestHandler):
    """The customer's site: answers who it was asked for."""
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = f"upstream ok: {self.headers.get('Host')} {self.path}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def nginx_config(work, gate_url, upstream_port, port):
    """deploy/nginx/beian-gate.conf with its ADJUST lines pointed at this test."""
    with open(os.path.join(REPO, "deploy", "nginx", "beian-gate.conf"), encoding="utf-8") as f:
        site = f.read()
    gate_addr = gate_url.removeprefix("http://")
    replacements = [
        ("server 127.0.0.1:8080;", f"server {gate_addr};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("/var/cache/nginx/beian-gate", os.path.join(work, "cache")),
        ("listen 80 default_server;", f"listen 127.0.0.1:{port} default_server;"),
        ("/usr/share/beian/nginx/notice", os.path.join(REPO, "deploy", "nginx", "notice")),
    ]
    for old, new in replacements:
        if not check(old in site, f"beian-gate.conf has {old!r}"):
            raise SystemExit(1)
        site = site.replace(old, new)
    with open(os.path.join(work, "site.conf"), "w", encoding="utf-8") as f:
        f.write(site)
    temp = {k: os.path.join(work, k) for k in ("client", "proxy", "fastcgi", "uwsgi", "scgi")}
    for d in temp.values():
        os.makedirs(d, exist_ok=True)
    main = f"""
worker_processes 1;
error_log {work}/error.log info;
pid {work}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log {work}/access.log;
    client_body_temp_path {temp['client']};
    proxy_temp_path {temp['proxy']};
    fastcgi_temp_path {temp['fastcgi']};
    uwsgi_temp_path {temp['uwsgi']};
    scgi_temp_path {temp['scgi']};
    include /etc/nginx/mime.types;
    include {work}/site.conf;
}}
"""
    path = os.path.join(work, "nginx.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(main)
    return path


def fetch(port, host, path="/"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": host})
    r = conn.getresponse()
    body = r.read().decode("utf-8", "replace")
    headers = dict(r.getheaders())
    conn.close()
    return r.status, headers, body


def icpd_gate_requests(data):
    """The gate requests in icpd's access log (one JSON line per request on stderr)."""
    time.sleep(0.2)  # the log line is written after the answer
    with open(os.path.join(data, "icpd.stderr"), encoding="utf-8", errors="replace") as f:
        return len(re.findall(r'"path":\s*"/v1/gate"', f.read()))


def run(url, data, work, port):
    numbers, imported_at = gate_test.import_records(url)
    # Straight to the gate first, so the edge's first look is not a cached "not filed".
    gate_test.wait_for(base.Client(url), gate_test.FILED, 200, imported_at, "an approval")

    status, headers, body = fetch(port, "www." + gate_test.FILED, "/index.html?q=1")
    check(status == 200, f"a filed host: {status} {body[:200]}")
    check(body == f"upstream ok: www.{gate_test.FILED} /index.html?q=1\n",
          f"the upstream saw the Host and path: {body!r}")
    status, _, body = fetch(port, "www." + gate_test.IDN_ASCII)
    check(status == 200 and gate_test.IDN_ASCII in body, f"an IDN host: {status} {body!r}")

    status, headers, body = fetch(port, "unfiled-example.cn")
    check(status == 403, f"an unfiled host: {status}")
    check("网站暂时无法访问" in body and "未备案" in body and 'lang="zh-CN"' in body,
          f"the notice page: {body[:300]!r}")
    check(headers.get("X-Beian-Gate") == "not_filed", f"the reason: {headers}")
    check(headers.get("Content-Type", "").startswith("text/html"), f"notice type: {headers}")
    check("upstream ok" not in body, "an unfiled host never reaches the upstream")

    status, headers, _ = fetch(port, "203.0.113.10")
    check(status == 403 and headers.get("X-Beian-Gate") == "ip_literal", f"an IP: {status} {headers}")

    # Cached: many requests for one host, at most a subrequest or two to the gate (the 5 s
    # may run out once in between).
    before = icpd_gate_requests(data)
    for _ in range(20):
        fetch(port, "www." + gate_test.FILED)
    asked = icpd_gate_requests(data) - before
    check(asked <= 2, f"20 requests for one host asked the gate {asked} times (cached 5 s)")

    # The bureau blacklists a filed site: denied at the edge once the cached answer expires.
    status, _, _ = fetch(port, gate_test.BLOCKED)
    check(status == 200, f"{gate_test.BLOCKED} before the blacklist: {status}")
    since = gate_test.raw_list_entry(data, "blacklist", gate_test.BLOCKED)
    while True:
        status, headers, body = fetch(port, gate_test.BLOCKED)
        if status == 403 or time.monotonic() - since > 10:
            break
        time.sleep(0.1)
    took = time.monotonic() - since
    check(status == 403 and "网站暂时无法访问" in body, f"blacklisted at the edge: {status}")
    check(headers.get("X-Beian-Gate") == "blacklist", f"the reason: {headers}")
    check(took < 6.5, f"blacklisted within the cache's 5 s and the gate's second: {took:.1f} s")
    print(f"a blacklist entry reached the edge in {took:.1f} s (cache 5 s)")


def main():
    if NGINX is None:
        msg = "nginx is not installed (scripts/install-deps installs nginx-light)"
        if os.environ.get("CI") == "true" or os.environ.get("ICP_REQUIRE_NGINX") == "1":
            print("FAIL:", msg, file=sys.stderr)
            sys.exit(1)
        print("SKIP:", msg)
        sys.exit(77)
    proc, url, data = gate_test.start()
    work = tempfile.mkdtemp(prefix="beian-nginx-")
    os.chmod(work, 0o755)  # nginx's workers run as www-data
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = free_port()
    conf = nginx_config(work, url, upstream.server_address[1], port)
    test = subprocess.run([NGINX, "-t", "-p", work, "-c", conf], capture_output=True, text=True)
    if not check(test.returncode == 0, f"nginx -t: {test.stderr}"):
        sys.exit(1)
    server = subprocess.Popen([NGINX, "-p", work, "-c", conf, "-g", "daemon off;"],
                              stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        run(url, data, work, port)
    finally:
        server.send_signal(3)  # SIGQUIT: graceful stop
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        upstream.shutdown()
        proc.terminate()
        proc.wait(base.TIMEOUT)
    if base.failures:
        with open(os.path.join(work, "error.log"), encoding="utf-8", errors="replace") as f:
            print(f.read()[-3000:], file=sys.stderr)
        print(f"{len(base.failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("gate_nginx_test: all checks passed")


if __name__ == "__main__":
    main()

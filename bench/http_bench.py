#!/usr/bin/python3
"""icpd over HTTP, each figure beside its baseline in the same run (docs/performance.md).

Starts icpd (the given binary) on SQLite in a temporary directory with one customer and one
application, then measures with wrk on loopback:
  - idle RSS of icpd after start (goal <= 50 MB), beside the RSS of `sleep` as the floor;
  - GET /v1/applications/{id} as the signed-in customer at 64 connections: requests/s and p99
    (goal p99 <= 5 ms), beside GET /healthz (the same server, no store, no session) at the
    same concurrency.

Usage: http_bench.py PATH_TO_ICPD PATH_TO_ICPCTL [SECONDS]
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import filing_test as base  # noqa: E402

SECONDS = int(sys.argv[3]) if len(sys.argv) > 3 else 10


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def wrk(url, headers):
    args = ["wrk", "-t2", "-c64", f"-d{SECONDS}s", "--latency"]
    for h in headers:
        args += ["-H", h]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, float(p99.group(1)) * scale, int(non2xx.group(1)) if non2xx else 0


def main():
    data = tempfile.mkdtemp(prefix="beian-bench-")
    subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", data], check=True,
                   env=base.env(), stdout=subprocess.DEVNULL)
    subprocess.run([base.ICPCTL, "accounts", "bootstrap", "--data-dir", data, "--login", "root"],
                   check=True, env=dict(base.env(), ICP_NEW_PASSWORD="root-password-1"),
                   stdout=subprocess.DEVNULL)
    proc, url = base.start_icpd(data)
    try:
        idle = rss_kib(proc.pid)
        floor = subprocess.Popen(["sleep", "5"])
        floor_rss = rss_kib(floor.pid)
        floor.kill()
        admin = base.sign_in(url, "root", "root-password-1")
        cert, mobile = "110101199001010111", "13800138000"
        base.create_account(admin, "zhangsan", "customer", "zhangsan-pass-1", "张三", cert, mobile)
        customer = base.sign_in(url, "zhangsan", "zhangsan-pass-1")
        app = customer.post("/v1/applications",
                            json_body=base.document("bench.example.com", cert, mobile)).json()
        cookie = "Cookie: " + "; ".join(f"{k}={v}" for k, v in customer.cookies.items())
        base_rps, base_p99, _ = wrk(url + "/healthz", [])
        get_rps, get_p99, errors = wrk(f"{url}/v1/applications/{app['id']}", [cookie])
        print("| figure | measured | baseline (same run) | ratio | goal |")
        print("| --- | --- | --- | --- | --- |")
        print(f"| icpd idle RSS | {idle / 1024:.1f} MB | `sleep` {floor_rss / 1024:.1f} MB | "
              f"- | <= 50 MB |")
        print(f"| GET one application, 64 conn: req/s | {get_rps:.0f} | GET /healthz "
              f"{base_rps:.0f} | {get_rps / base_rps:.2f} | - |")
        print(f"| GET one application, 64 conn: p99 | {get_p99:.2f} ms | GET /healthz "
              f"{base_p99:.2f} ms | {get_p99 / base_p99:.2f} | <= 5 ms |")
        if errors:
            print(f"(non-2xx answers during the GET run: {errors})")
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""icpd over HTTP, each figure beside its baseline in the same run (docs/performance.md).

Starts icpd (the given binary) on SQLite in a temporary directory with one customer and one
application, then measures with wrk on loopback:
  - idle RSS of icpd after start (goal <= 50 MB), beside the RSS of `sleep` as the floor;
  - GET /v1/applications/{id} as the signed-in customer at 64 connections: requests/s and p99
    (goal p99 <= 5 ms), beside GET /healthz (the same server, no store, no session) at the
    same concurrency;
  - submissions per second through HTTP (POST :submit by many customers, each its own draft:
    session, CSRF, If-Match, rules, real-name checks, store, audit, notification) beside the
    store's own submission rate (icp_bench's BM_SqliteSubmit, run here on the same disk);
    goal >= 60% of it;
  - GET /v1/gate?host= for a filed host at 64 connections (the access gate: the public route,
    host normalised, index lookup, JSON answer) beside a bare Beast server answering a
    constant of the same size (icp_bench_bare_beast: the floor of an HTTP answer here).

Usage: http_bench.py PATH_TO_ICPD PATH_TO_ICPCTL [SECONDS]
(icp_bench and icp_bench_seed are taken from the directory of PATH_TO_ICPD.)
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import filing_test as base  # noqa: E402
import gate_test  # noqa: E402

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


def store_submit_rate(bin_dir):
    """Submissions per second of the store alone: icp_bench's BM_SqliteSubmit."""
    out = subprocess.run([os.path.join(bin_dir, "icp_bench"), "--benchmark_filter=BM_SqliteSubmit",
                          "--benchmark_min_time=2", "--benchmark_format=json"],
                         capture_output=True, text=True, check=True).stdout
    run = json.loads(out)["benchmarks"][0]
    seconds = run["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[run["time_unit"]]
    return 1 / seconds


def http_submit_rate(url, data, bin_dir, template_id, customer):
    """Submissions per second through HTTP: wrk submits each seeded draft once."""
    drafts = os.path.join(data, "drafts.txt")
    count = 40000
    started = time.monotonic()
    subprocess.run([os.path.join(bin_dir, "icp_bench_seed"), data, str(template_id), str(count),
                    drafts], check=True, env=base.env())
    print(f"(seeded {count} signed-in customers with a draft each in "
          f"{time.monotonic() - started:.1f} s)", file=sys.stderr)
    # One submit by hand first: a clone that the rules refuse would measure refusals.
    with open(drafts) as f:
        first, rest = f.readline(), f.read()
    app_id, token, csrf = first.split()
    probe = base.Client(url)
    probe.cookies["icp_session"] = token
    answer = probe.post(f"/v1/applications/{app_id}:submit", json_body={},
                        headers={"If-Match": '"r1"', "X-CSRF-Token": csrf})
    if answer.status != 200:
        seen = probe.get(f"/v1/applications/{app_id}").json()
        raise SystemExit(f"a seeded draft does not submit: {answer.status} {answer.text()}\n"
                         f"the draft: {json.dumps(seen, ensure_ascii=False)[:3000]}")
    with open(drafts, "w") as f:
        f.write(rest)
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "submit.lua")
    env = dict(os.environ, SUBMIT_DRAFTS=drafts, SUBMIT_THREADS="2")
    out = subprocess.run(["wrk", "-t2", "-c64", f"-d{SECONDS}s", "--latency", "-s", script, url],
                         capture_output=True, text=True, check=True, env=env).stdout
    sent = int(re.search(r"submissions sent: (\d+)", out).group(1))
    if sent >= count - 1:
        raise SystemExit(f"every seeded draft was submitted in {SECONDS} s: seed more")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return sent / SECONDS, p99_ms, int(non2xx.group(1)) if non2xx else 0


def bare_beast_rate(bin_dir):
    """Requests per second (and p99) of a bare Beast server answering a constant."""
    proc = subprocess.Popen([os.path.join(bin_dir, "icp_bench_bare_beast")], stdout=subprocess.PIPE)
    try:
        line = proc.stdout.readline().decode()
        url = re.search(r"listening on (http://\S+)", line).group(1)
        return wrk(url + "/v1/gate?host=www.gate-bench.cn", [])
    finally:
        proc.kill()
        proc.wait()


def gate_rates(url, bin_dir):
    """GET /v1/gate for a filed host through icpd, beside the bare Beast server."""
    numbers, imported = gate_test.import_records(url, owner_cert="110101198001010010")
    gate_test.wait_for(base.Client(url), "www." + gate_test.FILED, 200, imported, "bench record")
    gate = wrk(f"{url}/v1/gate?host=www.{gate_test.FILED}", [])
    return gate, bare_beast_rate(bin_dir)


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
        time.sleep(0.2)  # past its exec, so the figure is sleep's and not Python's fork
        floor_rss = rss_kib(floor.pid)
        floor.kill()
        admin = base.sign_in(url, "root", "root-password-1")
        cert, mobile = "110101199001010111", "13800138000"
        base.create_account(admin, "zhangsan", "customer", "zhangsan-pass-1", "张三", cert, mobile)
        customer = base.sign_in(url, "zhangsan", "zhangsan-pass-1")
        checklist = customer.post("/v1/type-checks", json_body=base.document(
            "bench-template.cn", cert, mobile)).expect(200).json()["materials"]
        app = customer.post("/v1/applications",
                            json_body=base.document("bench-template.cn", cert, mobile)).json()
        cookie = "Cookie: " + "; ".join(f"{k}={v}" for k, v in customer.cookies.items())
        base_rps, base_p99, _ = wrk(url + "/healthz", [])
        get_rps, get_p99, errors = wrk(f"{url}/v1/applications/{app['id']}", [cookie])
        # The template of the submission drafts: the checklist's materials uploaded over HTTP.
        admin.post("/v1/admin/resources:import", json_body={"resources": [{
            "id": "ins-case00", "account": "zhangsan", "kind": "cvm", "region": "ap-beijing",
            "mainland": True, "billing": "prepaid", "trial": False,
            "purchased": {"count": 12, "unit": "months"},
            "expires_at": "2027-11-01T00:00:00+08:00", "public_ip": "203.0.113.10"}]}).expect(200)
        base.upload_checklist(customer, app["id"], checklist, cert)
        bin_dir = os.path.dirname(os.path.abspath(sys.argv[1]))
        submit_rps, submit_p99, submit_errors = http_submit_rate(url, data, bin_dir, app["id"],
                                                                 customer)
        store_rps = store_submit_rate(bin_dir)
        (gate_rps, gate_p99, gate_errors), (bare_rps, bare_p99, _) = gate_rates(url, bin_dir)
        print("| figure | measured | baseline (same run) | ratio | goal |")
        print("| --- | --- | --- | --- | --- |")
        print(f"| icpd idle RSS | {idle / 1024:.1f} MB | `sleep` {floor_rss / 1024:.1f} MB | "
              f"- | <= 50 MB |")
        print(f"| GET one application, 64 conn: req/s | {get_rps:.0f} | GET /healthz "
              f"{base_rps:.0f} | {get_rps / base_rps:.2f} | - |")
        print(f"| GET one application, 64 conn: p99 | {get_p99:.2f} ms | GET /healthz "
              f"{base_p99:.2f} ms | {get_p99 / base_p99:.2f} | <= 5 ms |")
        print(f"| submissions through HTTP, 64 conn: per s | {submit_rps:.0f} (p99 "
              f"{submit_p99:.1f} ms) | store alone (BM_SqliteSubmit) {store_rps:.0f} | "
              f"{submit_rps / store_rps:.2f} | >= 0.60 |")
        print(f"| GET /v1/gate (filed host), 64 conn: req/s | {gate_rps:.0f} (p99 "
              f"{gate_p99:.2f} ms) | bare Beast constant {bare_rps:.0f} (p99 {bare_p99:.2f} ms) | "
              f"{gate_rps / bare_rps:.2f} | - |")
        if gate_errors:
            print(f"(non-2xx answers during the gate run: {gate_errors})")
        if errors:
            print(f"(non-2xx answers during the GET run: {errors})")
        if submit_errors:
            print(f"(non-2xx answers during the submission run: {submit_errors})")
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main()

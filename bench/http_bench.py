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
import shutil
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


def store_submit_rate(bin_dir, engine="Sqlite"):
    """Submissions per second of the store alone: icp_bench's BM_SqliteSubmit (or Postgres)."""
    out = subprocess.run([os.path.join(bin_dir, "icp_bench"), f"--benchmark_filter=BM_{engine}Submit$",
                          "--benchmark_min_time=2", "--benchmark_format=json"],
                         capture_output=True, text=True, check=True).stdout
    run = json.loads(out)["benchmarks"][0]
    seconds = run["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[run["time_unit"]]
    return 1 / seconds


def prepare_template(url):
    """A customer with a draft whose checklist's materials are uploaded over HTTP (the
    template icp_bench_seed clones); (application id, the customer's client)."""
    admin = base.sign_in(url, "root", "root-password-1")
    cert, mobile = "110101199001010111", "13800138000"
    base.create_account(admin, "zhangsan", "customer", "zhangsan-pass-1", "张三", cert, mobile)
    customer = base.sign_in(url, "zhangsan", "zhangsan-pass-1")
    checklist = customer.post("/v1/type-checks", json_body=base.document(
        "bench-template.cn", cert, mobile)).expect(200).json()["materials"]
    app = customer.post("/v1/applications",
                        json_body=base.document("bench-template.cn", cert, mobile)).json()
    admin.post("/v1/admin/resources:import", json_body={"resources": [{
        "id": "ins-case00", "account": "zhangsan", "kind": "cvm", "region": "ap-beijing",
        "mainland": True, "billing": "prepaid", "trial": False,
        "purchased": {"count": 12, "unit": "months"},
        "expires_at": "2027-11-01T00:00:00+08:00", "public_ip": "203.0.113.10"}]}).expect(200)
    base.upload_checklist(customer, app["id"], checklist, cert)
    return app["id"], customer


def seed_drafts(url, data, bin_dir, template_id, count, extra_env=None):
    """`count` signed-in customers with a draft each (icp_bench_seed), one submitted by hand
    first; the file of the others' drafts."""
    drafts = os.path.join(data, "drafts.txt")
    started = time.monotonic()
    subprocess.run([os.path.join(bin_dir, "icp_bench_seed"), data, str(template_id), str(count),
                    drafts], check=True, env=dict(base.env(), **(extra_env or {})))
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
    return drafts


def submit_rate(urls, drafts, count):
    """wrk submits the drafts once each, 64 connections spread over the icpd at `urls` (one
    wrk each, on its share of the drafts, all at once); (submissions/s, worst p99 ms,
    non-2xx)."""
    with open(drafts) as f:
        lines = f.readlines()
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "submit.lua")
    runs = []
    for i, url in enumerate(urls):
        part = f"{drafts}.{i}"
        with open(part, "w") as f:
            f.writelines(lines[i::len(urls)])
        env = dict(os.environ, SUBMIT_DRAFTS=part, SUBMIT_THREADS="2")
        runs.append(subprocess.Popen(
            ["wrk", "-t2", f"-c{64 // len(urls)}", f"-d{SECONDS}s", "--latency", "-s", script,
             url], stdout=subprocess.PIPE, text=True, env=env))
    sent, p99_ms, errors = 0, 0.0, 0
    for run in runs:
        out, _ = run.communicate()
        if run.returncode != 0:
            raise SystemExit(f"wrk failed: {out}")
        sent += int(re.search(r"submissions sent: (\d+)", out).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errors += int(non2xx.group(1)) if non2xx else 0
        p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
        p99_ms = max(p99_ms, float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)])
    if sent >= count - len(urls):
        raise SystemExit(f"every seeded draft was submitted in {SECONDS} s: seed more")
    return sent / SECONDS, p99_ms, errors


def http_submit_rate(url, data, bin_dir, template_id, customer):
    """Submissions per second through HTTP: wrk submits each seeded draft once."""
    count = 40000
    drafts = seed_drafts(url, data, bin_dir, template_id, count)
    return submit_rate([url], drafts, count)


def postgres_submit_rows(bin_dir, processes=(1, 2, 4), count=20000):
    """Submissions through HTTP on PostgreSQL with 1, 2 and 4 icpd on one database (each count
    in a schema of its own, seeded afresh), beside the store's own rate (BM_PostgresSubmit);
    needs scripts/with-postgres's ICP_TEST_PG_URL and ICP_TEST_PG_RUNTIME_URL."""
    import uuid
    import pg_race_test as race
    owner, runtime = os.environ["ICP_TEST_PG_URL"], os.environ["ICP_TEST_PG_RUNTIME_URL"]
    store_rps = store_submit_rate(bin_dir, "Postgres")
    rows = []
    for n in processes:
        schema = "bench_" + uuid.uuid4().hex[:12]
        created = race.psql(owner, f'CREATE SCHEMA "{schema}"')
        if created.returncode != 0:
            raise SystemExit(f"cannot create the schema: {created.stderr}")
        data = tempfile.mkdtemp(prefix="beian-bench-pg-")
        store_env = {"ICP_DATABASE": race.with_schema(runtime, schema),
                     "ICP_PII_KEY": os.path.join(data, "pii.key")}
        env = dict(base.env(), **store_env)
        procs = []
        try:
            subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", data, "--database",
                            race.with_schema(owner, schema)], check=True, env=env,
                           stdout=subprocess.DEVNULL)
            subprocess.run([base.ICPCTL, "accounts", "bootstrap", "--data-dir", data, "--login",
                            "root"], check=True, env=dict(env, ICP_NEW_PASSWORD="root-password-1"),
                           stdout=subprocess.DEVNULL)
            for i in range(n):
                own = os.path.join(data, f"icpd-{i}")
                os.makedirs(own)
                procs.append(base.start_icpd(own, store_env))
            urls = [url for _, url in procs]
            template_id, _ = prepare_template(urls[0])
            drafts = seed_drafts(urls[0], data, bin_dir, template_id, count, store_env)
            rps, p99, errors = submit_rate(urls, drafts, count)
            rows.append((n, rps, p99, errors))
        finally:
            for proc, _ in procs:
                proc.terminate()
                proc.wait(30)
            race.psql(owner, f'DROP SCHEMA "{schema}" CASCADE')
            shutil.rmtree(data, ignore_errors=True)
    for n, rps, p99, errors in rows:
        print(f"| submissions through HTTP on PostgreSQL, {n} icpd, 64 conn: per s | {rps:.0f} "
              f"(p99 {p99:.1f} ms{f', {errors} non-2xx' if errors else ''}) | store alone "
              f"(BM_PostgresSubmit, 1 connection) {store_rps:.0f} | {rps / store_rps:.2f} | - |")


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
        # The template of the submission drafts: the checklist's materials uploaded over HTTP.
        app_id, customer = prepare_template(url)
        cookie = "Cookie: " + "; ".join(f"{k}={v}" for k, v in customer.cookies.items())
        base_rps, base_p99, _ = wrk(url + "/healthz", [])
        get_rps, get_p99, errors = wrk(f"{url}/v1/applications/{app_id}", [cookie])
        bin_dir = os.path.dirname(os.path.abspath(sys.argv[1]))
        submit_rps, submit_p99, submit_errors = http_submit_rate(url, data, bin_dir, app_id,
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
        if os.environ.get("ICP_TEST_PG_URL") and os.environ.get("BENCH_POSTGRES", "1") == "1":
            postgres_submit_rows(bin_dir)
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(data, ignore_errors=True)  # 40,000 seeded drafts: hundreds of MB


if __name__ == "__main__":
    main()

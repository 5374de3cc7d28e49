#!/usr/bin/python3
"""Beian at national scale, each figure beside its baseline in the same run (issue 12;
docs/performance.md). Prints one Markdown table.

Usage: national_bench.py PATH_TO_ICPD PATH_TO_ICPCTL
  (registry-gen, icp-bureau, icp_bench and icp_bench_bare_beast from icpd's directory;
   run from the repository's root)
Settings (environment):
  BENCH_WEBSITES   websites of the generated registry (default 10000000; subjects = half)
  BENCH_GATE_WEBSITES  websites loaded into icpd for the gate rows (default: BENCH_WEBSITES,
                   at most 100000: icpd's admin import checks, seals and audits each record)
  BENCH_SECONDS    seconds per wrk run (default 10)
  BENCH_WORK       directory for the registry and the stores (default: a temporary one,
                   removed at the end; the 10-million registry takes about 12 GB there)
  BENCH_REGISTRY   a registry-gen file of BENCH_WEBSITES websites made before (--seed 12,
                   subjects = half), used instead of generating one
  BENCH_SKIP       comma-separated parts to leave out: import, query, gate, gbench, memory,
                   http (bench/http_bench.py: submissions through HTTP on SQLite)

The rows:
  - registry-gen: the registry's JSON Lines (no baseline: the input of the next row);
  - icp-bureau import of that file beside a bare bulk INSERT of the same rows into the same
    schema on the same engine (SQLite, INSERT ... SELECT from the imported file into a fresh
    store: the engine's floor for those rows, indexes and triggers);
  - the public query (GET /portal/api/query) by domain, by number and by unit name, over
    samples of the registry, at 64 connections, beside bare Beast answering a constant;
  - icpd idle RSS without records, and with the gate index of BENCH_GATE_WEBSITES websites;
  - GET /v1/gate for filed hosts of the registry through icpd at 64 connections, beside bare
    Beast;
  - icp_bench's Evaluate on a full application, every validator, and the store's durable
    submission beside a raw commit (bench/storage_bench.cc, by the same binary's filter).
"""
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import filing_test as base  # noqa: E402

BIN = os.path.dirname(os.path.abspath(sys.argv[1]))
WEBSITES = int(os.environ.get("BENCH_WEBSITES", "10000000"))
# icpd takes filed records through its admin import (every record checked, sealed and audited:
# a few thousand records/s here), so the gate's HTTP rows load fewer than the registry by
# default; the index itself at full size is gate_bench's row (GateTable, in process).
GATE_WEBSITES = int(os.environ.get("BENCH_GATE_WEBSITES", str(min(WEBSITES, 100000))))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
SKIP = set(filter(None, os.environ.get("BENCH_SKIP", "").split(",")))
ISP_IDS = "440000000001,110000000002"
LUA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "paths.lua")
ROWS = []


def row(figure, measured, baseline, ratio, goal):
    ROWS.append((figure, measured, baseline, ratio, goal))
    print(f"| {figure} | {measured} | {baseline} | {ratio} | {goal} |", file=sys.stderr,
          flush=True)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def cpu_seconds(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def timed(args, **kw):
    """Runs args to the end; (wall seconds, CPU seconds, stdout). CPU time is what a loaded
    machine changes least: the wall time of a run here is its CPU time stretched by the
    other work on the two cores."""
    started, cpu = time.monotonic(), cpu_seconds(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(args, stdout=kw.pop("stdout", subprocess.PIPE), **kw)
    out, _ = proc.communicate()
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"{args[0]} failed ({proc.returncode}): {out!r}")
    return wall, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu, out


def wrk(url, paths=None):
    """(requests/s, p99 ms, non-2xx) of wrk -t2 -c64 on url, or over the paths file."""
    args = ["wrk", "-t2", "-c64", f"-d{SECONDS}s", "--latency"]
    env = dict(os.environ)
    if paths:
        args += ["-s", LUA]
        env["BENCH_PATHS"] = paths
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True,
                         env=env).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (rps, float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)],
            int(non2xx.group(1)) if non2xx else 0)


def start(args, pattern, log):
    """Starts a server that prints `pattern` (a regex with the URL as group 1) on stdout."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=open(log, "ab"))
    line = b""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        line += proc.stdout.readline()
        m = re.search(pattern, line)
        if m:
            return proc, m.group(1).decode()
        if proc.poll() is not None:
            raise SystemExit(f"{args[0]} exited ({proc.returncode}) before listening; see {log}")
    raise SystemExit(f"{args[0]} did not listen; see {log}")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def bare_beast():
    return start([os.path.join(BIN, "icp_bench_bare_beast")], rb"listening on (http://\S+)",
                 os.devnull)


def have(name):
    """Whether the build made `name` (icp_bench and the bare server need ICP_BUILD_BENCH=ON;
    the smoke test of a plain build runs without them and says so)."""
    return os.path.exists(os.path.join(BIN, name))


NO_FLOOR = (float("nan"), float("nan"), 0)


def bare_beast_wrk():
    if not have("icp_bench_bare_beast"):
        return NO_FLOOR
    proc, url = bare_beast()
    try:
        return wrk(url + "/v1/gate?host=www.gate-bench.cn")
    finally:
        stop(proc)


def fmt_rate(rps, p99, errors):
    if rps != rps:  # NaN: not measured
        return "not built (ICP_BUILD_BENCH=OFF)"
    text = f"{rps:,.0f}/s, p99 {p99:.2f} ms"
    return text + (f" ({errors} non-2xx)" if errors else "")


# ---- the registry: generation, icp-bureau import, the bare INSERT ----

def generate(work, websites):
    given = os.environ.get("BENCH_REGISTRY")
    if given and websites == WEBSITES:
        # A registry made before (registry-gen with the same sizes and --seed 12): the 10
        # million take minutes to write; its own time is docs/performance.md's.
        row(f"registry-gen, {websites:,} websites", f"given: {given}", "-", "-", "-")
        return given
    path = os.path.join(work, f"registry-{websites}.jsonl")
    with open(path, "wb") as out:
        wall, cpu, _ = timed([os.path.join(BIN, "registry-gen"), "--seed", "12",
                              "--subjects", str(max(1, websites // 2)), "--websites",
                              str(websites), "--isp-ids", ISP_IDS], stdout=out)
    size = os.path.getsize(path)
    row(f"registry-gen, {websites:,} websites, {websites // 2:,} subjects",
        f"{wall:.1f} s wall, {cpu:.1f} s CPU ({size / 1e9:.2f} GB)", "-", "-", "-")
    return path


def bureau_import(work, registry):
    data = os.path.join(work, "bureau")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    wall, cpu, out = timed([os.path.join(BIN, "icp-bureau"), "import", "--data-dir", data,
                            registry])
    m = re.search(rb"(\d+) line\(s\): (\d+) imported", out)
    if not m or m.group(1) != m.group(2):
        raise SystemExit(f"icp-bureau import did not take every line: {out!r}")
    return data, wall, cpu


def bare_insert(work, imported_db):
    """The same rows, INSERT ... SELECT into a fresh store of the same schema, one commit."""
    data = os.path.join(work, "bare")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    empty = os.path.join(work, "empty.jsonl")
    open(empty, "w").close()
    subprocess.run([os.path.join(BIN, "icp-bureau"), "import", "--data-dir", data, empty],
                   check=True, stdout=subprocess.DEVNULL)
    import sqlite3
    db = sqlite3.connect(os.path.join(data, "bureau.db"), isolation_level=None)
    # The settings icp-bureau's import runs with (store.cc: WAL, a 1 GiB cache; its batches
    # commit without waiting for the disk and a checkpoint syncs at the end; here one commit).
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA cache_size = -1048576")
    db.execute("ATTACH ? AS src", (imported_db,))
    started, cpu = time.monotonic(), cpu_seconds(resource.RUSAGE_SELF)
    db.execute("BEGIN IMMEDIATE")
    for table in ["number_sequences", "subjects", "websites", "domains", "accesses", "ips"]:
        db.execute(f"INSERT INTO main.{table} SELECT * FROM src.{table}")
    if db.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'subject_names'").fetchone():
        db.execute("INSERT INTO main.subject_names (rowid, name) "
                   "SELECT ztid, name FROM src.subjects")  # the unit-name index (0006)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(FULL)")
    wall, cpu = time.monotonic() - started, cpu_seconds(resource.RUSAGE_SELF) - cpu
    db.close()
    shutil.rmtree(data, ignore_errors=True)
    return wall, cpu


# ---- the public query ----

def samples(registry, count):
    """(domains, subject numbers, website numbers, unit names) of `count` lines spread over
    the file (every k-th line: the file is read once)."""
    lines = 0
    with open(registry, "rb") as f:
        for _ in f:
            lines += 1
    step = max(1, lines // count)
    domains, numbers, names = [], [], []
    with open(registry, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % step:
                continue
            r = json.loads(line)
            numbers.append(r["subject"]["number"])
            # Names of three characters or more: those the trigram index answers. A shorter
            # text (a two-character personal name) reads every subject (docs/performance.md).
            if len(r["subject"]["name"]) >= 3:
                names.append(r["subject"]["name"])
            for w in r["websites"]:
                domains.extend(w["domains"])
                numbers.append(w["number"])
    return domains, numbers, names


def write_paths(work, name, prefix, values):
    path = os.path.join(work, name)
    values = list(values)
    random.Random(7).shuffle(values)
    with open(path, "w") as f:
        for v in values:
            f.write(prefix + urllib.parse.quote(v, safe="") + "\n")
    return path


def public_query(work, bureau_data, registry):
    domains, numbers, names = samples(registry, 20000)
    proc, url = start([os.path.join(BIN, "icp-bureau"), "serve", "--port", "0", "--data-dir",
                       bureau_data], rb"(http://127\.0\.0\.1:\d+)", os.path.join(work, "bureau.log"))
    try:
        # One query by hand, so a wrong answer stops the bench instead of being measured.
        with urllib.request.urlopen(url + "/portal/api/query?by=domain&condition=" +
                                    urllib.parse.quote(domains[0]), timeout=60) as answer:
            probe = json.load(answer)
        if probe.get("total") != 1:
            raise SystemExit(f"the public query does not find {domains[0]}: {probe}")
        runs = {}
        for by, values in (("domain", domains), ("number", numbers), ("unit_name", names)):
            paths = write_paths(work, f"query-{by}.txt",
                                f"/portal/api/query?by={by}&condition=", values)
            runs[by] = wrk(url, paths)
    finally:
        stop(proc)
    floor = bare_beast_wrk()
    for by, (rps, p99, errors) in runs.items():
        row(f"public query by {by.replace('_', ' ')}, 64 conn",
            fmt_rate(rps, p99, errors), "bare Beast " + fmt_rate(*floor),
            f"{rps / floor[0]:.2f}", "p99 <= 10 ms: " + ("met" if p99 <= 10 else
                                                         f"**missed** ({p99 / 10:.1f}x)"))


# ---- icpd: idle memory, the gate on the registry's records ----

PERSON = base.document("template.cn", "110101199001010111", "13800138000")
with open(os.path.join(base.REPO, "data", "rules", "cases", "13-clean-unit.json"),
          encoding="utf-8") as _f:
    UNIT = json.load(_f)["application"]
    UNIT.pop("materials", None)
    UNIT.pop("type", None)


def principal(template, leader):
    p = json.loads(json.dumps(template))
    p["name"] = leader["name"]
    if leader.get("certificate_number"):
        p["certificate"] = {"type": "resident_id", "number": leader["certificate_number"]}
    p["mobile"] = leader["mobiles"].split(";")[0]
    p["email"] = leader["emails"].split(";")[0]
    return p


def icpd_subject(line, account):
    """A registry line (registry-gen's JSON Lines) as icpd's filed-records import spells it."""
    s = line["subject"]
    person = s["certificate"]["type"] == 2
    doc = json.loads(json.dumps(PERSON if person else UNIT))
    province = str(s["region"]["province"] // 10000)
    cert = s["certificate"]["number"]
    subject = doc["subject"]
    subject["name"] = subject["investor"] = s["name"]
    subject["certificate"]["number"] = cert
    subject["region_code"] = cert[:6] if person else cert[2:8]
    lead = principal(subject["principal"], s["leader"])
    if person:
        lead["certificate"] = {"type": "resident_id", "number": cert}
        lead["name"] = s["name"]
    else:
        subject["legal_representative"] = {"name": lead["name"],
                                           "certificate": lead["certificate"]}
    subject["principal"] = lead
    doc["province"] = province
    template = doc["websites"][0]
    websites = []
    for w in line["websites"]:
        site = json.loads(json.dumps(template))
        site["name"] = w["name"]
        site["domains"] = w["domains"]
        site["home_url"] = "http://" + w.get("home_url", "www." + w["domains"][0])
        site["principal"] = lead if person else principal(template["principal"], w["leader"])
        websites.append({"number": w["number"], "website": site})
    return {"account": account, "province": province, "number": s["number"],
            "subject": subject, "websites": websites}


def load_icpd(url, registry, websites):
    """Imports the registry's first `websites` websites into icpd as filed records
    (POST /v1/admin/records:import, 2,000 subjects a call); (seconds, records, hosts)."""
    admin = base.sign_in(url, "root", "root-password-1")
    account = base.create_account(admin, "national", "customer", "national-pass-1", "张三",
                                  "110101199001010111", "13800138000")
    loaded, records, hosts, batch = 0, 0, [], []
    started = time.monotonic()

    def send():
        nonlocal records
        r = admin.post("/v1/admin/records:import", json_body={"subjects": batch})
        if r.status != 200:
            raise SystemExit(f"icpd refused the records: {r.status} {r.text()[:3000]}")
        records += r.json()["created"]
        batch.clear()

    with open(registry, encoding="utf-8") as f:
        for i, text in enumerate(f):
            if loaded >= websites:
                break
            line = json.loads(text)
            line["websites"] = line["websites"][:websites - loaded]
            loaded += len(line["websites"])
            batch.append(icpd_subject(line, account))
            if i % 97 == 0:
                hosts.append("www." + line["websites"][0]["domains"][0])
            if len(batch) == 2000:
                send()
    if batch:
        send()
    return time.monotonic() - started, records, hosts


def icpd_rows(work):
    data = os.path.join(work, "icpd")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", data], check=True,
                   env=base.env(), stdout=subprocess.DEVNULL)
    subprocess.run([base.ICPCTL, "accounts", "bootstrap", "--data-dir", data, "--login", "root"],
                   check=True, env=dict(base.env(), ICP_NEW_PASSWORD="root-password-1"),
                   stdout=subprocess.DEVNULL)
    proc, url = base.start_icpd(data)
    try:
        time.sleep(1)
        idle = rss_kib(proc.pid)
        floor = subprocess.Popen(["sleep", "5"])
        time.sleep(0.2)
        floor_rss = rss_kib(floor.pid)
        floor.kill()
        floor.wait()
        row("icpd idle RSS, no records", f"{idle / 1024:.1f} MB", f"`sleep` {floor_rss / 1024:.1f} MB",
            "-", "<= 50 MB: " + ("met" if idle <= 50 * 1024 else "**missed**"))
        if "gate" in SKIP:
            return
        registry = generate(work, GATE_WEBSITES) if GATE_WEBSITES != WEBSITES else REGISTRY
        took, records, hosts = load_icpd(url, registry, GATE_WEBSITES)
        row(f"icpd records import, {GATE_WEBSITES:,} websites (POST /v1/admin/records:import)",
            f"{took:.1f} s ({records / took:,.0f} records/s)", "-", "-", "-")
        # The gate's index follows the store within its refresh interval; wait for the last.
        client = base.Client(url)
        deadline = time.monotonic() + 600
        while client.get("/v1/gate?host=" + urllib.parse.quote(hosts[-1])).status != 200:
            if time.monotonic() > deadline:
                raise SystemExit(f"the gate does not know {hosts[-1]} after 600 s")
            time.sleep(0.5)
        loaded = rss_kib(proc.pid)
        row(f"icpd RSS with the gate index of {GATE_WEBSITES:,} websites, after importing them",
            f"{loaded / 1024:.1f} MB",
            f"idle {idle / 1024:.1f} MB", f"{loaded / idle:.1f}", "-")
        paths = write_paths(work, "gate-hosts.txt", "/v1/gate?host=", hosts)
        gate = wrk(url, paths)
        edge = through_nginx(work, url, hosts)
    finally:
        stop(proc)
    floor = bare_beast_wrk()
    for what, run in ((f"GET /v1/gate, filed hosts of {GATE_WEBSITES:,} websites", gate),
                      ("GET / through nginx auth_request (deploy/nginx/beian-gate.conf) to "
                       "bare Beast, the same hosts", edge)):
        if run is None:
            continue
        ratio = run[0] / floor[0]
        verdict = "met" if ratio >= 0.7 and run[1] <= 5 else "**missed**"
        row(what + ", 64 conn", fmt_rate(*run), "bare Beast " + fmt_rate(*floor),
            f"{ratio:.2f}", f">= 0.70 and p99 <= 5 ms: {verdict}")


def through_nginx(work, gate_url, hosts):
    """Debian's nginx running the shipped site (the gate by auth_request, its answers cached
    5 s per host) in front of bare Beast as the customer's site; wrk asks for / on the
    registry's hosts. None when nginx or the bare server is missing."""
    sys.path.insert(0, os.path.join(base.REPO, "tests", "nginx"))
    import gate_nginx_test as edge
    if edge.NGINX is None or not have("icp_bench_bare_beast"):
        print("(nginx or icp_bench_bare_beast missing: no nginx row)", file=sys.stderr)
        return None
    site = os.path.join(work, "nginx")
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(site)
    hosts = [h for h in hosts if h.isascii()]  # a browser sends an IDN host as its A-label
    upstream, upstream_url = bare_beast()
    port = edge.free_port()
    conf = edge.nginx_config(site, gate_url, int(upstream_url.rsplit(":", 1)[1]), port)
    server = subprocess.Popen([edge.NGINX, "-p", site, "-c", conf, "-g", "daemon off;"],
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60  # nginx's start on a loaded machine
        last = None
        while True:
            try:
                last = edge.fetch(port, hosts[0], "/")
                if last[0] == 200:
                    break
            except OSError as e:
                last = e  # not listening yet
            if time.monotonic() > deadline:
                with open(os.path.join(site, "error.log"), errors="replace") as log:
                    errors = [line for line in log if "[error]" in line or "[crit]" in line]
                raise SystemExit(f"nginx does not pass {hosts[0]} through: {last!r:.300}; "
                                 f"its errors: {''.join(errors[-3:])}")
            time.sleep(0.1)
        paths = os.path.join(work, "nginx-hosts.txt")
        with open(paths, "w") as f:
            for h in hosts:
                f.write(f"{h} /\n")
        return wrk(f"http://127.0.0.1:{port}", paths)
    finally:
        stop(server)
        stop(upstream)


# ---- Google Benchmark rows ----

def gbench():
    out = subprocess.run(
        [os.path.join(BIN, "icp_bench"), "--benchmark_format=json", "--benchmark_min_time=0.3",
         "--benchmark_filter=Evaluate|Parse|BM_(Sqlite|Postgres)(Submit|RawCommit|Raw)"],
        capture_output=True, text=True, check=True).stdout
    runs = {b["name"]: b for b in json.loads(out)["benchmarks"]}

    def us(b, which="cpu_time"):
        # CPU time per call: what a loaded machine stretches least (wall time is the other
        # builds' as much as ours); the store's rows are wall time: they wait on the disk.
        return b[which] * {"ns": 1e-3, "us": 1, "ms": 1e3, "s": 1e6}[b["time_unit"]]

    for name, b in runs.items():
        if name.startswith("BM_Evaluate"):
            t = us(b)
            row(f"`{name}` ({b.get('checks', 0):.0f} checks, {b.get('websites', 0):.0f} websites)",
                f"{t:.1f} µs CPU", "-", "-", "<= 50 µs: " + ("met" if t <= 50 else "**missed**"))
        elif "Parse" in name:
            row(f"`{name}`", f"{us(b):.2f} µs CPU", "-", "-", "-")
    # The gate's index at the registry's size, beside std::unordered_set of the same domains.
    out = subprocess.run(
        [os.path.join(BIN, "icp_bench"), "--benchmark_format=json", "--benchmark_min_time=0.3",
         "--benchmark_filter=BM_GateTableHit|BM_UnorderedSetHit"],
        capture_output=True, text=True, check=True,
        env=dict(os.environ, ICP_GATE_BENCH_DOMAINS=str(WEBSITES))).stdout
    gate = {b["name"]: b for b in json.loads(out)["benchmarks"]}
    table, plain = gate["BM_GateTableHit"], gate["BM_UnorderedSetHit"]
    row(f"gate index (GateTable), {WEBSITES:,} domains: memory, hits/s per core",
        f"{table['MB']:.0f} MB ({table['bytes_per_entry']:.1f} B/entry), "
        f"{table['lookups_per_s'] / 1e6:.2f} M/s",
        f"unordered_set {plain['MB']:.0f} MB, {plain['lookups_per_s'] / 1e6:.2f} M/s",
        f"{table['MB'] / plain['MB']:.2f} (memory)", "-")
    seeded = int(os.environ.get("ICP_BENCH_SEED_APPLICATIONS", "1000000"))
    for engine in ("Sqlite", "Postgres"):
        # BM_<engine>SubmitVsRaw (bench/storage_bench.cc): on a store already holding
        # `seeded` applications, each submission (application, audit, outbox) timed beside a
        # raw durable commit of a same-sized row on the same engine, settings and file; its
        # counters carry both means and their ratio.
        vs = next((b for n, b in runs.items() if n.startswith(f"BM_{engine}SubmitVsRaw")), None)
        if vs and "ratio" in vs:
            row(f"store's durable submission (application + audit + outbox), {engine}, "
                f"store holding {seeded:,} applications", f"{vs['store_us']:.0f} µs",
                f"raw commit of a same-sized row {vs['raw_us']:.0f} µs", f"{vs['ratio']:.2f}",
                ">= 0.5: " + ("met" if vs["ratio"] >= 0.5 else "**missed**"))
        elif vs:
            row(f"store's durable submission, {engine}", "not run: " +
                vs.get("error_message", "no counters"), "-", "-", ">= 0.5")
        submit = runs.get(f"BM_{engine}Submit")
        if submit:
            row(f"store's durable submission, {engine}, fresh store (BM_{engine}Submit)",
                f"{us(submit, 'real_time'):.0f} µs", "-", "-", "-")


def http_rows():
    """bench/http_bench.py's rows (one application, submissions on SQLite through HTTP beside
    the store's own rate), in this table."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "http_bench.py")
    out = subprocess.run([sys.executable, script, sys.argv[1], sys.argv[2], str(SECONDS)],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("| ") and not line.startswith(("| figure", "| ---")):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            row(*cells[:5])
        elif line.startswith("("):
            print(line, file=sys.stderr)


REGISTRY = None


def main():
    global REGISTRY
    work = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="beian-national-")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)  # nginx's workers (not root) write their cache under it
    keep = bool(os.environ.get("BENCH_WORK"))
    try:
        if not {"import", "query"} <= SKIP or "gate" not in SKIP:
            REGISTRY = generate(work, WEBSITES)
        if "import" not in SKIP:
            data, took, cpu = bureau_import(work, REGISTRY)
            bare, bare_cpu = bare_insert(work, os.path.join(data, "bureau.db"))
            # The goal is judged on CPU time too: on this shared machine a run's wall time is
            # mostly the other builds' (docs/performance.md).
            row(f"icp-bureau import, {WEBSITES:,} websites", f"{took:.1f} s wall, {cpu:.1f} s "
                f"CPU ({WEBSITES / cpu:,.0f} websites per CPU s)",
                f"bare INSERT ... SELECT {bare:.1f} s wall, {bare_cpu:.1f} s CPU",
                f"{bare_cpu / cpu:.2f} (CPU), {bare / took:.2f} (wall)",
                f"10 M in <= 300 s: CPU {cpu * 1e7 / WEBSITES:.0f} s for 10 M, " +
                ("met" if cpu * 1e7 / WEBSITES <= 300 else
                 f"**missed** ({cpu * 1e7 / WEBSITES / 300:.1f}x)"))
            if "query" not in SKIP:
                public_query(work, data, REGISTRY)
        if not {"memory", "gate"} <= SKIP:
            icpd_rows(work)
        if "gbench" not in SKIP and have("icp_bench"):
            gbench()
        if "http" not in SKIP and have("icp_bench_seed"):
            http_rows()
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    print("| figure | measured | baseline (same run) | ratio | goal |")
    print("| --- | --- | --- | --- | --- |")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()

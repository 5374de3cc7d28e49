#!/usr/bin/python3
"""Faults: the bureau failing, slow, dropping answers, delivering result files twice and
restarted mid-run; every application still reaches its final state, each uploaded once
(issue 12).

icp-bureau runs with its fault injection on every SOAP call (src/bureau_sim/faults.h): 30% of
the calls answered with a server Fault unprocessed, 10% processed with the answer dropped (the
connection closes: did the upload go through?), every call delayed, 30% of the acknowledged
result files delivered once more; it decides by itself (--auto-review approve). It is killed
(SIGKILL) and started again on the same store and port twice during the run. icpd (SQLite)
uploads to it as a provider. APPLICATIONS customers file a personal first filing each, through
icpd's HTTP API (type check, create, materials, submit) and icpd's reviewer passes each to the
bureau; the leader of each enters MIIT's SMS code on the bureau's portal (read from the
bureau's test hooks, the phone); the bureau approves.

What must hold at the end:
  - every application is approved in icpd, with one bureau_approve in its history (a result
    file delivered twice applied once), its subject and website on record with the numbers;
  - icp-bureau has one filing per application, approved by the automatic review, one live
    domain per application in its registry, and as many uploads as icpd has accepted files,
    each application's file once (a dropped answer resolved by isp_querypreviousupload, not by
    a second upload);
  - icpctl audit verify passes.
Prints the applications, the time they took, the uploads and icpd's files, the faults met
(from icp-bureau's log at each clean stop) and fails if anything is off.

Usage: faults_test.py PATH_TO_ICPD PATH_TO_ICPCTL PATH_TO_ICP_BUREAU [--applications N]
       [--seed N]   (make reliability: 200; make test runs a bounded part.)
"""
import argparse
import os
import random
import re
import signal
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

ISP_ID = 440000000001
PASSWORD = "faults-bureau-secret-1"
WORKERS = 3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fault_flags(seed):
    return ["--auto-review", "approve", "--tick-ms", "100",
            "--fault-error-rate", "0.3", "--fault-drop-rate", "0.1",
            "--fault-latency-ms", "50", "--fault-duplicate-downloads", "0.3",
            "--fault-seed", str(seed)]


def file_one(url, c, checklist):
    """A customer's first filing, from sign-in to submitted (icpd is not faulted here)."""
    client = h.base.sign_in(url, c.login, c.password)
    app = client.post("/v1/applications", json_body=c.document(),
                      headers={"Idempotency-Key": h.new_key()}).expect(201).json()
    for m in checklist:
        client.post(f"/v1/applications/{app['id']}/materials", body=h.png(),
                    headers={"Content-Type": "image/png"},
                    params=h.material_params(m, c.cert)).expect(201)
    etag = client.get(f"/v1/applications/{app['id']}").expect(200).header("ETag")
    client.post(f"/v1/applications/{app['id']}:submit", json_body={},
                headers={"If-Match": etag}).expect(200)
    return app["id"]


def review(url, app_ids):
    """icpd's reviewer: claim, a reached call, pass to verification, pass to the bureau."""
    reviewer = h.base.sign_in(url, "examiner", "examiner-pass-1")
    for app_id in app_ids:
        for verb, body in (("claim", {}), ("contact", {"outcome": "reached"}), ("pass", {}),
                           ("pass", {})):
            etag = reviewer.get(f"/v1/applications/{app_id}").expect(200).header("ETag")
            reviewer.post(f"/v1/applications/{app_id}:{verb}", json_body=body,
                          headers={"If-Match": etag}).expect(200)


class Phones:
    """The leaders' phones: each enters the code MIIT sent it on the bureau's portal."""

    def __init__(self, bureau, customers):
        self.bureau = bureau
        self.by_mobile = {c.mobile: c for c in customers}
        self.verified = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            try:
                self.once()
            except OSError:
                pass  # the bureau is being restarted
            self.stop.wait(0.3)

    def once(self):
        if self.bureau.url is None:
            return
        for f in self.bureau.filings("sms_pending"):
            status, body = self.bureau.request("GET", f"/bureau/api/filings/{f['id']}",
                                               token=True)
            if status != 200:
                continue
            for m in set(re.findall(r"<Fzr_sjhm>(\d+)</Fzr_sjhm>", body.get("record", ""))):
                c = self.by_mobile.get(m)
                if c is None or (f["id"], m) in self.verified:
                    continue
                status, got = self.bureau.request(
                    "GET", "/test/messages?to=" + m)
                codes = re.findall(r"核验码为(\d{6})", " ".join(
                    x["text"] for x in got.get("messages", []))) if status == 200 else []
                if not codes:
                    continue
                status, outcome = self.bureau.request(
                    "POST", "/portal/api/sms/verify",
                    {"mobile": m, "code": codes[-1], "certificate_tail": c.cert[-6:]})
                if status == 200:
                    self.verified.add((f["id"], m))


def faults_met(bureau):
    """The faults icp-bureau logged at each clean stop (errors, drops, duplicates)."""
    try:
        with open(os.path.join(bureau.data, "serve.stderr"), encoding="utf-8") as f:
            log = f.read()
    except OSError:
        return None
    found = re.findall(r"faults met: (\d+) errors, (\d+) dropped answers, (\d+) duplicated "
                       r"files", log)
    if not found:
        return None
    return tuple(sum(int(x[i]) for x in found) for i in range(3))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("icpd")
    parser.add_argument("icpctl")
    parser.add_argument("bureau")
    parser.add_argument("--applications", type=int, default=30)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--wait", type=int, default=0,
                        help="seconds to wait for the final states (default: by the count)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    n = args.applications
    h.say(f"faults_test: seed {seed}, {n} applications")
    work = tempfile.mkdtemp(prefix="beian-faults-")
    bureau = h.Bureau(work, fault_flags(seed))
    bureau.add_provider(ISP_ID, f"isp-{ISP_ID}", PASSWORD)
    port = free_port()
    bureau.start(port)
    data = os.path.join(work, "icpd")
    os.makedirs(data)
    extra = h.prepare_store(data)
    icpd = h.Icpd(data, dict(h.bureau_settings(bureau, ISP_ID, PASSWORD)))
    icpd.start()
    phones = None
    started = time.monotonic()
    try:
        admin = h.base.sign_in(icpd.url, "root", "root-password-1")
        h.base.create_account(admin, "examiner", "reviewer", "examiner-pass-1", "审核员",
                              "110101199001010111", "13800138000")
        customers = [h.Customer(i, "f") for i in range(n)]
        h.create_customers(admin, customers)
        probe = h.base.sign_in(icpd.url, customers[0].login, customers[0].password)
        checklist = h.required_materials(probe.post(
            "/v1/type-checks", json_body=customers[0].document()).expect(200).json()["materials"])
        phones = Phones(bureau, customers)
        app_ids = {}
        lock = threading.Lock()

        def worker(batch):
            for c in batch:
                app_id = file_one(icpd.url, c, checklist)
                review(icpd.url, [app_id])
                with lock:
                    app_ids[c.login] = app_id

        threads = [threading.Thread(target=worker, args=(customers[i::WORKERS],))
                   for i in range(WORKERS)]
        for t in threads:
            t.start()
        # Two restarts of the bureau while the applications flow: a clean stop (its fault
        # counts logged) and a kill.
        restarts = 0
        for sig in (signal.SIGTERM, signal.SIGKILL):
            time.sleep(rng.uniform(2, 6))
            bureau.stop(sig)
            time.sleep(rng.uniform(0.5, 2))
            bureau.start(port)
            restarts += 1
        for t in threads:
            t.join()
        submitted = time.monotonic() - started
        # Every application approved in icpd.
        wait = args.wait or int((60 + 3 * n) * h.SLOWDOWN)
        deadline = time.monotonic() + wait
        states = {}
        while time.monotonic() < deadline:
            snap = h.Store(sqlite_file=os.path.join(data, "icp.db")).snapshot({
                "states": "SELECT state, count(*) FROM applications GROUP BY state"})
            states = dict(snap["states"])
            if states.get("approved") == str(n):
                break
            time.sleep(1)
        took = time.monotonic() - started
        h.check(states.get("approved") == str(n),
                f"all {n} applications approved within {wait} s: {states}")
        phones.stop.set()
        check_end(bureau, data, extra, customers, app_ids)
        bureau.stop(signal.SIGTERM)
        met = faults_met(bureau)
        snap = h.Store(sqlite_file=os.path.join(data, "icp.db")).snapshot({
            "files": "SELECT state, count(*) FROM bureau_files GROUP BY state"})
        files = dict(snap["files"])
        b = bureau.db({"uploads": "SELECT count(*) FROM uploads",
                       "downloads": "SELECT count(*) FROM downloads"})
        h.say(f"faults_test: {n} applications, {states.get('approved', 0)} approved, "
              f"submitted in {submitted:.0f} s, all final after {took:.0f} s; bureau "
              f"restarted {restarts} times; icp-bureau received {b['uploads'][0][0]} uploads, "
              f"icpd's files {files}; result files {b['downloads'][0][0]}; faults met at the "
              f"clean stops: " + ("not logged" if met is None else
                                  f"{met[0]} errors, {met[1]} dropped answers, {met[2]} "
                                  "duplicated files"))
    finally:
        if phones:
            phones.stop.set()
        icpd.stop()
        bureau.stop(signal.SIGTERM)
    if h.failures:
        print(f"{len(h.failures)} check(s) failed (seed {seed}; the stores are in {work})",
              file=sys.stderr)
        return 1
    return 0


def check_end(bureau, data, extra, customers, app_ids):
    """Each application approved once, uploaded once, on record once at both ends."""
    snap = h.Store(sqlite_file=os.path.join(data, "icp.db")).snapshot({
        "apps": "SELECT id, state FROM applications",
        "moves": "SELECT application_id, event FROM application_transitions",
        "files": "SELECT file_name, application_id, state FROM bureau_files",
        "subjects": "SELECT count(*) FROM subjects WHERE number IS NOT NULL",
        "websites": "SELECT count(*) FROM websites WHERE number IS NOT NULL"})
    h.check(snap["subjects"] == [(str(len(app_ids)),)] and
            snap["websites"] == [(str(len(app_ids)),)],
            f"icpd has {len(app_ids)} subjects and websites on record with their numbers: "
            f"{snap['subjects']} {snap['websites']}")
    approvals = {}
    for app_id, event in snap["moves"]:
        if event == "bureau_approve":
            approvals[int(app_id)] = approvals.get(int(app_id), 0) + 1
    for login, app_id in app_ids.items():
        h.check(approvals.get(app_id) == 1,
                f"application {app_id} ({login}): {approvals.get(app_id, 0)} bureau approvals")
    accepted = [r for r in snap["files"] if r[2] == "accepted"]
    per_app = {}
    for _, app_id, _ in accepted:
        per_app[int(app_id)] = per_app.get(int(app_id), 0) + 1
    for login, app_id in app_ids.items():
        h.check(per_app.get(app_id) == 1,
                f"application {app_id}: {per_app.get(app_id, 0)} accepted files in icpd")
    b = bureau.db({
        "uploads": "SELECT file_name FROM uploads",
        "filings": "SELECT id, state, decision, record FROM filings",
        "domains": "SELECT name, count(*) FROM domains WHERE live = 1 GROUP BY name"})
    h.check(sorted(r[0] for r in b["uploads"]) == sorted(r[0] for r in accepted),
            f"icp-bureau's uploads are icpd's accepted files: {len(b['uploads'])} against "
            f"{len(accepted)}")
    by_domain = {}
    for _, state, decision, record in b["filings"]:
        for d in set(re.findall(r"<Ym>([^<]+)</Ym>", record)):
            by_domain.setdefault(d, []).append((state, decision))
    live = {name: int(count) for name, count in b["domains"]}
    for c in customers:
        got = by_domain.get(c.domain, [])
        h.check(got == [("approved", "approve")],
                f"icp-bureau has {c.domain} as one approved filing: {got}")
        h.check(live.get(c.domain) == 1,
                f"icp-bureau's registry has {c.domain} live once: {live.get(c.domain)}")
    # Every bureau outcome fitted the application it named: one refused by the lifecycle means
    # icpd saw the bureau's answers out of their order (a lost upload answer settled after the
    # results about that file), which leaves an application behind the bureau.
    with open(os.path.join(data, "icpd.stderr"), encoding="utf-8", errors="replace") as f:
        refused = [line.strip() for line in f if "cannot take event" in line]
    h.check(not refused, f"icpd applied every bureau outcome: {refused[:3]}")
    h.audit_verify(data, extra)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Crash: icpd killed with SIGKILL at random moments under a submission load loses nothing,
leaves nothing half done, and every message it owes takes effect exactly once (issue 12).

Two setups, each with icp-bureau (its own SQLite store, no faults) as the bureau the provider
uploads to, and a webhook sink as the SMS gateway icpd's notifications go to:
  - SQLite: one icpd on a temporary store;
  - PostgreSQL: two icpd on one schema (scripts/with-postgres), one upload lease between them.
The load: customer threads, each taking its customers one after the other through a personal
first filing (sign in; create with an Idempotency-Key; the materials the checklist requires;
submit with If-Match), and a reviewer thread per icpd taking each submitted application to the
bureau (claim, a reached call, pass, pass); icpd's upload pass sends it. Every request that
cannot reach icpd, or whose connection drops, is retried once icpd is back: a create with the
same Idempotency-Key (the first answer must come back, never a second application), the rest
after reading what the store now has (the If-Match of what is there; a material only if it is
missing). Meanwhile icpd is killed with SIGKILL after a random 0.3-2.5 s and started again on
the same store, KILLS times (on PostgreSQL either of the two, at random).

After each restart (the load goes on; the checks read one snapshot of the store):
  - every request that got a 2xx is there: its application with at least the revision and the
    history it answered, its material;
  - nothing is half done: each application's history is a chain that ends at its state, with
    one audit entry per act (create, each upload, submit, each review act, each file sent),
    one outbox message per move that tells the customer, one accepted bureau file per move to
    the bureau; no audit entry, message or file for something that is not there; every
    finished Idempotency-Key's 201 names an application that exists; on SQLite
    `PRAGMA integrity_check` and `foreign_key_check`;
  - `icpctl audit verify` passes.
At the end, with the load stopped and the queues drained: every notification was delivered and
the sink saw each message's key with one body (redeliveries after a kill carry the same key:
the gateway dedupes them, as an SMS gateway does on Idempotency-Key), no key the outbox does
not hold; icp-bureau received each application exactly once (one filing per domain, as many
uploads as icpd has accepted files, each application's file once).

Prints per setup and in total: kills, acknowledged requests, lost, partial, duplicate effects
(all three must be 0), and fails otherwise.

Usage: crash_test.py PATH_TO_ICPD PATH_TO_ICPCTL PATH_TO_ICP_BUREAU [--kills N] [--customers N]
       [--seed N]
(make reliability: --kills 20 per setup; make test runs a bounded part, fewer kills.)
"""
import argparse
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
import traceback
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

ISP_ID = 440000000001
BUREAU_PASSWORD = "crash-bureau-secret-1"
WORKERS = 3
# Which moves are told to the customer (an outbox message keyed application:ID:TEMPLATE:SEQ)
# and which audit action each move of the load writes.
TOLD = {"provider_pass": "application.passed_review",
        "verification_done": "application.ready_for_bureau",
        "sent_to_bureau": "application.sent_to_bureau"}
AUDITED = {"submit": "application.submit", "contact_reached": "review.contact",
           "provider_pass": "review.pass", "verification_done": "review.pass",
           "sent_to_bureau": "application.bureau.sent"}


class Ledger:
    """What icpd acknowledged with a 2xx, and what went wrong, by the load's threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.views = {}        # application id -> (revision, [events]) of the latest 2xx
        self.materials = {}    # material id -> application id
        self.creates = {}      # login -> application id
        self.acknowledged = 0
        self.retries = 0
        self.wrong_answers = []  # a retry answered otherwise than the first attempt would have

    def view(self, body):
        with self.lock:
            self.acknowledged += 1
            events = [x["event"] for x in body["history"]]
            seen = self.views.get(body["id"])
            if seen is None or body["revision"] >= seen[0]:
                self.views[body["id"]] = (body["revision"], events)

    def material(self, material_id, app_id):
        with self.lock:
            self.acknowledged += 1
            self.materials[material_id] = app_id

    def other(self):
        with self.lock:
            self.acknowledged += 1

    def copy(self):
        with self.lock:
            return dict(self.views), dict(self.materials), dict(self.creates)


class Setup:
    def __init__(self, name, work, icpds, store, ctl_env, bureau, sink):
        self.name, self.work, self.icpds = name, work, icpds
        self.store, self.ctl_env = store, ctl_env
        self.bureau, self.sink = bureau, sink
        self.ledger = Ledger()
        self.stop = threading.Event()
        self.kills = 0
        self.lost = []
        self.partial = []
        self.duplicates = []
        self.icpd_data = icpds[0].data

    def url_of(self, i):
        return lambda: self.icpds[i].url if self.icpds[i].proc is not None else None


# ---------------------------------------------------------------------------------------------
# The load.

def guarded(setup, body):
    """Runs a load thread's body; an exception is a failure of the test, with its trace."""
    def run(*args):
        try:
            body(*args)
        except BaseException:  # noqa: B902  (SystemExit too: until_answered gave up)
            h.check(False, f"{setup.name}: {body.__name__} died:\n{traceback.format_exc()}")
    return run


def customer_worker(setup, index, customers, checklist):
    client_of = setup.url_of(index % len(setup.icpds))
    ledger = setup.ledger
    for c in customers:
        if setup.stop.is_set():
            return
        client = h.Client(client_of)
        h.until_answered(lambda: client.post("/v1/sessions", json_body={
            "login": c.login, "password": c.password}), "sign in")[0].expect(201)
        ledger.other()
        # Create, retried with the same key until icpd answers: the first answer, once.
        key = {"Idempotency-Key": "create-" + c.login}
        r, attempts = h.until_answered(
            lambda: client.post("/v1/applications", json_body=c.document(), headers=key),
            "create")
        ledger.retries += attempts - 1
        if r.status != 201:
            ledger.wrong_answers.append(
                f"{c.login}: the create retried {attempts - 1} time(s) with its Idempotency-Key "
                f"was answered {r.status} {r.text()[:300]}")
            h.check(False, setup.name + ": " + ledger.wrong_answers[-1])
            continue
        app = r.json()
        ledger.view(app)
        with ledger.lock:
            if c.login in ledger.creates and ledger.creates[c.login] != app["id"]:
                setup.duplicates.append(f"{c.login}: two applications from one key")
            ledger.creates[c.login] = app["id"]
        app_id = app["id"]
        # The materials: after a failure, only what the store does not have.
        while True:
            listed, _ = h.until_answered(
                lambda: client.get(f"/v1/applications/{app_id}/materials"), "list materials")
            have = {(m["kind"], m["owner"]) for m in listed.expect(200).json()["materials"]}
            missing = [m for m in checklist
                       if (m["kind"], m["owner"].replace("[*]", "[0]")) not in have]
            if not missing:
                break
            m = missing[0]
            try:
                up = client.post(f"/v1/applications/{app_id}/materials", body=h.png(),
                                 headers={"Content-Type": "image/png"},
                                 params=h.material_params(m, c.cert))
            except h.Unreachable:
                ledger.retries += 1
                continue
            if up.status == 201:
                ledger.material(up.json()["id"], app_id)
            elif up.status < 500:
                h.check(False, f"{setup.name}: upload of {m['kind']}: {up.status} {up.text()}")
                break
        # Submit with If-Match; after a failure, what the store has decides.
        while True:
            got, _ = h.until_answered(lambda: client.get(f"/v1/applications/{app_id}"),
                                      "read the application")
            if got.json()["state"] != "draft":
                break
            try:
                s = client.post(f"/v1/applications/{app_id}:submit", json_body={},
                                headers={"If-Match": got.header("ETag")})
            except h.Unreachable:
                ledger.retries += 1
                continue
            if s.status == 200:
                ledger.view(s.json())
                break
            if s.status not in (412, 500, 503):
                h.check(False, f"{setup.name}: submit {app_id}: {s.status} {s.text()[:300]}")
                break


def reviewer_worker(setup, index, login):
    client_of = setup.url_of(index)
    client = h.Client(client_of)
    h.until_answered(lambda: client.post("/v1/sessions", json_body={
        "login": login, "password": login + "-pass-1"}), "reviewer sign in")[0].expect(201)
    n = len(setup.icpds)
    claimed = set()
    while True:
        # Read before the queue: a queue read empty after the last submit ends the review.
        done = setup.customers_done.is_set()
        try:
            queue = client.get("/v1/review/queue", params={"limit": 50})
        except h.Unreachable:
            time.sleep(0.1)
            continue
        if queue.status != 200:
            time.sleep(0.1)
            continue
        mine = [a["id"] for a in queue.json()["items"] if a["id"] % n == index]
        if not mine:
            if done:
                return
            time.sleep(0.1)
            continue
        for app_id in mine:
            review_one(setup, client, app_id, claimed)


def review_one(setup, client, app_id, claimed):
    """Claim, a reached call, pass, pass: each step chosen from what the store has."""
    ledger = setup.ledger
    while True:
        got, _ = h.until_answered(lambda: client.get(f"/v1/applications/{app_id}"), "read")
        a = got.json()
        events = [x["event"] for x in a["history"]]
        if a["state"] == "provider_review":
            if app_id not in claimed:
                verb, body = "claim", {}
            elif "contact_reached" not in events:
                verb, body = "contact", {"outcome": "reached"}
            else:
                verb, body = "pass", {}
        elif a["state"] == "verification":
            verb, body = "pass", {}
        else:
            return
        try:
            r = client.post(f"/v1/applications/{app_id}:{verb}", json_body=body,
                            headers={"If-Match": got.header("ETag")})
        except h.Unreachable:
            ledger.retries += 1
            # A claim that may have been taken: claiming again is allowed (a second note).
            continue
        if r.status == 200:
            ledger.view(r.json())
            if verb == "claim":
                claimed.add(app_id)
        elif r.status not in (412, 500, 503):
            h.check(False, f"{setup.name}: {verb} {app_id}: {r.status} {r.text()[:300]}")
            return


# ---------------------------------------------------------------------------------------------
# The checks.

QUERIES = {
    "apps": "SELECT id, account_id, state, revision, history_length FROM applications",
    "moves": "SELECT application_id, seq, from_state, event, to_state "
             "FROM application_transitions ORDER BY application_id, seq",
    "materials": "SELECT id, application_id FROM materials",
    "audit": "SELECT seq, action, entity, details FROM audit_log "
             "WHERE entity LIKE 'application:%'",
    "outbox": "SELECT topic, idempotency_key, payload, delivered_at, dead_at FROM outbox",
    "files": "SELECT file_name, application_id, state FROM bureau_files",
    "keys": "SELECT key, state, status, response FROM idempotency_keys",
}


def verify(setup, when):
    """The checks of the module doc on one snapshot; returns (lost, partial, duplicates)."""
    views, materials, creates = setup.ledger.copy()  # before the snapshot: all committed
    queries = dict(QUERIES)
    if setup.store.sqlite_file:
        queries["integrity"] = "PRAGMA integrity_check"
        queries["foreign"] = "PRAGMA foreign_key_check"
    snap = setup.store.snapshot(queries)
    lost, partial, dup = [], [], []
    apps = {int(r[0]): r for r in snap["apps"]}
    moves = {}
    for app_id, seq, from_state, event, to_state in snap["moves"]:
        moves.setdefault(int(app_id), []).append((int(seq), from_state, event, to_state))
    # Every 2xx is there.
    for app_id, (revision, events) in views.items():
        row = apps.get(app_id)
        if row is None:
            lost.append(f"application {app_id} (answered 2xx) is missing")
            continue
        stored = [m[2] for m in moves.get(app_id, [])]
        if int(row[3]) < revision or stored[:len(events)] != events:
            lost.append(f"application {app_id}: answered revision {revision} {events}, "
                        f"stored revision {row[3]} {stored}")
    stored_materials = {int(m[0]): int(m[1]) for m in snap["materials"]}
    for material_id, app_id in materials.items():
        if stored_materials.get(material_id) != app_id:
            lost.append(f"material {material_id} of application {app_id} (answered 201) is "
                        "missing")
    # Nothing half done: histories.
    for app_id, row in apps.items():
        chain = moves.get(app_id, [])
        state = row[2]
        if [m[0] for m in chain] != list(range(1, len(chain) + 1)):
            partial.append(f"application {app_id}: history numbered {[m[0] for m in chain]}")
        for prev, nxt in zip(chain, chain[1:]):
            if prev[3] != nxt[1]:
                partial.append(f"application {app_id}: move {nxt[0]} starts from {nxt[1]}, "
                               f"not {prev[3]}")
        if int(row[4]) != len(chain) or (chain and chain[-1][3] != state) or \
                (not chain and state != "draft"):
            partial.append(f"application {app_id}: state {state}, history_length {row[4]}, "
                           f"moves {[m[2] for m in chain]}")
    # Audit entries: one per act, none for an act that is not there.
    audit = {}
    audited_materials = {}
    for _, action, entity, details in snap["audit"]:
        app_id = int(entity.split(":")[1])
        audit.setdefault(app_id, []).append(action)
        if action == "material.upload":
            m = json.loads(details)["material"]
            audited_materials[m] = audited_materials.get(m, 0) + 1
    for app_id in set(apps) | set(audit):
        actions = audit.get(app_id, [])
        if app_id not in apps:
            partial.append(f"audit entries {actions} for application {app_id}, which is not there")
            continue
        if actions.count("application.create") != 1:
            partial.append(f"application {app_id}: {actions.count('application.create')} "
                           "create audit entries")
        events = [m[2] for m in moves.get(app_id, [])]
        for action in set(AUDITED.values()):
            want = sum(1 for e in events if AUDITED.get(e) == action)
            if actions.count(action) != want:
                partial.append(f"application {app_id}: {actions.count(action)} audit entries "
                               f"{action} for {want} moves ({events})")
    for m, app_id in stored_materials.items():
        if audited_materials.get(m) != 1:
            partial.append(f"material {m}: {audited_materials.get(m, 0)} audit entries")
    for m in audited_materials:
        if m not in stored_materials:
            partial.append(f"an audit entry for material {m}, which is not there")
    # Outbox: one message per move that tells, none for a move that is not there.
    told = {}
    for topic, key, payload, delivered, dead in snap["outbox"]:
        if topic != "notify":
            continue
        m = re.fullmatch(r"application:(\d+):([a-z_.]+):(\d+)", key)
        if not m:
            continue
        told[(int(m.group(1)), int(m.group(3)))] = m.group(2)
        if dead is not None:
            lost.append(f"outbox message {key} is a dead letter")
    for app_id, chain in moves.items():
        for seq, _, event, _ in chain:
            if event in TOLD and told.get((app_id, seq)) != TOLD[event]:
                partial.append(f"application {app_id}: move {seq} ({event}) without its "
                               f"message {TOLD[event]}")
    for (app_id, seq), template in told.items():
        chain = moves.get(app_id, [])
        if seq > len(chain) or TOLD.get(chain[seq - 1][2]) != template:
            partial.append(f"message {template} for move {seq} of application {app_id}, "
                           "which is not there")
    # Bureau files: one accepted file per move to the bureau.
    accepted = {}
    for name, app_id, state in snap["files"]:
        if state == "accepted":
            accepted[int(app_id)] = accepted.get(int(app_id), 0) + 1
    for app_id in set(moves) | set(accepted):
        sent = sum(1 for m in moves.get(app_id, []) if m[2] == "sent_to_bureau")
        if accepted.get(app_id, 0) != sent:
            (dup if accepted.get(app_id, 0) > sent else partial).append(
                f"application {app_id}: {accepted.get(app_id, 0)} accepted bureau files for "
                f"{sent} moves to the bureau")
    # Finished Idempotency-Keys name applications that are there.
    for key, state, status, response in snap["keys"]:
        if state == "done" and status == "201":
            m = re.search(r'"id":(\d+)', response)
            if m and int(m.group(1)) not in apps:
                partial.append(f"Idempotency-Key {key}: its 201 names application "
                               f"{m.group(1)}, which is not there")
    # One application per customer.
    per_account = {}
    for row in apps.values():
        per_account[row[1]] = per_account.get(row[1], 0) + 1
    for account, count in per_account.items():
        if count > 1:
            dup.append(f"account {account} has {count} applications")
    if setup.store.sqlite_file:
        if snap["integrity"] != [("ok",)]:
            partial.append(f"integrity_check: {snap['integrity'][:5]}")
        if snap["foreign"]:
            partial.append(f"foreign_key_check: {snap['foreign'][:5]}")
    ok, report = h.audit_verify(setup.icpd_data, setup.ctl_env)
    if not ok:
        partial.append(f"icpctl audit verify: {report}")
    for what, items in (("lost", lost), ("partial", partial), ("duplicate", dup)):
        for item in items:
            h.check(False, f"{setup.name} {when}: {what}: {item}")
    return lost, partial, dup, snap


def final_checks(setup, snap):
    """After the drain: the sink and the bureau, each message's effect once."""
    lost, dup = [], []
    deliveries = setup.sink.counts()
    outbox = {row[1]: row for row in snap["outbox"] if row[0] == "notify"}
    redelivered = 0
    for key, row in outbox.items():
        got = deliveries.get(key, [])
        if row[3] is None:
            lost.append(f"outbox message {key} was never delivered")
        elif not got:
            lost.append(f"outbox message {key} is marked delivered but the sink never saw it")
        bodies = {json.dumps(b, sort_keys=True) for _, b in got}
        headers = {k for k, _ in got}
        if len(bodies) > 1 or headers - {key}:
            dup.append(f"message {key} reached the sink as {len(bodies)} different bodies, "
                       f"headers {headers}")
        redelivered += max(0, len(got) - 1)
    for key in deliveries:
        if key not in outbox:
            dup.append(f"the sink got {key}, which no outbox message holds")
    # The bureau: each application's file once.
    apps_sent = {}
    for app_id, seq, _, event, _ in [(int(r[0]), r[1], r[2], r[3], r[4]) for r in snap["moves"]]:
        if event == "sent_to_bureau":
            apps_sent[app_id] = apps_sent.get(app_id, 0) + 1
    b = setup.bureau.db({
        "uploads": "SELECT isp_id, data_sequence, file_name FROM uploads",
        "filings": "SELECT id, data_sequence, record FROM filings"})
    accepted = [r for r in snap["files"] if r[2] == "accepted"]
    if len(b["uploads"]) != len(accepted):
        dup.append(f"icp-bureau has {len(b['uploads'])} uploads, icpd {len(accepted)} accepted "
                   "files")
    if {r[2] for r in b["uploads"]} != {r[0] for r in accepted}:
        lost.append("icp-bureau's uploads and icpd's accepted files differ: "
                    f"{sorted({r[2] for r in b['uploads']} ^ {r[0] for r in accepted})[:5]}")
    domains = {}
    for _, _, record in b["filings"]:
        for d in re.findall(r"<Ym>([^<]+)</Ym>", record):
            domains[d] = domains.get(d, 0) + 1
    for d, n in domains.items():
        if n > 1:
            dup.append(f"icp-bureau has {n} filings of {d}")
    if len(b["filings"]) != sum(apps_sent.values()):
        (dup if len(b["filings"]) > sum(apps_sent.values()) else lost).append(
            f"icp-bureau has {len(b['filings'])} filings, icpd sent {sum(apps_sent.values())}")
    for what, items in (("lost", lost), ("duplicate", dup)):
        for item in items:
            h.check(False, f"{setup.name} final: {what}: {item}")
    return lost, dup, redelivered, len(b["filings"]), len(deliveries)


# ---------------------------------------------------------------------------------------------
# One setup: load, kills, checks.

def run_setup(setup, kills, customers_count, rng, tag):
    first = setup.icpds[0]
    admin = h.base.sign_in(first.url, "root", "root-password-1")
    reviewers = [f"{tag}-rev{i}" for i in range(len(setup.icpds))]
    for login in reviewers:
        h.base.create_account(admin, login, "reviewer", login + "-pass-1", "审核员",
                              "110101199001010111", "13800138000")
    customers = [h.Customer(i, tag) for i in range(customers_count)]
    h.create_customers(admin, customers)
    probe = h.base.sign_in(first.url, customers[0].login, customers[0].password)
    checklist = h.required_materials(probe.post(
        "/v1/type-checks", json_body=customers[0].document()).expect(200).json()["materials"])
    setup.customers_done = threading.Event()
    workers = [threading.Thread(target=guarded(setup, customer_worker),
                                args=(setup, i, customers[i::WORKERS], checklist))
               for i in range(WORKERS)]
    review = [threading.Thread(target=guarded(setup, reviewer_worker),
                               args=(setup, i, reviewers[i]))
              for i in range(len(setup.icpds))]
    for t in workers + review:
        t.start()
    started = time.monotonic()
    try:
        for k in range(kills):
            time.sleep(rng.uniform(0.3, 2.5))
            victim = setup.icpds[rng.randrange(len(setup.icpds))]
            victim.kill()
            setup.kills += 1
            time.sleep(rng.uniform(0, 0.3))
            victim.start()
            lost, partial, dup, _ = verify(setup, f"after kill {k + 1}")
            setup.lost += lost
            setup.partial += partial
            setup.duplicates += dup
            if not any(t.is_alive() for t in workers) and k + 1 < kills:
                h.say(f"{setup.name}: the load ran out after {k + 1} kills (more --customers)")
                break
    finally:
        setup.stop.set()
        for t in workers:
            t.join()
        setup.customers_done.set()
        for t in review:
            t.join()
    load_seconds = time.monotonic() - started
    # Drain: nothing ready for the bureau or kept, every notification delivered. A kill during
    # an upload pass leaves the bureau account's upload lease to its dead holder until it
    # expires (45 s, GatewaySettings::lease, renewed with each file): the uploads wait that long.
    deadline = time.monotonic() + 300
    while True:
        snap = setup.store.snapshot({
            "waiting": "SELECT count(*) FROM applications WHERE state IN "
                       "('provider_review', 'verification', 'ready_for_bureau')",
            "kept": "SELECT count(*) FROM bureau_files WHERE state = 'kept'",
            "pending": "SELECT count(*) FROM outbox WHERE delivered_at IS NULL "
                       "AND dead_at IS NULL"})
        if all(snap[k] == [("0",)] for k in snap) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    h.check(all(snap[k] == [("0",)] for k in snap), f"{setup.name}: drained: {snap}")
    lost, partial, dup, snap = verify(setup, "at the end")
    setup.lost += lost
    setup.partial += partial
    setup.duplicates += dup
    lost, dup, redelivered, filings, keys = final_checks(setup, snap)
    setup.lost += lost
    setup.duplicates += dup
    ledger = setup.ledger
    setup.summary = {
        "kills": setup.kills, "acknowledged": ledger.acknowledged, "retries": ledger.retries,
        "applications": len(snap["apps"]),
        "submitted": sum(1 for r in snap["apps"] if r[2] != "draft"),
        "states": {st: sum(1 for r in snap["apps"] if r[2] == st)
                   for st in sorted({r[2] for r in snap["apps"]})},
        "to_bureau": filings, "notifications": keys, "redelivered": redelivered,
        "lost": len(setup.lost) + len(ledger.wrong_answers), "partial": len(setup.partial),
        "duplicates": len(setup.duplicates), "seconds": round(load_seconds, 1)}
    h.say(f"{setup.name}: " + ", ".join(f"{k} {v}" for k, v in setup.summary.items()))
    return setup.summary


def sqlite_setup(work, bureau, sink, kills, customers, rng):
    data = os.path.join(work, "sqlite")
    os.makedirs(data)
    extra = h.prepare_store(data)
    settings = dict(ICP_NOTIFY_SINK="webhook", ICP_SMS_WEBHOOK_URL=sink.url,
                    **h.bureau_settings(bureau, ISP_ID, BUREAU_PASSWORD))
    icpd = h.Icpd(data, settings)
    icpd.start()
    setup = Setup("SQLite, one icpd", work, [icpd],
                  h.Store(sqlite_file=os.path.join(data, "icp.db")), extra, bureau, sink)
    try:
        return run_setup(setup, kills, customers, rng, "s")
    finally:
        icpd.stop()


def postgres_setup(work, bureau, sink, kills, customers, rng):
    urls = h.pg_urls()
    if urls is None:
        return None
    owner, runtime = urls
    schema = "crash_" + uuid.uuid4().hex[:12]
    created = h.psql(owner, f'CREATE SCHEMA "{schema}"')
    if not h.check(created.returncode == 0, f"cannot create the schema: {created.stderr}"):
        return None
    icpds = []
    try:
        data = os.path.join(work, "pg")
        os.makedirs(data)
        extra = h.prepare_store(data, database=h.with_schema(runtime, schema),
                                owner_database=h.with_schema(owner, schema),
                                pii_key=os.path.join(data, "pii.key"))
        settings = dict(extra, ICP_NOTIFY_SINK="webhook", ICP_SMS_WEBHOOK_URL=sink.url,
                        **h.bureau_settings(bureau, ISP_ID, BUREAU_PASSWORD))
        for i in range(2):
            d = os.path.join(data, f"icpd{i}")
            os.makedirs(d)
            icpds.append(h.Icpd(d, settings))
            icpds[-1].start()
        setup = Setup("PostgreSQL, two icpd", work, icpds,
                      h.Store(pg_url=h.with_schema(owner, schema)), extra, bureau, sink)
        setup.icpd_data = data
        return run_setup(setup, kills, customers, rng, "p")
    finally:
        for d in icpds:
            d.stop()
        h.psql(owner, f'DROP SCHEMA "{schema}" CASCADE')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("icpd")
    parser.add_argument("icpctl")
    parser.add_argument("bureau")
    parser.add_argument("--kills", type=int, default=4, help="kills per setup")
    parser.add_argument("--customers", type=int, default=0,
                        help="customers per setup (default: enough for the kills)")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    customers = args.customers or 60 + 20 * args.kills
    h.say(f"crash_test: seed {seed}, {args.kills} kills per setup, {customers} customers each")
    work = tempfile.mkdtemp(prefix="beian-crash-")
    summaries = []
    for name, run in (("sqlite", sqlite_setup), ("postgres", postgres_setup)):
        sink = h.Sink()
        bureau = h.Bureau(os.path.join(work, name), ["--tick-ms", "200"])
        bureau.add_provider(ISP_ID, f"isp-{ISP_ID}", BUREAU_PASSWORD)
        bureau.start()
        try:
            s = run(os.path.join(work, name), bureau, sink, args.kills, customers, rng)
            if s:
                summaries.append(s)
        finally:
            bureau.stop()
            sink.stop()
    total = {k: sum(s[k] for s in summaries) for k in ("kills", "acknowledged", "lost",
                                                        "partial", "duplicates")}
    h.say(f"crash_test total: kills {total['kills']}, acknowledged requests "
          f"{total['acknowledged']}, lost {total['lost']}, partial {total['partial']}, "
          f"duplicate effects {total['duplicates']}")
    if h.failures:
        print(f"{len(h.failures)} check(s) failed (seed {seed}; the stores are in {work})",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

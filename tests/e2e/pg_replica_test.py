#!/usr/bin/python3
"""Read scale-out (issue 12): icpd writes to a PostgreSQL primary and its access gate reads
from a hot standby (`icpd serve --read-database`, docs/storage.md "Reading from a replica").

The test starts its own pair on loopback with PostgreSQL 15's binaries, as scripts/with-postgres
does: a primary, and a standby made from it with `pg_basebackup -R` (streaming replication).
The owner migrates the primary (`icpctl db migrate`); icpd runs as the runtime role with
--database on the primary and --read-database on the standby. Then:

- with the standby's replay paused, the admin imports filed records through icpd: they are on
  the primary (psql) and not on the standby, and for the next two seconds (ten refreshes) the
  gate still denies the filed domain and the public query does not find it: both read the
  standby, the writes went to the primary (a write sent to a standby would have been refused:
  it is read-only);
- once replay resumes, the gate allows the domain within a few seconds, and the public query
  finds it;
- the standby's own pg_stat_database counts the gate's read transactions;
- icpd refuses to start, naming the problem, when --read-database is the primary itself (not a
  standby), a port where nothing listens, or given beside a SQLite store.

Usage: pg_replica_test.py PATH_TO_ICPD PATH_TO_ICPCTL
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import filing_test as base  # noqa: E402
import gate_test  # noqa: E402

failures = base.failures
check = base.check

PGBIN = "/usr/lib/postgresql/15/bin"
ROOT = os.geteuid() == 0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def as_owner(args, **kw):
    """Runs a PostgreSQL tool as the postgres user when root (the server refuses root)."""
    if ROOT:
        args = ["runuser", "-u", "postgres", "--"] + args
    return subprocess.run(args, capture_output=True, text=True, **kw)


def must(result, what):
    if result.returncode != 0:
        raise SystemExit(f"FAIL: {what}: {result.stdout}{result.stderr}")
    return result


def psql(port, sql, db="beian_test", user="postgres"):
    r = must(subprocess.run([f"{PGBIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                             "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", db,
                             "-c", sql], capture_output=True, text=True), f"psql {sql}")
    return r.stdout.strip()


class Cluster:
    """One server in `work`/`name`, on a free loopback port."""

    def __init__(self, work, name):
        self.work, self.data = work, os.path.join(work, name)
        self.log = os.path.join(work, name + ".log")
        self.port = None

    def start(self):
        for _ in range(5):
            self.port = free_port()
            r = as_owner([f"{PGBIN}/pg_ctl", "-D", self.data, "-l", self.log, "-o",
                          f"-p {self.port}", "-w", "-t", "60", "start"], cwd=self.work)
            if r.returncode == 0:
                return
        with open(self.log, encoding="utf-8", errors="replace") as f:
            raise SystemExit(f"FAIL: {self.data} did not start: {f.read()}")

    def stop(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            as_owner([f"{PGBIN}/pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"],
                     cwd=self.work)


def make_pair(work):
    primary, standby = Cluster(work, "primary"), Cluster(work, "standby")
    must(as_owner([f"{PGBIN}/initdb", "-D", primary.data, "-U", "postgres", "--auth=trust",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"],
                  cwd=work), "initdb")
    with open(os.path.join(primary.data, "postgresql.conf"), "a", encoding="utf-8") as f:
        f.write(f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{work}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n")
    primary.start()
    psql(primary.port, "CREATE ROLE beian_owner LOGIN; CREATE ROLE beian_runtime LOGIN;",
         db="postgres")
    psql(primary.port, "CREATE DATABASE beian_test OWNER beian_owner", db="postgres")
    psql(primary.port, "REVOKE CREATE, TEMPORARY ON DATABASE beian_test FROM PUBLIC",
         db="postgres")
    # The standby: a base backup that streams the WAL and writes its own standby.signal and
    # primary_conninfo (-R).
    must(as_owner([f"{PGBIN}/pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port),
                   "-U", "postgres", "-D", standby.data, "-R", "-X", "stream", "--no-sync"],
                  cwd=work), "pg_basebackup")
    standby.start()
    return primary, standby


def url(port, role):
    return f"postgresql://{role}@127.0.0.1:{port}/beian_test"


def caught_up(primary, standby):
    """Waits until the standby has replayed everything the primary wrote so far."""
    target = psql(primary.port, "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if psql(standby.port, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") == "t":
            return
        time.sleep(0.05)
    raise SystemExit("FAIL: the standby did not catch up in 30 s")


def refused_start(env, read_url, expect, what):
    """icpd must exit at start, naming `expect`."""
    r = subprocess.run([base.ICPD, "serve", "--port", "0", "--read-database", read_url],
                       env=env, capture_output=True, text=True, timeout=60)
    check(r.returncode != 0 and expect in r.stdout + r.stderr,
          f"{what}: exit {r.returncode}, output {r.stdout[-400:]}{r.stderr[-400:]}")
    print(f"{what}: refused ({expect})")


def standby_reads(standby):
    return int(psql(standby.port, "SELECT xact_commit + xact_rollback FROM pg_stat_database "
                                  "WHERE datname = 'beian_test'"))


def run(primary, standby, work):
    data = os.path.join(work, "var")
    os.makedirs(data)
    env = dict(base.env(), ICP_DATABASE=url(primary.port, "beian_runtime"),
               ICP_PII_KEY=os.path.join(data, "pii.key"))
    must(subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", data, "--database",
                         url(primary.port, "beian_owner")], env=env, capture_output=True,
                        text=True), "icpctl db migrate")
    must(subprocess.run([base.ICPCTL, "accounts", "bootstrap", "--data-dir", data, "--login",
                         "root"], env=dict(env, ICP_NEW_PASSWORD="root-password-1"),
                        capture_output=True, text=True), "icpctl accounts bootstrap")
    caught_up(primary, standby)
    env["ICP_DATA_DIR"] = data

    refused_start(env, url(primary.port, "beian_runtime"), "storage.read-not-standby",
                  "--read-database naming the primary")
    refused_start(env, url(free_port(), "beian_runtime"), "cannot reach the read database",
                  "--read-database where nothing listens")
    sqlite = {k: v for k, v in env.items() if k not in ("ICP_DATABASE", "ICP_PII_KEY")}
    sqlite["ICP_DATA_DIR"] = os.path.join(work, "sqlite")
    refused_start(sqlite, url(standby.port, "beian_runtime"), "config.read-database",
                  "--read-database beside a SQLite store")

    proc, icpd = base.start_icpd(data, {"ICP_DATABASE": env["ICP_DATABASE"],
                                        "ICP_PII_KEY": env["ICP_PII_KEY"],
                                        "ICP_READ_DATABASE": url(standby.port, "beian_runtime")})
    try:
        anyone = base.Client(icpd)
        host = "www." + gate_test.FILED
        gate_test.gate(anyone, host).expect(403)
        reads_before = standby_reads(standby)

        psql(standby.port, "SELECT pg_wal_replay_pause()")
        gate_test.import_records(icpd)  # through icpd: sign-in, account, import, on the primary
        on_primary = psql(primary.port, "SELECT count(*) FROM websites")
        on_standby = psql(standby.port, "SELECT count(*) FROM websites")
        check(on_primary == "3" and on_standby == "0",
              f"replay paused: websites on the primary {on_primary}, on the standby {on_standby}")
        paused_until = time.monotonic() + 2.0
        while time.monotonic() < paused_until:
            r = gate_test.gate(anyone, host)
            if not check(r.status == 403, f"the gate saw a write the standby has not replayed: "
                                          f"{r.status} {r.text()}"):
                break
            time.sleep(0.1)
        r = anyone.get("/v1/public/records?domain=" + gate_test.FILED)
        check(r.status == 200 and r.json()["items"] == [],
              f"the public query saw a write the standby has not replayed: {r.status} {r.text()}")
        print("replay paused: the primary has the records, the gate and the public query "
              "(reading the standby) do not show them")

        resumed = time.monotonic()
        psql(standby.port, "SELECT pg_wal_replay_resume()")
        while gate_test.gate(anyone, host).status != 200 and time.monotonic() - resumed < 15:
            time.sleep(0.05)
        r = gate_test.gate(anyone, host)
        check(r.status == 200, f"replay resumed: the gate answers {r.status} {r.text()}")
        print(f"replay resumed: the gate allows {host} after "
              f"{(time.monotonic() - resumed) * 1000:.0f} ms")
        r = anyone.get("/v1/public/records?domain=" + gate_test.FILED)
        check(r.status == 200 and len(r.json()["items"]) == 1,
              f"replay resumed: the public query finds {gate_test.FILED}: {r.status} {r.text()}")
        time.sleep(1.5)  # the standby's statistics are flushed about once a second
        reads = standby_reads(standby) - reads_before
        check(reads >= 10, f"the standby served {reads} transactions (the gate refreshes every "
                           f"200 ms)")
        print(f"the standby served {reads} read transactions meanwhile")
    finally:
        proc.terminate()
        proc.wait(base.TIMEOUT)


def main():
    if not os.path.exists(f"{PGBIN}/pg_basebackup"):
        print(f"FAIL: PostgreSQL 15 binaries not found in {PGBIN}; run scripts/install-deps")
        return 1
    work = tempfile.mkdtemp(prefix="beian-replica-", dir="/tmp")
    os.chmod(work, 0o755)
    if ROOT:
        shutil.chown(work, "postgres", "postgres")
    primary = standby = None
    try:
        primary, standby = make_pair(work)
        run(primary, standby, work)
    finally:
        for c in (standby, primary):
            if c is not None:
                c.stop()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("pg_replica_test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

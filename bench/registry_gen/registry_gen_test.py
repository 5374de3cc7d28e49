#!/usr/bin/env python3
"""registry-gen's promises (issue 12): the same seed gives the same bytes and another seed
other bytes; exactly --subjects lines and --websites websites; subject numbers, website
numbers, domains and certificates unique; every identifier valid by Beian's own checks
(`icpctl check`, tested against others' vectors); and `icp-bureau import` takes every line,
then a second import changes nothing.

Usage: registry_gen_test.py REGISTRY_GEN ICP_BUREAU ICPCTL   (from the repository's root)"""
import json
import os
import subprocess
import sys
import tempfile

GEN, BUREAU, ICPCTL = sys.argv[1:4]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def generate(*args):
    return subprocess.run([GEN, *args], capture_output=True, check=True, timeout=120).stdout


def valid(kind, value):
    run = subprocess.run([ICPCTL, "check", kind, value, "--json"], capture_output=True, timeout=30)
    return run.returncode == 0 and json.loads(run.stdout)["valid"]


def main():
    subjects, websites = 3000, 7001
    args = ["--seed", "42", "--subjects", str(subjects), "--websites", str(websites),
            "--isp-ids", "440000000001,110000000002"]
    first = generate(*args)
    check(first == generate(*args), "the same seed gave other bytes")
    check(first != generate("--seed", "43", *args[2:]), "another seed gave the same bytes")

    lines = [json.loads(l) for l in first.decode("utf-8").splitlines()]
    check(len(lines) == subjects, f"{len(lines)} lines for {subjects} subjects")
    sites = [w for l in lines for w in l["websites"]]
    check(len(sites) == websites, f"{len(sites)} websites for {websites}")
    check(min(len(l["websites"]) for l in lines) >= 1, "a subject without a website")
    check(len({len(l["websites"]) for l in lines}) >= 3, "every subject has as many websites")
    numbers = [l["subject"]["number"] for l in lines]
    check(len(set(numbers)) == len(numbers), "a subject number twice")
    site_numbers = [w["number"] for w in sites]
    check(len(set(site_numbers)) == len(site_numbers), "a website number twice")
    domains = [d for w in sites for d in w["domains"]]
    check(len(set(domains)) == len(domains), "a domain twice")
    certificates = [(l["subject"]["certificate"]["type"], l["subject"]["certificate"]["number"])
                    for l in lines]
    check(len(set(certificates)) == len(certificates), "a certificate twice")
    check(any(not d.isascii() for d in domains), "no internationalised domain")
    check(len({l["subject"]["region"]["province"] for l in lines}) >= 25, "few provinces")
    check(len({d.split(".", 1)[1] for d in domains}) >= 8, "few suffixes")
    check({a["isp_id"] for w in sites for a in w["accesses"]} == {440000000001, 110000000002},
          "--isp-ids not all used")

    # Every 100th record's identifiers, by Beian's own validators.
    for l in lines[::100]:
        s = l["subject"]
        kind = "resident-id" if s["certificate"]["type"] == 2 else "credit-code"
        check(valid(kind, s["certificate"]["number"]), f"invalid {kind} {s['certificate']}")
        check(valid("resident-id", s["leader"]["certificate_number"]),
              f"invalid leader id {s['leader']['certificate_number']}")
        check(valid("mobile", s["leader"]["mobiles"]), f"invalid mobile {s['leader']['mobiles']}")
        check(valid("filing-number", s["number"]), f"invalid number {s['number']}")
        w = l["websites"][0]
        check(valid("filing-number", w["number"]), f"invalid number {w['number']}")
        check(valid("domain", w["domains"][0]), f"invalid domain {w['domains'][0]}")
    check(any(l["subject"]["certificate"]["type"] == 1 for l in lines[::100]) and
          any(l["subject"]["certificate"]["type"] == 2 for l in lines[::100]),
          "the sample lacks persons or companies")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "registry.jsonl")
        with open(path, "wb") as f:
            f.write(first)
        for round_, expect in ((1, f"{subjects} imported, 0 unchanged, 0 refused"),
                               (2, f"0 imported, {subjects} unchanged, 0 refused")):
            run = subprocess.run([BUREAU, "import", path, "--data-dir", tmp], capture_output=True,
                                 text=True, timeout=300)
            check(run.returncode == 0 and expect in run.stdout,
                  f"import {round_}: {run.returncode} {run.stdout!r} {run.stderr[-2000:]!r}")

    bad = subprocess.run([GEN, "--subjects", "5", "--websites", "4"], capture_output=True,
                         text=True, timeout=30)
    check(bad.returncode == 2 and "--websites" in bad.stderr, f"fewer websites: {bad.stderr!r}")
    bad = subprocess.run([GEN, "--sed", "1"], capture_output=True, text=True, timeout=30)
    check(bad.returncode == 2 and "unknown flag" in bad.stderr, f"unknown flag: {bad.stderr!r}")
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("registry-gen: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Valid test identifiers for the rule cases in data/rules/cases/.

Resident ID numbers follow GB 11643 (6-digit division code, birth date, 3-digit sequence,
ISO 7064 MOD 11-2 check character); unified social credit codes follow GB 32100 (registration
authority + type, 6-digit division, 9-character organisation code that passes GB 11714, check
character). The division codes are current county-level codes taken from
data/reference/cn_admin_division_codes.loc.dat, one per province.

    python3 tools/make_case_ids.py            # one resident ID and one credit code per province
    python3 tools/make_case_ids.py --verify   # also run build/bin/icpctl check on each

Import it for other numbers: resident_id("440305", "19900101", 12), credit_code("44", 7).
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOC = os.path.join(ROOT, "data", "reference", "cn_admin_division_codes.loc.dat")

PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
             "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
             "63", "64", "65"]

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def current_counties():
    """{province: [6-digit county codes still in use]} from the loc.dat file."""
    out = {}
    province = None
    with open(LOC, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            if not line.startswith(" "):
                province = line.split()[0]
                continue
            code, rest = line.strip().split(" ", 1)
            name = re.search(r'county="([^"]*)"', rest)
            if not name or code.endswith("00") or "市辖区" in name.group(1):
                continue
            label = name.group(1)
            # "[-2010]崇文区" is abolished; "[1997-]通州区" is current.
            m = re.match(r"\[(\d*)-(\d*)\]", label)
            if m and m.group(2):
                continue
            out.setdefault(province, []).append(province + code)
    return out


def county(province):
    """A current county-level code of the province (the first one listed)."""
    return current_counties()[province][0]


def resident_id(region, birth, seq):
    """GB 11643 number: region (6 digits), birth YYYYMMDD, sequence 0-999."""
    body = f"{region}{birth}{seq:03d}"
    s = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS))
    return body + "10X98765432"[s % 11]


def organization_code(n):
    """GB 11714 organisation code: 8 digits from n plus the check character."""
    body = f"{n:08d}"
    c = 11 - sum(int(d) * w for d, w in zip(body, ORG_WEIGHTS)) % 11
    return body + ("X" if c == 10 else "0" if c == 11 else str(c))


def credit_code(province, n, prefix="91", region=None):
    """GB 32100 code: prefix (91 enterprise, 11 government, 12 public institution, 51 social
    organisation ...), a division of the province, an organisation code from n, check char."""
    body = prefix + (region or county(province)) + organization_code(n)
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS))
    return body + USCC_ALPHABET[(31 - s % 31) % 31]


def verify(kind, number):
    exe = os.path.join(ROOT, "build", "bin", "icpctl")
    return subprocess.run([exe, "check", kind, number], capture_output=True).returncode == 0


def main():
    ok = True
    for p in PROVINCES:
        rid = resident_id(county(p), "19900101", 11)
        ucc = credit_code(p, 10000000 + int(p))
        line = f"{p} {county(p)} {rid} {ucc}"
        if "--verify" in sys.argv:
            good = verify("resident-id", rid) and verify("credit-code", ucc)
            ok = ok and good
            line += " ok" if good else " INVALID"
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

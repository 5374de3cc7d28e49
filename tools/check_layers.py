#!/usr/bin/env python3
"""Fails when an #include crosses Beian's dependency rule (STYLE.md §2.2).

Each folder under src/ may include headers of the project folders listed for it, the
standard library, and the third-party headers listed for it. Anything else is an error
that names the file, the line and the rule it breaks.

Usage: check_layers.py SRC_DIR
"""
import pathlib
import re
import sys

# Project folders each layer may include from (its own folder is always allowed).
PROJECT = {
    "base": [],
    "domain": ["base"],
    "rules": ["domain", "base"],
    "ports": ["rules", "domain", "base"],
    "app": ["ports", "rules", "domain", "base"],
    "storage": ["ports", "codec", "rules", "domain", "base"],
    "bureau": ["ports", "miit", "domain", "base"],
    "notify": ["ports", "domain", "base"],
    "crypto": ["ports", "domain", "base"],
    "media": ["ports", "domain", "base"],
    "codec": ["rules", "domain", "base"],
    "http": ["app", "ports", "codec", "rules", "domain", "base"],
    "cli": ["app", "ports", "codec", "rules", "domain", "base"],
    "miit": ["base"],
    "bureau_sim": ["http", "storage", "miit", "ports", "base"],
    "exe": None,  # exe wires everything
}

# The POSIX headers adapters use for files and processes.
POSIX = ["fcntl.h", "unistd.h", "signal.h", "sys/"]

# Third-party headers each layer may include (prefix match). Pure computation only below
# the adapters: libidn2 and libpsl compute on strings in memory and do no I/O.
THIRD_PARTY = {
    "base": [],
    "domain": ["idn2.h", "libpsl.h"],
    "rules": ["boost/json"],
    "ports": [],
    "app": [],
    "storage": ["sqlite3.h", "libpq-fe.h", "sodium.h", "fmt/"] + POSIX,
    "bureau": ["curl/", "boost/json", "boost/url", "fmt/"],
    "notify": ["curl/", "boost/json", "fmt/", "spdlog/"],
    "crypto": ["sodium.h"],
    "media": ["magic.h"],
    "codec": ["boost/json"],
    "http": ["boost/", "fmt/", "spdlog/", "sodium.h"],
    "cli": ["boost/json", "CLI/", "fmt/"],
    # The wire format: XML, zip, GBK and MD5/AES; pure computation on memory buffers.
    "miit": ["libxml/", "minizip/", "zlib.h", "iconv.h", "openssl/"],
    "bureau_sim": ["boost/", "fmt/"],
    "exe": None,
}
THIRD_PARTY["cli"] += POSIX + ["termios.h"]
# icpctl's client of icpd: libcurl, in cli/curl_http_client.cc only.
THIRD_PARTY["cli"] += ["curl/"]

# Single headers a layer may include from a folder it may not: bureau_sim/'s portal reads its
# JSON bodies with codec's JsonReader, which depends on base only (the rest of codec/ maps the
# domain, which bureau_sim never sees).
PROJECT_FILES = {"bureau_sim": ["codec/json_reader.h"]}

# Tests beside the code may use the in-memory store as their fake (STYLE.md §2.8).
TEST_PROJECT = {"app": ["storage"], "http": ["storage"], "cli": ["storage"]}

# Tests beside the code (foo_test.cc) may also use the test framework.
TEST_HEADERS = ["gtest/", "gmock/", "benchmark/"]

# http/'s tests talk to the server through plain POSIX sockets, so that only server.cc
# compiles Asio.
TEST_THIRD_PARTY = {"http": POSIX + ["netinet/", "arpa/"], "notify": POSIX + ["netinet/", "arpa/"]}

# The JSON library is allowed in rules/ only in the files that parse rule data.
RULES_JSON_FILES = re.compile(r"(^|/)parse[^/]*\.cc$")
# app/ reads and writes JSON only for the notification payload and its templates table.
APP_JSON_FILES = re.compile(r"^app/notification[^/]*\.cc$")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
STD_HEADER = re.compile(r"^[a-z_0-9]+$|^(c[a-z]+)$")
PROJECT_DIRS = set(PROJECT)


def layer_of(rel: pathlib.PurePosixPath) -> str:
    return rel.parts[0]


def check_file(path: pathlib.Path, rel: pathlib.PurePosixPath) -> list[str]:
    layer = layer_of(rel)
    if layer not in PROJECT:
        return [f"{rel}: folder '{layer}' is not in the layer table of tools/check_layers.py"]
    errors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = INCLUDE.match(line)
        if not m:
            continue
        header = m.group(2)
        if ".." in header.split("/"):
            errors.append(f"{rel}:{number}: includes are written from src/, never with '..': {header}")
            continue
        top = header.split("/")[0]
        if "/" in header and top in PROJECT_DIRS:
            allowed = PROJECT[layer]
            if allowed is not None and rel.name.endswith("_test.cc"):
                allowed = allowed + TEST_PROJECT.get(layer, [])
            if header in PROJECT_FILES.get(layer, []):
                continue
            if allowed is not None and top != layer and top not in allowed:
                errors.append(f"{rel}:{number}: {layer}/ may not include {header} "
                              f"(allowed: {', '.join([layer] + allowed)})")
            continue
        if m.group(1) == "<" and STD_HEADER.match(header):
            continue  # the standard library
        allowed3 = THIRD_PARTY[layer]
        if allowed3 is None:
            continue
        if layer == "rules" and header.startswith("boost/json") and not RULES_JSON_FILES.search(str(rel)):
            errors.append(f"{rel}:{number}: the JSON library belongs in rules/parse*.cc only: {header}")
            continue
        if layer == "app" and header.startswith("boost/json") and APP_JSON_FILES.search(str(rel)):
            continue
        if rel.name.endswith("_test.cc") or "testing" in rel.parts:
            # Tests, and the test support in */testing/ (fixtures, the contract suites).
            allowed3 = allowed3 + TEST_HEADERS + TEST_THIRD_PARTY.get(layer, [])
        if not any(header.startswith(prefix) for prefix in allowed3):
            errors.append(f"{rel}:{number}: {layer}/ may not include the third-party header {header}")
    return errors


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = pathlib.Path(sys.argv[1])
    errors = []
    count = 0
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".h", ".cc") or not path.is_file():
            continue
        count += 1
        errors += check_file(path, pathlib.PurePosixPath(path.relative_to(src).as_posix()))
    for e in errors:
        print(f"layer check: {e}", file=sys.stderr)
    if errors:
        print(f"layer check: {len(errors)} include(s) break the dependency rule (STYLE.md §2.2)",
              file=sys.stderr)
        return 1
    print(f"layer check: {count} files follow the dependency rule")
    return 0


if __name__ == "__main__":
    sys.exit(main())

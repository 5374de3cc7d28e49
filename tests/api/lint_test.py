#!/usr/bin/env python3
"""The API description's lint (ctest api_lint): api/openapi.yaml must pass `redocly lint` with
api/redocly.yaml, and the lint must fail on broken copies of it, each for the named reason, so
the test cannot pass by linting nothing.

Usage: lint_test.py REPO_DIR
Needs api/node_modules (scripts/install-deps runs `npm ci` there); without it the test fails.
"""
import os
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.abspath(sys.argv[1])
API = os.path.join(REPO, "api")
REDOCLY = os.path.join(API, "node_modules", ".bin", "redocly")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def lint(api_dir):
    """Runs the linter on api_dir/openapi.yaml with api_dir/redocly.yaml; (exit code, output)."""
    env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true",
               NO_COLOR="1")
    run = subprocess.run([REDOCLY, "lint", "--format", "codeframe", "--config",
                          os.path.join(api_dir, "redocly.yaml"),
                          os.path.join(api_dir, "openapi.yaml")],
                         capture_output=True, text=True, env=env, timeout=120)
    return run.returncode, run.stdout + run.stderr


# Each breakage: (what, text to find exactly once, its replacement, what the output must name).
BREAKAGES = [
    ("a $ref to a missing component",
     '          $ref: "#/components/responses/Unavailable"\n  /metrics:',
     '          $ref: "#/components/responses/Unavalable"\n  /metrics:',
     "no-unresolved-refs"),
    ("two operations with one operationId",
     "operationId: getMetrics", "operationId: getHealthz",
     "operation-operationId-unique"),
    ("a path parameter the operation does not declare",
     "  /v1/docs/{asset}:", "  /v1/docs/{asset}/{part}:",
     "path-parameters-defined"),
    ("an operation with no tag",
     "      tags: [health]\n      operationId: getReadyz", "      operationId: getReadyz",
     "operation-tag-defined"),
    ("a schema type that does not exist",
     "                type: string\n  /v1/openapi.json:",
     "                type: strng\n  /v1/openapi.json:",
     "struct"),
    ("a path given twice (as a bad merge leaves it)",
     "  /healthz:\n", "  /readyz:\n",
     "duplicated mapping key"),
    ("an unknown operation keyword",
     "      summary: 存活检查 / Liveness", "      sumary: 存活检查 / Liveness",
     "struct"),
]


def main():
    if not os.access(REDOCLY, os.X_OK):
        print(f"FAIL: {REDOCLY} is missing: run scripts/install-deps (npm ci in api/)",
              file=sys.stderr)
        return 1
    code, out = lint(API)
    check(code == 0 and "valid" in out, f"api/openapi.yaml does not pass the lint:\n{out}")
    check("warning" not in out.lower(), f"api/openapi.yaml has lint warnings:\n{out}")

    with open(os.path.join(API, "openapi.yaml"), encoding="utf-8") as f:
        spec = f.read()
    for what, old, new, expected in BREAKAGES:
        if not check(spec.count(old) == 1, f"{what}: {old!r} is not in the spec exactly once"
                     " (update this test with the spec)"):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("redocly.yaml", ".redocly.lint-ignore.yaml"):
                shutil.copy(os.path.join(API, name), tmp)
            with open(os.path.join(tmp, "openapi.yaml"), "w", encoding="utf-8") as f:
                f.write(spec.replace(old, new))
            code, out = lint(tmp)
        check(code != 0, f"{what}: the lint passed a broken spec:\n{out}")
        check(expected in out, f"{what}: the lint output does not name {expected!r}:\n{out}")
        print(f"{what}: refused ({expected})")
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print(f"api lint: the spec passes; {len(BREAKAGES)} broken copies are refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())

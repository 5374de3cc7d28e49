#!/usr/bin/env python3
"""Validates a JSON data file against its JSON Schema (draft 2020-12).

Usage: validate_json.py SCHEMA FILE
Prints every problem with its path and exits 1 when there is one.
"""
import json
import sys

import jsonschema


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    data = json.load(open(sys.argv[2], encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    for e in errors:
        path = "/".join(str(p) for p in e.path) or "(root)"
        print(f"{sys.argv[2]}: {path}: {e.message}", file=sys.stderr)
    if not errors:
        print(f"{sys.argv[2]}: follows {sys.argv[1]}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

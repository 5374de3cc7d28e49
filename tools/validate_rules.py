#!/usr/bin/env python3
"""Validates every rules file in a rules directory against data/rules/rules.schema.json.

The C++ parser enforces the same constraints when icpd starts; this check runs the schema
itself, so the schema that editors and reviewers read cannot drift from the data.

Usage: validate_rules.py RULES_DIR
"""
import json
import pathlib
import sys

import jsonschema


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = pathlib.Path(sys.argv[1])
    schema = json.loads((root / "rules.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    files = [root / "national.json"] + sorted((root / "provinces").glob("*.json"))
    passed = failed = 0
    for path in files:
        errors = sorted(validator.iter_errors(json.loads(path.read_text(encoding="utf-8"))),
                        key=lambda e: list(e.path))
        if errors:
            failed += 1
            for e in errors:
                where = "/".join(str(p) for p in e.path)
                print(f"{path.relative_to(root)}: {where}: {e.message}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

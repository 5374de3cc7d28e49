#!/usr/bin/env python3
"""Validates every rules file in a rules directory against data/rules/rules.schema.json, and
checks the rule cases cover the rules: every check kind is exercised by at least one case,
every province has at least three cases, and check ids are unique across all files.

The C++ parser enforces the same constraints when icpd starts; this check runs the schema
itself, so the schema that editors and reviewers read cannot drift from the data.

Usage: validate_rules.py RULES_DIR
"""
import json
import pathlib
import sys

import jsonschema


def coverage(root: pathlib.Path, files: list) -> int:
    """Returns the number of coverage problems, printing each."""
    problems = []
    kind_of = {}
    for path in files:
        for check in json.loads(path.read_text(encoding="utf-8")).get("checks", []):
            if check["id"] in kind_of:
                problems.append(f"{path.name}: check id {check['id']} is used twice")
            kind_of[check["id"]] = check["kind"]
    covered = set()
    per_province = {}
    for case in sorted((root / "cases").glob("*.json")):
        data = json.loads(case.read_text(encoding="utf-8"))
        province = str(data.get("province", data.get("application", {}).get("province", "")))[:2]
        per_province[province] = per_province.get(province, 0) + 1
        for rule in data.get("expect_errors", []) + data.get("expect_warnings", []):
            if rule in kind_of:
                covered.add(kind_of[rule])
            elif rule.startswith(("resource.", "auth-code.")):
                covered.add("resource_eligibility")
    schema = json.loads((root / "rules.schema.json").read_text(encoding="utf-8"))
    for kind in schema["properties"]["checks"]["items"]["properties"]["kind"]["enum"]:
        if kind not in covered:
            problems.append(f"no rule case exercises the check kind {kind}")
    for path in sorted((root / "provinces").glob("*.json")):
        if per_province.get(path.stem, 0) < 3:
            problems.append(f"province {path.stem} has {per_province.get(path.stem, 0)} rule cases (3 or more needed)")
    for p in problems:
        print(p)
    return len(problems)


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
    failed += coverage(root, files)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Converts api/openapi.yaml to JSON (the build embeds the result in icpd as /v1/openapi.json).

Usage: openapi_to_json.py IN.yaml OUT.json

Strict, so that what YAML would change silently fails the build instead, naming the place:
a mapping key given twice (a bad merge), a key that is not a string (an unquoted 200), and a
value JSON cannot carry (an unquoted date). tests/e2e/openapi_client.py loads the spec with
load() from here, so the tests read the same document icpd serves.
"""
import json
import sys

import yaml


class SpecError(Exception):
    pass


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise SpecError(f"line {key_node.start_mark.line + 1}: key {key!r} is given twice"
                                f" (first on line {seen[key]})")
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                              lambda loader, node: loader.construct_mapping(node, deep=True))


def _check_json(value, path):
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise SpecError(f"{path or '/'}: key {key!r} is a {type(key).__name__}, not a"
                                " string (quote it)")
            _check_json(item, f"{path}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_json(item, f"{path}/{i}")
    elif not (value is None or isinstance(value, (str, bool, int, float))):
        raise SpecError(f"{path}: {value!r} is a {type(value).__name__}, which JSON cannot carry"
                        " (quote it)")


def load(path):
    """The spec at `path` as JSON-compatible Python values; SpecError naming what is wrong."""
    with open(path, encoding="utf-8") as f:
        try:
            spec = yaml.load(f, Loader=_StrictLoader)
        except yaml.YAMLError as e:
            raise SpecError(str(e)) from e
    if not isinstance(spec, dict):
        raise SpecError("the document is not a mapping")
    _check_json(spec, "")
    return spec


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        spec = load(argv[1])
    except SpecError as e:
        print(f"{argv[1]}: {e}", file=sys.stderr)
        return 1
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    with open(argv[2], "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

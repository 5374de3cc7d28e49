#!/usr/bin/env bash
# Fails when a C++ source is not formatted per .clang-format (Google, 100 columns).
# `make format` fixes it. Without clang-format it fails: a check that cannot run has not
# passed (scripts/install-deps installs it).
set -u
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
  echo "format: clang-format is not installed, so the format check cannot run;" \
    "install it (scripts/install-deps)" >&2
  exit 1
fi
files=$(git ls-files 'src/*.h' 'src/*.cc' 'bench/*.cc' 'fuzz/*.h' 'fuzz/*.cc' 2>/dev/null || find src bench fuzz -name '*.h' -o -name '*.cc')
if clang-format --dry-run --Werror $files; then
  echo "format: $(echo "$files" | wc -l) files follow .clang-format"
else
  echo "format: run 'make format'"
  exit 1
fi

#!/usr/bin/env bash
# Fails when a C++ source is not formatted per .clang-format (Google, 100 columns).
# `make format` fixes it. Skips quietly where clang-format is not installed.
set -u
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
  echo "clang-format not installed: format check skipped"
  exit 0
fi
files=$(git ls-files 'src/*.h' 'src/*.cc' 'bench/*.cc' 2>/dev/null || find src bench -name '*.h' -o -name '*.cc')
if clang-format --dry-run --Werror $files; then
  echo "format: $(echo "$files" | wc -l) files follow .clang-format"
else
  echo "format: run 'make format'"
  exit 1
fi

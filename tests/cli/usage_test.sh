#!/usr/bin/env bash
# Each executable answers --version and --help, and refuses an unknown flag with exit 2.
set -u
bin=$1
passed=0
failed=0
for exe in icpd icpctl icp-bureau; do
  for args in "--version" "--help"; do
    if "$bin/$exe" $args >/dev/null 2>&1; then passed=$((passed + 1)); else
      failed=$((failed + 1)); echo "FAIL: $exe $args did not exit 0"; fi
  done
  "$bin/$exe" --no-such-flag >/dev/null 2>&1
  if [ $? -eq 2 ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $exe --no-such-flag did not exit 2"; fi
done
# What `icpd serve` does is tested end to end in tests/e2e/serve_test.py; here only its flags.
"$bin/icpd" serve --port not-a-number >/dev/null 2>&1
if [ $? -eq 2 ]; then passed=$((passed + 1)); else
  failed=$((failed + 1)); echo "FAIL: icpd serve --port not-a-number did not exit 2"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

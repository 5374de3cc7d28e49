#!/usr/bin/env bash
# tools/check_format.sh must fail, not pass, where clang-format is missing: a check that cannot
# run has not passed. Runs it with a PATH that holds only what the script needs besides it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for tool in dirname git wc; do
  ln -s "$(command -v "$tool")" "$tmp/$tool"
done
out=$(PATH="$tmp" /bin/bash "$here/../../tools/check_format.sh" 2>&1)
code=$?
if [ "$code" -ne 1 ] || ! grep -qF "clang-format is not installed" <<<"$out"; then
  echo "FAIL: check_format.sh without clang-format -> exit $code (want 1), output:"
  echo "$out" | sed 's/^/    /'
  exit 1
fi
echo "check_format.sh fails without clang-format: ok"

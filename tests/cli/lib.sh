# Shared by the end-to-end CLI tests: `expect EXIT PATTERN ARGS...` runs $icpctl with ARGS and
# counts a pass when the exit code is EXIT and the output contains PATTERN (fixed string).
# The caller sets icpctl, and prints the summary with `summary`.
passed=0
failed=0

expect() {
  local want=$1 pattern=$2
  shift 2
  local out
  out=$("$icpctl" "$@" 2>&1)
  local got=$?
  if [ "$got" -eq "$want" ] && grep -qF -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: icpctl $* -> exit $got (want $want), output:"
    echo "$out" | head -20 | sed 's/^/    /'
  fi
}

summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

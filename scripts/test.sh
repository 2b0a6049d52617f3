#!/usr/bin/env bash
# make test: unit and acceptance tests, with a closing count of tests.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
TF_ACC=1 go test -count=1 -parallel 4 -timeout 15m -v "$@" ./... >"$log" 2>&1
rc=$?
# Everything but the per-test progress lines: package results and failures.
grep -Ev '^\s*(=== (RUN|PAUSE|CONT|NAME)|--- PASS|PASS$)' "$log"
passed=$(grep -Ec '^\s*--- PASS' "$log")
failed=$(grep -Ec '^\s*--- FAIL' "$log")
skipped=$(grep -Ec '^\s*--- SKIP' "$log")
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit $rc

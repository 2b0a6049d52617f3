#!/usr/bin/env bash
# make test: unit and acceptance tests. Prints each test's result as it
# finishes, the failures' output at the end, and a closing count.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# One package at a time: go test streams a package's results as they come
# only then (it holds each package's output back while several run). The
# slow packages run real Terraform and share the two cores anyway.
TF_ACC=1 go test -p 1 -count=1 -parallel 4 -timeout 15m -v "$@" ./... 2>&1 | tee "$log" |
  grep --line-buffered -E '^(--- (PASS|FAIL|SKIP)|ok |FAIL|panic:|\?  |fault suite|run  |faults|ctrl-c  )'
rc=${PIPESTATUS[0]}
if grep -qE '^\s*--- FAIL|^panic:' "$log"; then
  echo
  echo "Output of the failures:"
  # Everything but the progress lines of passing tests.
  grep -Ev '^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (PASS|SKIP)|PASS$|ok )' "$log"
fi
passed=$(grep -Ec '^\s*--- PASS' "$log")
failed=$(grep -Ec '^\s*--- FAIL' "$log")
skipped=$(grep -Ec '^\s*--- SKIP' "$log")
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit $rc

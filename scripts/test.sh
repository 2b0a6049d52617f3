#!/usr/bin/env bash
# make test: unit and acceptance tests. Prints each test's result as it
# finishes, the failures' output at the end, and a closing count.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The packages whose tests run a Terraform CLI (they import plugin-testing
# or internal/acctest) run every time, one at a time: go test streams a
# package's results as they come only then, and they share the cores
# anyway. The others' results come from go test's cache when nothing they
# read changed: on a second CLI they have nothing new to say.
cli=$(go list -f '{{.ImportPath}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}' ./... |
  awk '{ for (i = 2; i <= NF; i++) if ($i ~ /terraform-plugin-testing|internal\/acctest$/) { print $1; next } }')
others=$(go list ./... | grep -vxF -f <(echo "$cli"))
{
  # shellcheck disable=SC2086
  TF_ACC=1 go test -timeout 15m -v "$@" $others
  rc1=$?
  # shellcheck disable=SC2086
  TF_ACC=1 go test -p 1 -count=1 -parallel 4 -timeout 15m -v "$@" $cli
  rc2=$?
  exit $((rc1 | rc2))
} 2>&1 | tee "$log" |
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

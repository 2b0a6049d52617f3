#!/usr/bin/env bash
# make test: unit and acceptance tests. Prints each test's result as it
# finishes, the failures' output at the end, and a closing count.
set -uo pipefail
log=$(mktemp)
# The packages whose tests run a Terraform CLI (they import plugin-testing
# or internal/acctest) run every time, one at a time: go test streams a
# package's results as they come only then, and they share the cores
# anyway. The others' results come from go test's cache when nothing they
# read changed: on a second CLI they have nothing new to say.
cli=$(go list -f '{{.ImportPath}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}' ./... |
  awk '{ for (i = 2; i <= NF; i++) if ($i ~ /terraform-plugin-testing|internal\/acctest$/) { print $1; next } }')
others=$(go list ./... | grep -vxF -f <(echo "$cli"))
# The provider, built once for every package that runs it, as a release
# builds it (internal/acctest).
build=$(mktemp -d)
trap 'rm -f "$log"; rm -rf "$build"' EXIT
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$build/terraform-provider-invitations" . || exit 1
export TF_ACC_PROVIDER_BUILD=$build
provider=github.com/invitations-dev/terraform-provider-invitations/internal/provider
small=$(echo "$cli" | grep -vxF "$provider")
{
  # shellcheck disable=SC2086
  TF_ACC=1 go test -timeout 15m -v "$@" $others
  rc1=$?
  # The provider's suite streams; the other packages that run a CLI take
  # the core it leaves, and print when they are done.
  smalllog=$(mktemp)
  # shellcheck disable=SC2086
  TF_ACC=1 go test -p 1 -count=1 -parallel 4 -timeout 15m -v "$@" $small >"$smalllog" 2>&1 &
  pid=$!
  TF_ACC=1 go test -count=1 -parallel 4 -timeout 15m -v "$@" "$provider"
  rc2=$?
  wait "$pid"
  rc3=$?
  cat "$smalllog"
  rm -f "$smalllog"
  exit $((rc1 | rc2 | rc3))
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

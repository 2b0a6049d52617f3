#!/usr/bin/env bash
# make testacc-live: the acceptance tests against the servers the usual
# settings name (AUTHENTIK_URL, AUTHENTIK_TOKEN, IBLAI_URL, IBLAI_API_KEY,
# IBLAI_ORG), with the fixtures of CONTRIBUTING.md. Nothing is sent without
# INVITATIONS_ACC_LIVE=1. Prints each top-level test's result, the failures'
# output, and the counts: run, passed, skipped, and each skip reason.
set -uo pipefail
if [ "${INVITATIONS_ACC_LIVE:-}" != 1 ]; then
  echo "make testacc-live sends requests to the servers AUTHENTIK_URL and IBLAI_URL name: set INVITATIONS_ACC_LIVE=1 to let it" >&2
  exit 2
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# A live server is far away and may limit its rate: few tests at a time,
# long timeouts.
TF_ACC=1 go test -count=1 -parallel "${LIVE_PARALLEL:-4}" -timeout "${LIVE_TIMEOUT:-60m}" -v -run "${LIVE_RUN:-^TestAcc}" ./internal/provider/ 2>&1 |
  tee "$log" | grep --line-buffered -E '^(--- (PASS|FAIL|SKIP)|ok |FAIL|panic:)'
rc=${PIPESTATUS[0]}
if grep -qE '^\s*--- FAIL|^panic:' "$log"; then
  echo
  echo "Output of the failures:"
  grep -Ev '^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (PASS|SKIP)|PASS$|ok )' "$log"
fi
# Counts over the tests that have no subtests (a test of subtests is run
# when one of them is), and the reasons the skipped ones gave.
awk '
  match($0, /^ *--- (PASS|FAIL|SKIP): [^ ]+/) {
    split(substr($0, RSTART, RLENGTH), f, " "); res[f[3]] = f[2]; sub(/:$/, "", res[f[3]])
  }
  END {
    for (n in res) for (m in res) if (index(m, n "/") == 1) { parent[n] = 1; break }
    for (n in res) if (!(n in parent)) { leaves++; count[res[n]]++
      split(n, p, "/"); if (res[n] != "SKIP") ran[p[1]] = 1; top[p[1]] = 1 }
    for (t in top) { tops++; if (t in ran) topsRan++ }
    printf "acceptance tests: %d of %d top-level tests run; %d tests and subtests without subtests: %d passed, %d failed, %d skipped\n",
      topsRan, tops, leaves, count["PASS"], count["FAIL"], count["SKIP"]
  }' "$log"
echo "skip reasons (tests and subtests):"
grep -oE '(mock only|live run): .*|Terraform CLI version .* (is|does) .*|skipping: .*' "$log" | sort | uniq -c | sort -rn
exit $rc

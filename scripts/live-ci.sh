#!/usr/bin/env bash
# CI's proof that the acceptance suite is portable: make mock started as a
# separate process (the real servers' defaults, seeded with invitations
# that are not the tests'), a proxy in front of it that refuses the mock's
# control API (/_mock/), make testacc-live against the proxy, then make
# sweep; afterwards no tfacc- invitation is active and the seeded ones are
# all there.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

seeded=4
make --no-print-directory mock MOCK_FLAGS="-env-file $dir/mock.env -seed-authentik $seeded -seed-ibl $seeded -seed-ibl-course $seeded -seed-ibl-platform $seeded" \
  >"$dir/mock.out" 2>"$dir/mock.log" &
pids+=($!)
for _ in $(seq 600); do [ -s "$dir/mock.env" ] && break; sleep 0.1; done
# shellcheck disable=SC1091
. "$dir/mock.env"
go build -o "$dir/refuseproxy" ./internal/acctest/refuseproxy
"$dir/refuseproxy" -to "$AUTHENTIK_URL" -addr-file "$dir/proxy" >/dev/null 2>"$dir/proxy.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$dir/proxy" ] && break; sleep 0.1; done
proxy=$(cat "$dir/proxy")
export AUTHENTIK_URL=$proxy IBLAI_URL=$proxy
# The mock's answers to the fixtures.
export INVITATIONS_ACC_AUTHENTIK_FLOW=0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10 INVITATIONS_ACC_AUTHENTIK_FLOW_SLUG=default-enrollment-flow \
  INVITATIONS_ACC_IBL_PROGRAM_KEY=acme+data-science INVITATIONS_ACC_IBL_COURSE_ID=course-v1:acme+DS101+2027 INVITATIONS_ACC_IBL_PLATFORM_KEY=acme \
  INVITATIONS_ACC_SEND_TO=tfacc-send@example.com

INVITATIONS_ACC_LIVE=1 make --no-print-directory testacc-live
out=$(INVITATIONS_SWEEP=1 make --no-print-directory sweep)
echo "$out" | grep '^sweep: [a-z.]*.*:' | grep -v '^sweep: \(deleted\|retired\) ' || true
# A second sweep finds nothing left, and every seeded invitation is there.
again=$(INVITATIONS_SWEEP=1 make --no-print-directory sweep)
echo "$again" | grep -q "authentik: 0 invitation(s) named tfacc-\* deleted, $seeded other(s) left as they are" ||
  { echo "live-ci: after make sweep, authentik still had tfacc- invitations or lost seeded ones:"; echo "$again"; exit 1; }
for kind in program course platform; do
  echo "$again" | grep -qE "ibl.ai $kind: 0 active invitation\(s\) with a source tfacc-\* retired, [0-9]+ other active" ||
    { echo "live-ci: after make sweep, ibl.ai $kind invitations with a tfacc- source were still active:"; echo "$again"; exit 1; }
done
if grep -q refused "$dir/proxy.log"; then
  echo "live-ci: a live-mode test reached the mock's control API:"; cat "$dir/proxy.log"; exit 1
fi
echo "live-ci: portable run passed through a proxy refusing /_mock/; make sweep left no tfacc- invitation active and the $seeded seeded authentik invitations as they were"

#!/usr/bin/env bash
# make demo: build the provider and the mock server, start the mock on a
# free loopback port, point Terraform at the fresh build through
# dev_overrides in a temporary CLI configuration, apply the demo
# configuration, show that a second plan is empty, destroy, stop the mock.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
mock_pid=""
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export CHECKPOINT_DISABLE=1
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Building the provider and the mock server"
go build -o "$work/bin/terraform-provider-invitations" "$root"
go build -o "$work/bin/mockserver" "$root/cmd/mockserver"

step "Starting the mock server"
"$work/bin/mockserver" -seed-authentik 3 -seed-ibl 3 -env-file "$work/mock.env" >"$work/mock.out" 2>"$work/mock.log" &
mock_pid=$!
for _ in $(seq 1 50); do [ -s "$work/mock.env" ] && break; sleep 0.1; done
[ -s "$work/mock.env" ] || { cat "$work/mock.log"; echo "the mock server did not start" >&2; exit 1; }
# shellcheck disable=SC1091
. "$work/mock.env"
sed 's/\(TOKEN\|KEY\)=.*/\1=***/' "$work/mock.env"

address=$(sed -n 's/^const RegistryAddress = "\(.*\)"$/\1/p' "$root/internal/provider/provider.go")
cat >"$work/terraformrc" <<EOT
provider_installation {
  dev_overrides {
    "$address" = "$work/bin"
  }
  # Nothing else is installed from anywhere: no registry is ever asked.
  filesystem_mirror {
    path = "$work/empty-mirror"
  }
}
EOT
export TF_CLI_CONFIG_FILE="$work/terraformrc"

cp "$root"/examples/demo/*.tf "$work/"
cd "$work"
# The configuration names the provider by its registry address; rewrite the
# namespace placeholder so that dev_overrides matches it.
sed -i "s#source = \"[^\"]*/invitations\"#source = \"$address\"#" ./*.tf

step "terraform apply"
terraform apply -auto-approve -input=false

step "A second plan is empty"
set +e
terraform plan -detailed-exitcode -input=false
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  echo "the second plan is not empty (exit $rc)" >&2
  exit 1
fi

step "terraform destroy"
terraform destroy -auto-approve -input=false

# Terraform 1.14+ (terraform-1.NN on PATH): invitations that already exist
# on the mock are listed with terraform query, configuration is generated,
# they are imported, and the next plan is empty.
newest=""
for tf in $(compgen -c terraform-1. | sort -uV); do
  command -v "$tf" >/dev/null && newest=$tf
done
minor=0
if [ -n "$newest" ]; then
  minor=$("$newest" version 2>/dev/null | sed -n 's/^Terraform v1\.\([0-9]*\)\..*/\1/p' | sed -n 1p)
fi
if [ "${minor:-0}" -ge 14 ]; then
  mkdir "$work/query"
  cp "$root"/examples/demo/query/* "$work/query/"
  cd "$work/query"
  sed -i "s#source = \"[^\"]*/invitations\"#source = \"$address\"#" ./*.tf

  step "$newest query: what already exists on the mock"
  "$newest" query

  step "$newest query -generate-config-out: import blocks and configuration"
  "$newest" query -generate-config-out=generated.tf >/dev/null
  grep -c '^import {' generated.tf | sed 's/$/ import blocks written to generated.tf/'

  step "$newest apply: import them"
  "$newest" apply -auto-approve -input=false | tail -n 1

  step "The plan after import is empty"
  set +e
  "$newest" plan -detailed-exitcode -input=false >/dev/null
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    echo "the plan after import is not empty (exit $rc)" >&2
    exit 1
  fi
  echo "No changes."
  "$newest" destroy -auto-approve -input=false | tail -n 1
else
  step "terraform query: skipped (needs Terraform 1.14+ on PATH as terraform-1.NN; ../shared/tools/terraform/install provides one)"
fi

step "Requests the mock server answered"
kill "$mock_pid" && wait "$mock_pid" 2>/dev/null || true
mock_pid=""
sed -n "s/^.*mockserver: \(requests served\|  \)/\1/p" "$work/mock.log"

step "Demo finished: applied, planned clean, destroyed"

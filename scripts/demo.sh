#!/usr/bin/env bash
# make demo: build the provider and the mock server, start the mock on a
# free loopback port, point Terraform at the fresh build through
# dev_overrides in a temporary CLI configuration, apply the demo
# configuration, show that a second plan is empty, destroy, stop the mock.
# TERRAFORM names the CLI (make demo TERRAFORM=tofu runs it on OpenTofu).
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

tf=$(command -v "${TERRAFORM:-terraform}") || { echo "${TERRAFORM:-terraform} not found" >&2; exit 1; }
tf_version=$("$root/scripts/cli-version.sh" "$tf")
# Terraform and OpenTofu each give the configuration's source, written
# without a host, their own registry's address: dev_overrides names both.
address=$(sed -n 's/^const RegistryAddress = "\(.*\)"$/\1/p' "$root/internal/provider/provider.go")
cat >"$work/terraformrc" <<EOT
provider_installation {
  dev_overrides {
    "$address" = "$work/bin"
    "registry.opentofu.org/${address#*/}" = "$work/bin"
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

step "$tf_version: apply"
"$tf" apply -auto-approve -input=false

step "A second plan is empty"
set +e
"$tf" plan -detailed-exitcode -input=false
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  echo "the second plan is not empty (exit $rc)" >&2
  exit 1
fi

step "destroy"
"$tf" destroy -auto-approve -input=false

# With Terraform 1.14+ (this one, or the Terraform 1.16.4 make tools
# builds), invitations that already exist on the mock are listed with
# terraform query, configuration is generated, they are imported, and the
# next plan is empty. OpenTofu has no terraform query.
newest=""
if echo "$tf_version" | grep -Eq '^Terraform v1\.(1[4-9]|[2-9][0-9])\.'; then
  newest=$tf
elif echo "$tf_version" | grep -q '^Terraform' && [ -x "$root/bin/terraform-1.16.4" ]; then
  newest=$root/bin/terraform-1.16.4
fi
if [ -n "$newest" ]; then
  mkdir "$work/query"
  cp "$root"/examples/demo/query/* "$work/query/"
  cd "$work/query"

  step "$("$root/scripts/cli-version.sh" "$newest") query: what already exists on the mock"
  "$newest" query

  step "query -generate-config-out: import blocks and configuration"
  "$newest" query -generate-config-out=generated.tf >/dev/null
  grep -c '^import {' generated.tf | sed 's/$/ import blocks written to generated.tf/'

  step "apply: import them"
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
  step "terraform query: skipped ($tf_version has none; on Terraform, make tools builds a 1.16.4 the demo then uses for it)"
fi

step "Requests the mock server answered"
kill "$mock_pid" && wait "$mock_pid" 2>/dev/null || true
mock_pid=""
sed -n "s/^.*mockserver: \(requests served\|  \)/\1/p" "$work/mock.log"

step "Demo finished: applied, planned clean, destroyed"

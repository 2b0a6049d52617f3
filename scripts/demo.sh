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
"$work/bin/mockserver" -env-file "$work/mock.env" >"$work/mock.out" 2>"$work/mock.log" &
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

step "Requests the mock server answered"
kill "$mock_pid" && wait "$mock_pid" 2>/dev/null || true
mock_pid=""
sed -n "s/^.*mockserver: \(requests served\|  \)/\1/p" "$work/mock.log"

step "Demo finished: applied, planned clean, destroyed"

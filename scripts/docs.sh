#!/usr/bin/env bash
# make docs: regenerate docs/ with tfplugindocs. tfplugindocs reads the
# provider's schema through the `terraform` first on PATH, and only
# Terraform 1.14+ reports list resources, actions and resource identities,
# so the docs are always generated with the Terraform 1.16.4 the project
# builds (make tools): one way, whatever Terraform the machine has.
set -euo pipefail
cd "$(dirname "$0")/.."

tf=$(./scripts/tools.sh terraform)
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
ln -s "$tf" "$bin/terraform"
export PATH="$bin:$PATH"
echo "docs: tfplugindocs with $(./scripts/cli-version.sh terraform)"
go generate ./...
# make docs-check: the pages as the registry checks them (frontmatter,
# layout, every resource documented).
if [ "${1:-}" = validate ]; then
  log=$(mktemp)
  if ! go tool -modfile=tools/go.mod tfplugindocs validate --provider-name invitations >"$log" 2>&1; then
    grep -v '\[DEBUG\]' "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  echo "docs: tfplugindocs validate passed"
fi

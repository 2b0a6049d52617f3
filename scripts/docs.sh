#!/usr/bin/env bash
# make docs: regenerate docs/ with tfplugindocs. tfplugindocs reads the
# provider's schema through the `terraform` first on PATH, and only
# Terraform 1.14+ reports list resources, actions and resource identities,
# so the docs are always generated with the Terraform 1.16.1 the project
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

#!/usr/bin/env bash
# make docs: regenerate docs/ with tfplugindocs. tfplugindocs reads the
# provider's schema through the first `terraform` on PATH, and only
# Terraform 1.14+ reports list resources, actions and resource identities,
# so the newest terraform-1.* on PATH is used when there is one.
#
# With only an older Terraform, the pages that need the newer schema
# (resources, list resources, actions) are kept as committed instead of
# being rewritten without those parts, and this script says so: a docs check
# on such a machine covers the other pages only.
set -euo pipefail
cd "$(dirname "$0")/.."

newest=""
for tf in $(compgen -c terraform-1. | sort -uV); do
  command -v "$tf" >/dev/null && newest=$tf
done
bin=$(mktemp -d)
if [ -n "$newest" ]; then
  ln -s "$(command -v "$newest")" "$bin/terraform"
  export PATH="$bin:$PATH"
fi
version=$(terraform version 2>/dev/null | sed -n 1p)
minor=$(echo "$version" | sed -n 's/^Terraform v1\.\([0-9]*\)\..*/\1/p')
echo "docs: tfplugindocs with $version"
hidden=()
restore() {
  for f in "${hidden[@]}"; do mv "$f.hidden" "$f"; done
  rm -rf "$bin"
}
trap restore EXIT
if [ "${minor:-0}" -lt 14 ]; then
  # tfplugindocs refuses identity import examples for a schema without
  # identities, which is what an older Terraform reports.
  for f in examples/resources/*/import-by-identity.tf; do
    mv "$f" "$f.hidden"
    hidden+=("$f")
  done
fi
go generate ./...

if [ "${minor:-0}" -lt 14 ]; then
  kept="docs/resources docs/list-resources docs/actions"
  git checkout -- $kept 2>/dev/null || true
  echo "docs: $version cannot report list resources, actions and identities;" \
    "kept $kept as committed (install Terraform 1.14+ as terraform-1.NN to regenerate them)" >&2
fi

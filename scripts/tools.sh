#!/usr/bin/env bash
# make tools: builds the newer CLIs the suite also runs on, Terraform and
# OpenTofu at the versions tools/terraform/go.mod and tools/tofu/go.mod
# require, from the Go module proxy with the Go on this machine, into bin/
# (git-ignored) as bin/terraform-X.Y.Z and bin/tofu-X.Y.Z. They are built
# as their releases are (static, -trimpath, stripped, version.dev=no), and
# only when missing or older than their module files: Go's build cache keeps
# a rebuild fast. Prints the paths built, one a line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/bin"

# build MODULE_DIR NAME MODULE PACKAGE
build() {
  local dir="$root/tools/$1" name=$2 module=$3 pkg=$4 version out
  version=$(cd "$dir" && go list -m -f '{{.Version}}' "$module")
  [ -n "$version" ] || { echo "tools: no version of $module in $dir/go.mod" >&2; exit 1; }
  out="$root/bin/$name-${version#v}"
  if [ -x "$out" ] && [ "$out" -nt "$dir/go.mod" ] && [ "$out" -nt "$dir/go.sum" ]; then
    echo "$out"
    return
  fi
  echo "tools: building $name ${version#v} from the Go module proxy (a few minutes the first time)" >&2
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X $module/version.dev=no" -o "$out.tmp" "$pkg")
  mv "$out.tmp" "$out"
  echo "tools: built $("$root/scripts/cli-version.sh" "$out")" >&2
  echo "$out"
}

case "${1:-all}" in
terraform) build terraform terraform github.com/hashicorp/terraform github.com/hashicorp/terraform ;;
tofu) build tofu tofu github.com/opentofu/opentofu github.com/opentofu/opentofu/cmd/tofu ;;
all)
  build terraform terraform github.com/hashicorp/terraform github.com/hashicorp/terraform
  build tofu tofu github.com/opentofu/opentofu github.com/opentofu/opentofu/cmd/tofu
  ;;
*)
  echo "usage: $0 [terraform|tofu|all]" >&2
  exit 2
  ;;
esac

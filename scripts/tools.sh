#!/usr/bin/env bash
# make tools: builds the newer CLIs the suite also runs on, Terraform and
# OpenTofu at the versions tools/terraform/go.mod and tools/tofu/go.mod
# require, from the Go module proxy with the Go on this machine, into bin/
# (git-ignored) as bin/terraform-X.Y.Z and bin/tofu-X.Y.Z; and the restapi
# provider the migration tests move state from (tools/restapi/go.mod), as
# bin/restapi-X.Y.Z/terraform-provider-restapi, a directory dev_overrides
# can name. They are built as their releases are (static, -trimpath,
# stripped), and only when missing or older than their module files: Go's
# build cache keeps a rebuild fast. Prints the paths built, one a line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/bin"

# build MODULE_DIR NAME MODULE PACKAGE [BINARY]: with BINARY, into the
# directory bin/NAME-X.Y.Z under that name.
build() {
  local dir="$root/tools/$1" name=$2 module=$3 pkg=$4 binary=${5:-} version out
  version=$(cd "$dir" && go list -m -f '{{.Version}}' "$module")
  [ -n "$version" ] || { echo "tools: no version of $module in $dir/go.mod" >&2; exit 1; }
  out="$root/bin/$name-${version#v}"
  if [ -n "$binary" ]; then
    mkdir -p "$out"
    out="$out/$binary"
  fi
  if [ -x "$out" ] && [ "$out" -nt "$dir/go.mod" ] && [ "$out" -nt "$dir/go.sum" ]; then
    echo "$out"
    return
  fi
  echo "tools: building $name ${version#v} from the Go module proxy (a few minutes the first time)" >&2
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X $module/version.dev=no" -o "$out.tmp" "$pkg")
  mv "$out.tmp" "$out"
  if [ -z "$binary" ]; then
    echo "tools: built $("$root/scripts/cli-version.sh" "$out")" >&2
  fi
  echo "$out"
}

case "${1:-all}" in
terraform) build terraform terraform github.com/hashicorp/terraform github.com/hashicorp/terraform ;;
tofu) build tofu tofu github.com/opentofu/opentofu github.com/opentofu/opentofu/cmd/tofu ;;
restapi) build restapi restapi github.com/Mastercard/terraform-provider-restapi github.com/Mastercard/terraform-provider-restapi terraform-provider-restapi ;;
all)
  build terraform terraform github.com/hashicorp/terraform github.com/hashicorp/terraform
  build tofu tofu github.com/opentofu/opentofu github.com/opentofu/opentofu/cmd/tofu
  build restapi restapi github.com/Mastercard/terraform-provider-restapi github.com/Mastercard/terraform-provider-restapi terraform-provider-restapi
  ;;
*)
  echo "usage: $0 [terraform|tofu|restapi|all]" >&2
  exit 2
  ;;
esac

#!/usr/bin/env bash
# make release (every target) and make release-check (CI: linux/amd64 and
# darwin/arm64): goreleaser check, then a snapshot release as the Terraform
# registry receives one (a zip per target, SHA256SUMS, its detached GPG
# signature, the manifest), signed as the release workflow signs it, with a
# throwaway key made here in a temporary keyring (no key is ever kept), then
# checked: the signature with gpg --verify, every zip against the sums, each
# zip's one binary against its target, the manifest's name and content.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-full}
goreleaser=(go tool -modfile=tools/goreleaser/go.mod goreleaser)

work=$(mktemp -d)
export GNUPGHOME="$work/gnupg"
trap 'gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -m 700 "$GNUPGHOME"
# RSA: the registry takes RSA and DSA keys, not elliptic-curve ones.
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
  --quick-gen-key "terraform-provider-invitations release check <release-check@invitations.invalid>" rsa3072 sign 1d
GPG_FINGERPRINT=$(gpg --batch --with-colons --list-secret-keys | awk -F: '/^fpr:/ { print $10; exit }')
export GPG_FINGERPRINT

config=.goreleaser.yml
if [ "$mode" = ci ]; then
  # The pipeline, not the compiler: the same configuration for two targets.
  config=$work/goreleaser-ci.yml
  awk '/^    goos:/ { skip = 1; print "    targets: [linux_amd64_v1, darwin_arm64]" } /^    binary:/ { skip = 0 } !skip' .goreleaser.yml >"$config"
  grep -q 'targets: \[linux_amd64_v1, darwin_arm64\]' "$config" || { echo "release: .goreleaser.yml's build has no goos list to narrow" >&2; exit 1; }
fi
"${goreleaser[@]}" check "$config"
"${goreleaser[@]}" release --snapshot --clean --config "$config"
RELEASE_DIST=$PWD/dist RELEASE_CONFIG=$config go test -count=1 -tags release -run TestRelease -v .

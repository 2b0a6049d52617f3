#!/usr/bin/env bash
# Prints the name and version of a Terraform or OpenTofu CLI ("Terraform
# v1.11.4", "OpenTofu v1.12.6"): the line of `version` that says it, which
# warnings about the CLI configuration may precede. Reads the whole output
# (no early exit that would break the CLI's pipe).
set -uo pipefail
CHECKPOINT_DISABLE=1 "${1:-terraform}" version 2>/dev/null | awk '/^(Terraform|OpenTofu) v/ && !found { print; found = 1 }'

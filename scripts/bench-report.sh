#!/usr/bin/env bash
# scripts/bench-readme.sh [REPORT]: puts make bench's latest report (the
# file make bench writes, default bench-report.txt) into README.md, between
# the markers of its performance section, as a code block. make bench runs
# it after a full run; run it yourself after BENCH_* overrides only if you
# mean the README to show that run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
report=${1:-$root/bench-report.txt}
readme=$root/README.md
begin='<!-- make bench report: begin (scripts/bench-readme.sh writes this part) -->'
end='<!-- make bench report: end -->'
[ -s "$report" ] || { echo "bench-readme: no report at $report (run make bench)" >&2; exit 1; }
grep -qxF "$begin" "$readme" && grep -qxF "$end" "$readme" ||
  { echo "bench-readme: README.md lacks the markers" >&2; exit 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
awk -v begin="$begin" -v end="$end" -v report="$report" '
  $0 == begin { print; print "```text"; while ((getline line < report) > 0) print line; print "```"; skip = 1; next }
  $0 == end { skip = 0 }
  !skip { print }
' "$readme" >"$tmp"
cat "$tmp" >"$readme"
echo "bench-readme: README.md shows $(head -n 1 "$report")"

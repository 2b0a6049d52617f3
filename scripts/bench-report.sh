#!/usr/bin/env bash
# scripts/bench-report.sh [REPORT]: writes make bench's latest report (the
# file make bench writes, default bench-report.txt) to docs/performance.md,
# the page the README links to. make bench runs it after a full run; run it
# yourself after BENCH_* overrides only if you mean the page to show that run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
report=${1:-$root/bench-report.txt}
page=$root/docs/performance.md
[ -s "$report" ] || { echo "bench-report: no report at $report (run make bench)" >&2; exit 1; }
{
  cat <<'HEAD'
# Performance

What `make bench` measured, as it wrote it (`scripts/bench-report.sh` puts a full run here; the
first line says when, on which Terraform and which machine). Real Terraform runs against the bundled
mock with a latency a request. Each operation is measured for the provider next to:

- the **framework floor**: this provider's schemas served by resources and data sources that call no
  API, through the same server: what Terraform and terraform-plugin-framework cost for the same work;
- `terraform_data`, for the wall time Terraform itself takes (first run only);
- the provider on an ibl.ai server whose DELETE deletes (first run only);
- the provider **without each framework workaround it keeps** (first run only): `without quiet logs`
  (the libraries' loggers as they make them) and `without ctx release` (the framework's own protocol
  server), and for the listings `without handover` (the same). The `(w)` figures are the provider's
  wall time or peak memory over theirs, one line an operation: a workaround stays where it buys at
  least 20 % (0.80x or less) of one user-visible figure, so one line met of its several keeps it.

Plugin CPU time and peak memory (Linux `VmHWM`) come from the provider process itself, built as a
release is. The machine is noisy: read the ratios, and their spread over the runs.

```text
HEAD
  cat "$report"
  echo '```'
} >"$page"
echo "bench-report: docs/performance.md shows $(head -n 1 "$report")"

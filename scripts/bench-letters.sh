#!/usr/bin/env bash
# Letters benchmark (issue 6): 500 personalised letters as one PDF and as 500 files, made by
# fidelia-letters (printpdf) and, in the same run, by ReportLab (the anchor); prints the ratios.
#
#   scripts/bench-letters.sh [OUTDIR]        (default: target/bench-letters)
#
# ReportLab is installed from PyPI into a venv under target/ on the first run.
# Run twice: without a logo and with the app's icon standing in for the clinic's logo.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-target/bench-letters}"
VENV="target/bench-letters-venv"
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import reportlab' 2>/dev/null; then
  echo "== installing ReportLab into $VENV (PyPI)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check reportlab
fi
RL_VERSION="$("$VENV/bin/python" -c 'import reportlab; print(reportlab.Version)')"

echo "== building the Rust bench (release)"
cargo build --release -q -p fidelia-letters --example bench
BENCH="target/release/examples/bench"

get() { grep "^$1=" "$2" | cut -d= -f2; }

run_case() {
  local label="$1" dir="$2"; shift 2
  rm -rf "$dir"; mkdir -p "$dir"
  "$BENCH" "$dir" "$@" > "$dir/rust.txt"
  "$VENV/bin/python" scripts/bench_letters_reportlab.py "$dir" assets/fonts > "$dir/reportlab.txt"
  local r="$dir/rust.txt" p="$dir/reportlab.txt"
  echo
  echo "== $label: $(get letters "$r") letters (median of 3 runs; fonts loaded before timing)"
  printf '%-34s %14s %14s %8s\n' "" "fidelia-letters" "ReportLab $RL_VERSION" "ratio"
  awk -v a="$(get batch_seconds "$r")" -v b="$(get batch_seconds "$p")" \
    'BEGIN { printf "%-34s %13.3fs %13.3fs %7.2fx\n", "one PDF (batch), time", a, b, b / a }'
  awk -v a="$(get files_seconds "$r")" -v b="$(get files_seconds "$p")" \
    'BEGIN { printf "%-34s %13.3fs %13.3fs %7.2fx\n", "500 files, time", a, b, b / a }'
  awk -v a="$(get batch_bytes_per_letter "$r")" -v b="$(get batch_bytes_per_letter "$p")" \
    'BEGIN { printf "%-34s %12.0f B %12.0f B %7.2fx\n", "batch size per letter", a, b, b / a }'
  awk -v a="$(get batch_bytes "$r")" -v b="$(get batch_bytes "$p")" \
    'BEGIN { printf "%-34s %11.1f KB %11.1f KB\n", "batch file", a / 1024, b / 1024 }'
  awk -v a="$(get single_letter_bytes "$r")" -v b="$(get single_letter_bytes "$p")" \
    'BEGIN { printf "%-34s %11.1f KB %11.1f KB %7.2fx\n", "single-letter file", a / 1024, b / 1024, b / a }'
  awk -v a="$(get largest_letter_bytes "$r")" -v b="$(get largest_letter_bytes "$p")" \
    'BEGIN { printf "%-34s %11.1f KB %11.1f KB\n", "largest single-letter file", a / 1024, b / 1024 }'
  awk -v bt="$(get batch_seconds "$r")" -v bp="$(get batch_seconds "$p")" \
      -v ft="$(get files_seconds "$r")" -v fp="$(get files_seconds "$p")" \
      -v s="$(get largest_letter_bytes "$r")" -v per="$(get batch_bytes_per_letter "$r")" 'BEGIN {
    printf "targets: >=2x faster batch %s, >=2x faster files %s, single letter < 45 KB %s, batch < 2 KB/letter %s\n",
      (bp / bt >= 2 ? "MET" : "MISSED"), (fp / ft >= 2 ? "MET" : "MISSED"),
      (s < 45 * 1024 ? "MET" : "MISSED"), (per < 2048 ? "MET" : "MISSED") }'
}

run_case "without a logo" "$OUT/no-logo"
run_case "with a logo (icons/128x128.png, 128 px PNG)" "$OUT/logo" "$PWD/icons/128x128.png"

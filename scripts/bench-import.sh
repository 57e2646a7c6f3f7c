#!/usr/bin/env bash
# Import benchmark: generated one-row-per-visit exports (Windows-1252, ';', Spanish names with
# accents) imported by `fidelia import` into an empty clinic, side by side with the sqlite3
# shell's `.import` of the same file into one plain table (the floor: no parsing of dates,
# phones or amounts, no matching, no indexes), each size measured in the same run.
#   - ROWS rows (default 100,000), 2 pets with 3 visits per client: many clients for the rows;
#     imported again (every row unchanged);
#   - BIG rows (default 1,000,000), 2 pets with 12 visits per client: a large clinic's decade
#     (41,667 clients, 83,334 pets).
# Prints seconds, rows per second, the ratio to the floor and the peak memory (RSS) of
# `fidelia import`.
#
# usage: [RUNS=5] [BIG_RUNS=3] scripts/bench-import.sh [ROWS [BIG]]     (BIG=0 skips the large file)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-100000}"
BIG="${2:-1000000}"
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install sqlite3)"; exit 1; }
command -v iconv >/dev/null || { echo "iconv is needed (apt-get install libc-bin)"; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (apt-get install time)"; exit 1; }

cargo build --release -q -p fidelia-cli
BIN="$PWD/target/release/fidelia"
DIR="$(mktemp -d "${TMPDIR:-/tmp}/fidelia-bench-import.XXXXXX")"
trap 'rm -rf "$DIR"' EXIT

# run LABEL CMD... -> sets SECS and RSS_KB
run() {
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$DIR/time.txt" "$@" >"$DIR/$label.out" 2>"$DIR/$label.err" || {
    echo "$label failed:"; cat "$DIR/$label.err"; exit 1; }
  read -r SECS RSS_KB <"$DIR/time.txt"
}
rate() { python3 -c "import sys; print(f'{int(sys.argv[1]) / max(float(sys.argv[2]), 0.001):,.0f}')" "$1" "$2"; }
row() { printf "%-50s %8s %12s\n" "$@"; }

median() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "$@"; }

# measure ROWS VISITS_PER_PET LABEL RUNS [again]
# The floor and fidelia run in turn RUNS times (the machine's speed drifts from one second to
# the next on a shared host); each figure is the median of its runs, the ratio that of the
# medians, the peak memory the largest. The median of each run's own ratio to the floor run
# just before it is printed too (less moved by a drift of the machine's speed during the runs).
measure() {
  local rows="$1" visits="$2" label="$3" runs="$4" again="${5:-}"
  python3 scripts/gen-import-csv.py "$rows" "$DIR/$label.csv" "$visits"
  echo
  echo "== $label: $rows rows, $(($(stat -c %s "$DIR/$label.csv") / 1024 / 1024)) MiB, $(file -b "$DIR/$label.csv" | cut -d, -f1); $runs runs each"
  local i_all=() s_all=() floor_all=() f_all=() pair_all=() f_rss=0 n
  for ((n = 0; n < runs; n++)); do
    # The floor: iconv to UTF-8 (sqlite3 reads UTF-8 only), then .import into a plain table.
    run iconv sh -c "iconv -f WINDOWS-1252 -t UTF-8 '$DIR/$label.csv' > '$DIR/$label-utf8.csv'"
    local i_secs=$SECS
    run sqlite3 sqlite3 "$DIR/$label-plain.sqlite3" ".mode csv" ".separator ;" ".import $DIR/$label-utf8.csv t"
    i_all+=("$i_secs"); s_all+=("$SECS")
    floor_all+=("$(python3 -c "print(f'{$i_secs + $SECS:.2f}')")")
    rm -f "$DIR/$label-utf8.csv" "$DIR/$label-plain.sqlite3"
    rm -f "$DIR/$label.sqlite3"*
    run fidelia "$BIN" --db "$DIR/$label.sqlite3" import "$DIR/$label.csv"
    f_all+=("$SECS")
    pair_all+=("$(python3 -c "print(f'{$SECS / max(${floor_all[-1]}, 0.001):.3f}')")")
    [ "$RSS_KB" -gt "$f_rss" ] && f_rss=$RSS_KB
  done
  grep -E "filas|Clientes|Mascotas|Visitas" "$DIR/fidelia.out" | sed 's/^/  /'
  local f_secs s_secs floor
  f_secs=$(median "${f_all[@]}"); s_secs=$(median "${s_all[@]}"); floor=$(median "${floor_all[@]}")
  row "" "seconds" "rows/s"
  row "fidelia import (empty clinic)" "$f_secs" "$(rate "$rows" "$f_secs")"
  if [ -n "$again" ]; then
    run fidelia-again "$BIN" --db "$DIR/$label.sqlite3" import "$DIR/$label.csv"
    row "fidelia import again (all unchanged)" "$SECS" "$(rate "$rows" "$SECS")"
  fi
  row "sqlite3 .import (plain table)" "$s_secs" "$(rate "$rows" "$s_secs")"
  row "iconv + sqlite3 .import (the floor)" "$floor" "$(rate "$rows" "$floor")"
  echo "fidelia runs: ${f_all[*]} s; floor runs: ${floor_all[*]} s"
  python3 -c "print(f'ratio fidelia / floor: {$f_secs / max($floor, 0.001):.2f}x   (target: at most 2x)')"
  echo "each run beside the floor run just before it: ${pair_all[*]}; median $(median "${pair_all[@]}")x"
  echo "peak RSS of fidelia import: $((f_rss / 1024)) MiB   (target: under 64 MiB)"
  rm -f "$DIR/$label.csv" "$DIR/$label.sqlite3"*
}

echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure "$ROWS" 3 "export" "${RUNS:-5}" again
if [ "$BIG" -gt 0 ]; then
  measure "$BIG" 12 "decade" "${BIG_RUNS:-3}"
fi

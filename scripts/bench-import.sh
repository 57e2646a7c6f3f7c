#!/usr/bin/env bash
# Import benchmark: a generated one-row-per-visit export (Windows-1252, ';', Spanish names with
# accents) imported by `fidelia import` into an empty clinic, side by side with the sqlite3
# shell's `.import` of the same file into one plain table (the floor: no parsing of dates,
# phones or amounts, no matching, no indexes). Prints rows per second, the ratio, and the peak
# memory of `fidelia import` at 10k and 100k rows (it should stay flat: the file is streamed).
#
# usage: scripts/bench-import.sh [ROWS]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-100000}"
SMALL=$((ROWS / 10))
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install sqlite3)"; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (apt-get install time)"; exit 1; }

cargo build --release -q -p fidelia-cli
BIN="$PWD/target/release/fidelia"
DIR="$(mktemp -d /tmp/fidelia-bench-import.XXXXXX)"
trap 'rm -rf "$DIR"' EXIT

python3 scripts/gen-import-csv.py "$ROWS" "$DIR/big.csv"
python3 scripts/gen-import-csv.py "$SMALL" "$DIR/small.csv"
echo "file: $ROWS rows, $(($(stat -c %s "$DIR/big.csv") / 1024 / 1024)) MiB, $(file -b "$DIR/big.csv" | cut -d, -f1)"

# run LABEL CMD... -> sets SECS and RSS_KB
run() {
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$DIR/time.txt" "$@" >"$DIR/$label.out" 2>"$DIR/$label.err" || true
  read -r SECS RSS_KB <"$DIR/time.txt"
}
rate() { python3 -c "import sys; print(f'{int(sys.argv[1]) / max(float(sys.argv[2]), 0.001):,.0f}')" "$1" "$2"; }

run fidelia-small "$BIN" --db "$DIR/small.sqlite3" import "$DIR/small.csv"
SMALL_SECS=$SECS SMALL_RSS=$RSS_KB
run fidelia "$BIN" --db "$DIR/fidelia.sqlite3" import "$DIR/big.csv"
F_SECS=$SECS F_RSS=$RSS_KB
grep -E "filas|Clientes|Visitas" "$DIR/fidelia.out" | sed 's/^/  /'
run fidelia-again "$BIN" --db "$DIR/fidelia.sqlite3" import "$DIR/big.csv"
A_SECS=$SECS

# The floor: iconv to UTF-8 (sqlite3 reads UTF-8 only), then .import into a plain table.
run iconv sh -c "iconv -f WINDOWS-1252 -t UTF-8 '$DIR/big.csv' > '$DIR/big-utf8.csv'"
I_SECS=$SECS
run sqlite3 sqlite3 "$DIR/plain.sqlite3" ".mode csv" ".separator ;" ".import $DIR/big-utf8.csv t"
S_SECS=$SECS
S_ROWS=$(sqlite3 "$DIR/plain.sqlite3" "SELECT count(*) FROM t")

FLOOR=$(python3 -c "print(f'{$I_SECS + $S_SECS:.2f}')")
echo
printf "%-46s %8s %12s\n" "" "seconds" "rows/s"
printf "%-46s %8s %12s\n" "fidelia import (empty clinic)" "$F_SECS" "$(rate "$ROWS" "$F_SECS")"
printf "%-46s %8s %12s\n" "fidelia import again (all unchanged)" "$A_SECS" "$(rate "$ROWS" "$A_SECS")"
printf "%-46s %8s %12s\n" "sqlite3 .import (plain table, $S_ROWS rows)" "$S_SECS" "$(rate "$ROWS" "$S_SECS")"
printf "%-46s %8s %12s\n" "iconv + sqlite3 .import (the floor)" "$FLOOR" "$(rate "$ROWS" "$FLOOR")"
python3 -c "print(f'ratio fidelia / floor: {$F_SECS / max($FLOOR, 0.001):.2f}x   (fidelia / sqlite3 alone: {$F_SECS / max($S_SECS, 0.001):.2f}x; target: within 3x)')"
echo
echo "peak RSS of fidelia import: $SMALL rows $((SMALL_RSS / 1024)) MiB, $ROWS rows $((F_RSS / 1024)) MiB"

#!/usr/bin/env bash
# Launch-to-first-paint time and idle memory of Fidelia, beside a minimal Tauri 2 window measured
# in the same run (same framework, same release profile, same display). Prints figures; asserts nothing.
#   usage: scripts/measure-window.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
IDLE_S=${IDLE_S:-60}
cargo build --release -q -p fidelia-app -p fidelia-cli --bin fidelia-app --bin fidelia --example minimal

tmp=$(mktemp -d)
display=:$(( 200 + RANDOM % 300 ))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
dbus_out=$(dbus-daemon --session --fork --print-address=1 --print-pid=1)
dbus_addr=$(echo "$dbus_out" | sed -n 1p); dbus_pid=$(echo "$dbus_out" | sed -n 2p)
cleanup() { kill "$xvfb" "$dbus_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
sleep 1

# The clinic the app opens: the demo clinic, made beforehand so start-up is an ordinary start.
FIDELIA_DB="$tmp/fidelia.sqlite3" target/release/fidelia demo >/dev/null

descendants() { local p=$1; echo "$p"; for c in $(pgrep -P "$p" || true); do descendants "$c"; done; }

# CPU time (clock ticks) used so far by a process and its descendants.
cpu_ticks() {
  local total=0 p
  for p in $(descendants "$1"); do
    [ -r "/proc/$p/stat" ] && total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat") ))
  done
  echo "$total"
}

# measure NAME BINARY -> prints "first_paint_ms rss_kib pss_kib idle_cpu_s_per_hour"
# (median paint; memory and idle CPU of the last run)
measure() {
  local bin=$1 paints=() rss=0 pss=0 idle=0
  for _ in $(seq "$runs"); do
    local out="$tmp/out.txt"; : > "$out"
    env DISPLAY="$display" DBUS_SESSION_BUS_ADDRESS="$dbus_addr" FIDELIA_MEASURE=1 FIDELIA_DB="$tmp/fidelia.sqlite3" \
        XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" "$bin" >"$out" 2>/dev/null &
    local pid=$!
    for _ in $(seq 200); do grep -q first-paint-ms "$out" && break; sleep 0.1; done
    paints+=("$(awk '/first-paint-ms/ {print $2; exit}' "$out")")
    sleep 5   # idle
    rss=0; pss=0
    for p in $(descendants "$pid"); do
      if [ -r "/proc/$p/smaps_rollup" ]; then
        rss=$(( rss + $(awk '/^Rss:/ {print $2}' "/proc/$p/smaps_rollup") ))
        pss=$(( pss + $(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup") ))
      fi
    done
    # Idle CPU: what the process tree uses in IDLE_S seconds of doing nothing (the scheduler
    # wakes every 30 s), scaled to an hour.
    local t0; t0=$(cpu_ticks "$pid"); sleep "$IDLE_S"; local t1; t1=$(cpu_ticks "$pid")
    idle=$(awk -v d=$(( t1 - t0 )) -v hz="$(getconf CLK_TCK)" -v s="$IDLE_S" 'BEGIN { printf "%.2f", d / hz * 3600 / s }')
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  done
  local median; median=$(printf '%s\n' "${paints[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $rss $pss $idle"
}

read -r m_paint m_rss m_pss m_idle < <(measure target/release/examples/minimal)
read -r f_paint f_rss f_pss f_idle < <(measure target/release/fidelia-app)
awk -v mp="$m_paint" -v mr="$m_rss" -v ms="$m_pss" -v fp="$f_paint" -v fr="$f_rss" -v fs="$f_pss" 'BEGIN {
  printf "%-22s %16s %14s %14s\n", "", "first paint (ms)", "idle RSS (MiB)", "idle PSS (MiB)"
  printf "%-22s %16d %14.0f %14.0f\n", "minimal Tauri window", mp, mr / 1024, ms / 1024
  printf "%-22s %16d %14.0f %14.0f\n", "Fidelia", fp, fr / 1024, fs / 1024
  printf "%-22s %16.2f %14.2f %14.2f\n", "ratio", fp / mp, fr / mr, fs / ms
}'
echo "idle CPU time per hour (process tree, measured over ${IDLE_S} s): minimal ${m_idle} s, Fidelia ${f_idle} s"

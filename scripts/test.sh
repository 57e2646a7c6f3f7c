#!/usr/bin/env bash
# Runs every test: unit/integration tests of the crates, then the end-to-end tests that drive the
# real window (own Xvfb, D-Bus and tauri-driver per test; no display needed).
# In CI (CI=true) a missing tool is a failure, never a skip. Exit status is non-zero if anything fails.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

is_ci() { case "${CI:-}" in true|1|yes|TRUE|True) return 0 ;; *) return 1 ;; esac; }

bash "$FIDELIA_ROOT/scripts/setup.sh"

# Tools the end-to-end tests need, with the package that provides each.
require_tools() {
  local missing=() entry tool pkg
  for entry in Xvfb:xvfb tauri-driver:"cargo install tauri-driver --version 2.1.0 --locked" \
               WebKitWebDriver:webkit2gtk-driver import:imagemagick pdftotext:poppler-utils \
               dbus-daemon:dbus dbus-run-session:dbus dbus-send:dbus pgrep:procps timeout:coreutils; do
    tool="${entry%%:*}"; pkg="${entry#*:}"
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool (from: $pkg)")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    printf '  missing: %s\n' "${missing[@]}" >&2
    return 1
  fi
}

FAILED=()
run_step() { # name, command...
  local name="$1"; shift
  say "$name"
  local rc=0
  "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then
    say "$name: ok"
  else
    printf '\033[1;31mFAILED:\033[0m %s (exit %s)\n' "$name" "$rc" >&2
    FAILED+=("$name")
  fi
  return "$rc"
}

# Process groups the E2E harness starts are listed here, so nothing outlives a killed test binary.
PIDFILE="$(mktemp "${TMPDIR:-/tmp}/fidelia-e2e-pgids.XXXXXX")"
export FIDELIA_E2E_PIDFILE="$PIDFILE"
# Whether process group $1 is still one the tests started (a group id can be reused by an
# unrelated process once the test's group is gone): its processes carry our pid file's path.
ours() {
  local pid
  for pid in $(pgrep -g "$1" 2>/dev/null); do
    tr '\0' '\n' 2>/dev/null < "/proc/$pid/environ" | grep -qxF "FIDELIA_E2E_PIDFILE=$PIDFILE" && return 0
  done
  return 1
}
cleanup() {
  local pg left=()
  if [ -s "$PIDFILE" ]; then
    while read -r pg; do
      [ -n "$pg" ] && ours "$pg" && { kill -TERM -- "-$pg" 2>/dev/null || true; left+=("$pg"); }
    done < "$PIDFILE"
    if [ "${#left[@]}" -gt 0 ]; then
      sleep 2
      for pg in "${left[@]}"; do ours "$pg" && kill -KILL -- "-$pg" 2>/dev/null || true; done
    fi
  fi
  rm -f "$PIDFILE"
  if [ -n "${FIDELIA_TEST_PG_DIR:-}" ]; then
    bash "$FIDELIA_ROOT/scripts/pg-cluster.sh" stop "$FIDELIA_TEST_PG_DIR" || true
  fi
}
trap cleanup EXIT

# A throwaway PostgreSQL cluster for the tests of the several-PCs mode (removed at the end).
if pg="$(bash "$FIDELIA_ROOT/scripts/pg-cluster.sh" start)"; then
  eval "$pg"
  export FIDELIA_TEST_PG FIDELIA_TEST_PG_DIR
  say "PostgreSQL test cluster: ${FIDELIA_TEST_PG_DIR}"
elif is_ci; then
  die "no PostgreSQL test cluster (see above); in CI this is a failure. Run scripts/setup.sh."
else
  warn "no PostgreSQL test cluster: THE SERVER TESTS ARE SKIPPED (run scripts/setup.sh)"
fi

E2E=yes
if ! require_tools; then
  if is_ci; then
    die "tools for the end-to-end tests are missing (see above); in CI this is a failure. Run scripts/setup.sh."
  fi
  warn "tools for the end-to-end tests are missing (see above): END-TO-END TESTS SKIPPED"
  E2E=no
fi

# Each cargo test run's output is kept, so the summary can name every failed test.
LOGDIR="$(mktemp -d "${TMPDIR:-/tmp}/fidelia-test-logs.XXXXXX")"
logged() { # log file, command...: runs the command, its output to the terminal and the file
  local log="$1"; shift
  "$@" 2>&1 | tee "$log"
  return "${PIPESTATUS[0]}"
}
# The failed tests in a cargo test log, each with its test binary, and the binaries that failed
# without a test to blame (a crash, a timeout).
failed_tests() {
  awk '/^ *Running /{bin=$0; sub(/^ *Running /,"",bin); d=bin; sub(/^.*\(/,"",d); sub(/\).*$/,"",d)
                     sub(/^.*\//,"",d); sub(/-[0-9a-f]+$/,"",d); sub(/ \(.*$/,"",bin); bin=bin " [" d "]"; pending=""}
       /^test /{pending=""}
       /^test .* \.\.\. *$/{pending=$0; sub(/^test /,"",pending); sub(/ \.\.\. *$/,"",pending)}
       / \.\.\. FAILED$/{t=$0; sub(/^test /,"",t); sub(/ \.\.\. FAILED$/,"",t); print "    " bin ": " t}
       /^error: test failed, to rerun pass/{print "    " $0}
       END{if (pending != "") print "    " bin ": " pending " (never finished: stopped by the time limit?)"}' "$1"
}

# --no-fail-fast: every test binary runs even after one fails, so one flake cannot hide the rest.
# A session bus for the crates' tests (the shell's tests may touch D-Bus).
run_step "unit and integration tests (cargo test --workspace --exclude fidelia-e2e)" \
  logged "$LOGDIR/unit.log" \
  timeout -k 30 1800 dbus-run-session -- cargo test --workspace --exclude fidelia-e2e --no-fail-fast || true

if [ "$E2E" = yes ]; then
  if run_step "build app and CLI (debug)" cargo build -p fidelia-app -p fidelia-cli; then
    # Every test starts its own Xvfb, D-Bus session and tauri-driver; run them one at a time.
    run_step "end-to-end tests (one at a time)" \
      logged "$LOGDIR/e2e.log" \
      timeout -k 30 2400 cargo test -p fidelia-e2e --no-fail-fast -- --test-threads=1 || true
  fi
fi

echo
if [ "${#FAILED[@]}" -gt 0 ]; then
  printf '\033[1;31mFAILED:\033[0m %s\n' "${FAILED[@]}" >&2
  for log in "$LOGDIR"/*.log; do
    [ -s "$log" ] || continue
    lines="$(failed_tests "$log")"
    [ -n "$lines" ] && printf '  failed in %s:\n%s\n' "$(basename "$log" .log)" "$lines" >&2
  done
  echo "Failed end-to-end tests keep their folders (logs, failure.png): ls -d ${TMPDIR:-/tmp}/fidelia-e2e-*" >&2
  exit 1
fi
rm -rf "$LOGDIR"
if [ "$E2E" = no ]; then
  warn "unit tests passed, but the END-TO-END TESTS WERE SKIPPED (missing tools)"
else
  say "all tests passed"
fi

#!/usr/bin/env bash
# Takes the documentation screenshots (docs/screenshots/main.png, client.png,
# visit-form-error.png) from a fresh demo clinic, under its own Xvfb. Builds no app: uses the
# newest of target/release/fidelia-app and target/debug/fidelia-app (build one first:
# cargo build -p fidelia-app).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APP=""
for candidate in "$TARGET_DIR/release/fidelia-app" "$TARGET_DIR/debug/fidelia-app"; do
  if [ -x "$candidate" ] && { [ -z "$APP" ] || [ "$candidate" -nt "$APP" ]; }; then
    APP="$candidate"
  fi
done
[ -n "$APP" ] || die "no app binary in $TARGET_DIR/{release,debug}: build it first with: cargo build -p fidelia-app"
say "using $APP"

PIDFILE="$(mktemp "${TMPDIR:-/tmp}/fidelia-e2e-pgids.XXXXXX")"
cleanup() {
  local pg
  while read -r pg; do [ -n "$pg" ] && kill -KILL -- "-$pg" 2>/dev/null || true; done < "$PIDFILE"
  rm -f "$PIDFILE"
}
trap cleanup EXIT

FIDELIA_APP_BIN="$APP" FIDELIA_E2E_PIDFILE="$PIDFILE" \
  timeout -k 30 600 cargo test -p fidelia-e2e --test screenshots -- --ignored --test-threads=1 --nocapture
say "screenshots in docs/screenshots/"

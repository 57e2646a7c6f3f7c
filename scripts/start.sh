#!/usr/bin/env bash
# Builds Fidelia (release) and opens it. The first start creates the demo clinic by itself.
# Usage: bash scripts/start.sh [app arguments...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"


bash "$FIDELIA_ROOT/scripts/setup.sh"

say "building (release; the first build takes a few minutes)"
cargo build --release -p fidelia-app -p fidelia-cli

APP="$TARGET_DIR/release/fidelia-app"
[ -x "$APP" ] || die "the build did not produce $APP"

# Installed and built first, so a headless machine is ready; the window itself needs a display.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  die "no graphical display: DISPLAY (or WAYLAND_DISPLAY) is not set, so the window cannot open.
       Run this from a desktop session, or on a headless machine try:
         Xvfb :99 -screen 0 1280x800x24 -nolisten tcp & DISPLAY=:99 bash scripts/start.sh
       (scripts/test.sh runs the tests without any display.)"
fi
say "starting $APP"
exec "$APP" "$@"

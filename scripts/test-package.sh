#!/usr/bin/env bash
# Tests the .deb as a clinic gets it: installs it with apt-get, checks that the files are where
# the desktop entry says, starts the installed app under Xvfb on a fresh data folder (its window
# opens on the demo clinic; a picture is kept in target/package-test/), runs the installed
# `fidelia info`, then removes the package and checks the clinic's database is still there.
#
# usage: bash scripts/test-package.sh [path/to/fidelia_*.deb]   (default: the newest built by
#        scripts/package.sh). Needs root, or sudo, for apt-get.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEB="${1:-$(ls -t "$TARGET_DIR"/release/bundle/deb/*.deb 2>/dev/null | head -n 1 || true)}"
[ -n "$DEB" ] && [ -f "$DEB" ] || die "no .deb: build it with bash scripts/package.sh"
DEB="$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
OUT="$TARGET_DIR/package-test"
rm -rf "$OUT" && mkdir -p "$OUT"

say "installing $DEB"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "$DEB" >"$OUT/apt-install.log" 2>&1 \
  || { cat "$OUT/apt-install.log" >&2; die "apt-get install failed"; }
PKG="$(dpkg-deb --field "$DEB" Package)"
dpkg -L "$PKG" >"$OUT/files.txt"

say "checking the installed files"
for f in /usr/bin/fidelia-app /usr/bin/fidelia; do
  grep -qx "$f" "$OUT/files.txt" || die "$f is not in the package"
  [ -x "$f" ] || die "$f is not executable"
done
DESKTOP="$(grep -E '^/usr/share/applications/.*\.desktop$' "$OUT/files.txt" | head -n 1)"
[ -n "$DESKTOP" ] || die "no desktop entry in the package"
EXEC="$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$DESKTOP" | head -n 1)"
ICON="$(sed -n 's/^Icon=//p' "$DESKTOP" | head -n 1)"
command -v "$EXEC" >/dev/null || die "the desktop entry runs $EXEC, which is not on PATH"
ls /usr/share/icons/hicolor/*/apps/"$ICON".png >/dev/null 2>&1 || die "no icon named $ICON"
grep -q '^Comment\[es\]=' "$DESKTOP" || die "no Spanish comment in $DESKTOP"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$DESKTOP"; fi
say "desktop entry $DESKTOP: Exec=$EXEC, Icon=$ICON ($(ls /usr/share/icons/hicolor/*/apps/"$ICON".png | wc -l) sizes)"
/usr/bin/fidelia --version

say "starting the installed app under Xvfb on a fresh data folder"
cargo build -p fidelia-e2e --tests >/dev/null 2>&1 || true
FIDELIA_APP_BIN=/usr/bin/fidelia-app FIDELIA_CLI_BIN=/usr/bin/fidelia \
  FIDELIA_PACKAGE_SHOT="$OUT/installed.png" \
  timeout -k 10 300 dbus-run-session -- cargo test -p fidelia-e2e --test package -- --ignored --test-threads=1
[ -s "$OUT/installed.png" ] || die "no picture of the installed app's window"

say "removing the package: the clinic's data stays"
DATA="$OUT/data"
XDG_DATA_HOME="$DATA" XDG_CONFIG_HOME="$OUT/config" /usr/bin/fidelia demo >/dev/null
DB="$(XDG_DATA_HOME="$DATA" /usr/bin/fidelia info | sed -n 's/^database: *//p')"
[ -f "$DB" ] || die "the installed CLI did not write $DB"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y "$PKG" >"$OUT/apt-remove.log" 2>&1
[ ! -e /usr/bin/fidelia-app ] || die "/usr/bin/fidelia-app is still there after removal"
[ -f "$DB" ] || die "removing the package deleted the clinic's database"
say "package test passed: installed, started, read, removed; the database stays at $DB"

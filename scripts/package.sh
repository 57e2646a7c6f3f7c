#!/usr/bin/env bash
# Builds Fidelia's Linux installer with Tauri's own bundler: a .deb (WebKitGTK 4.1 and the tray
# library declared as dependencies, the desktop entry in Spanish and English, the icons, and the
# `fidelia` command-line tool inside) in target/release/bundle/deb/.
#
# The Tauri CLI comes from npm (its prebuilt binary installs in seconds; the Rust crate takes
# minutes to compile) into .tools/, pinned to Tauri 2. AppImage is not built: its bundler
# downloads a tool from the internet at build time, which these machines cannot reach.
#
# usage: bash scripts/package.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$FIDELIA_ROOT/scripts/setup.sh"

TAURI_CLI_VERSION="2"
TOOLS="$FIDELIA_ROOT/.tools/tauri-cli"
TAURI="$TOOLS/node_modules/.bin/tauri"
if ! "$TAURI" --version >/dev/null 2>&1; then
  command -v npm >/dev/null || die "npm is needed for the Tauri CLI: apt-get install -y npm"
  say "installing the Tauri CLI $TAURI_CLI_VERSION from npm"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-save --no-audit --no-fund "@tauri-apps/cli@^$TAURI_CLI_VERSION"
fi
say "Tauri CLI: $("$TAURI" --version)"

say "building the command-line tool (release)"
cargo build --release -p fidelia-cli
say "building the app and its .deb (release; several minutes the first time)"
(cd "$FIDELIA_ROOT/src-tauri" && "$TAURI" build --bundles deb)

DEB="$(ls -t "$TARGET_DIR"/release/bundle/deb/*.deb | head -n 1)"
say "package: $DEB ($(du -h "$DEB" | cut -f1))"
dpkg-deb --info "$DEB" | sed -n 's/^ *\(Package\|Version\|Depends\|Installed-Size\):/  &/p'

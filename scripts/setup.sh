#!/usr/bin/env bash
# Installs what Fidelia needs to build, run and test (Debian/Ubuntu). Idempotent: installs only
# what is missing. Works as root, or with sudo. Rust (rustup/cargo) is a prerequisite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(
  build-essential pkg-config libwebkit2gtk-4.1-dev libayatana-appindicator3-dev  # build
  xvfb xauth webkit2gtk-driver dbus procps                                      # window tests
  imagemagick poppler-utils qpdf sqlite3                                        # screenshots, PDFs, data
  time python3-venv                                                             # benchmarks (peak RSS, ReportLab anchor)
  postgresql openssl libssl-dev                                                 # several PCs: the server (TLS), the tests' throwaway cluster
)
TAURI_DRIVER_VERSION=2.1.0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  SUDO=(__no_sudo__)
fi

# --- system packages --------------------------------------------------------------------------
installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }

if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  die "setup.sh knows Debian/Ubuntu (dpkg + apt-get) only. Install the equivalents of: ${PACKAGES[*]}"
fi

missing=()
for p in "${PACKAGES[@]}"; do
  installed "$p" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "${SUDO[*]:-}" = "__no_sudo__" ] && die "missing packages (${missing[*]}) and neither root nor sudo: install them yourself"
  say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  # --no-install-recommends keeps dbus-x11 out: with it every X display auto-launches a session
  # bus and accessibility daemons that outlive the app. Never install it.
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "system packages: all present"
fi
if installed dbus-x11; then
  warn "dbus-x11 is installed: X displays may auto-launch session buses that outlive the app (not needed by Fidelia)"
fi

# --- Rust -------------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
  cat >&2 <<'MSG'
error: cargo (Rust) is not installed; Fidelia needs Rust 1.90 or newer. Install it with rustup:

    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y
    source "$HOME/.cargo/env"

then run this script again.
MSG
  exit 1
fi
say "$(cargo --version)"

# --- tauri-driver (WebDriver bridge for the window tests) -------------------------------------
# tauri-driver 2.1.0 has no --version flag: `--help` (exit 0) tells it runs; cargo knows the version.
driver_runs() { command -v tauri-driver >/dev/null 2>&1 && tauri-driver --help >/dev/null 2>&1; }
if driver_runs; then
  say "tauri-driver: $(command -v tauri-driver) $(cargo install --list 2>/dev/null | sed -n 's/^tauri-driver \(v[^:]*\):.*/\1/p')"
else
  say "installing tauri-driver $TAURI_DRIVER_VERSION (about 30 s)"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked
  driver_runs || die "tauri-driver installed but does not run (is $CARGO_BIN on PATH?)"
fi
say "setup complete"

# Shared helpers for Fidelia's scripts (sourced, not run).

# Run from the repository root whatever the caller's folder.
FIDELIA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$FIDELIA_ROOT"

# cargo-installed tools (tauri-driver) live here.
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
  *":$CARGO_BIN:"*) ;;
  *) export PATH="$CARGO_BIN:$PATH" ;;
esac

TARGET_DIR="${CARGO_TARGET_DIR:-$FIDELIA_ROOT/target}"

say()  { printf '\033[1;36m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

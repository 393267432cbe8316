# Shared by the scripts in this folder: paths, logging and the tool locations setup provides.
# Sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Tools that take minutes to build are kept per version outside the checkout, so a fresh clone
# (CI, a second worktree) reuses them. Everything project-local stays in the checkout.
HATOBA_CACHE="${HATOBA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hatoba}"
NODE_BIN="$ROOT/node_modules/.bin"
WORKERD_BIN="$ROOT/node_modules/@cloudflare/workerd-linux-64/bin/workerd"
ESBUILD_BIN="$ROOT/node_modules/@esbuild/linux-x64/bin/esbuild"
TERSER_BIN="$ROOT/node_modules/.bin/terser"
WASM_OPT_BIN="$NODE_BIN/wasm-opt"
CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
DIST="$ROOT/dist"
WORKER_BUILD_DIR="$ROOT/worker/build"
CHECKS_BUILD_DIR="$ROOT/worker/checks/build"
WASM_TARGET=wasm32-unknown-unknown
export HATOBA_CACHE WORKERD_BIN ESBUILD_BIN TERSER_BIN WASM_OPT_BIN CHROMIUM_BIN

# Pinned versions of tools installed with cargo (wasm-bindgen's comes from Cargo.lock).
WORKER_BUILD_VERSION=0.8.7

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# as_root CMD...: run CMD as root (directly when we are root, else through sudo).
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# The wasm-bindgen version Cargo.lock resolved; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

wasm_bindgen_bin() { echo "$HATOBA_CACHE/tools/wasm-bindgen-cli-$(wasm_bindgen_version)/bin/wasm-bindgen"; }
worker_build_bin() { echo "$HATOBA_CACHE/tools/worker-build-$WORKER_BUILD_VERSION/bin/worker-build"; }

# The Python venv for tests/requirements.txt, one per distinct file so checkouts never clash.
venv_dir() { echo "$HATOBA_CACHE/venv-$(sha256sum "$ROOT/tests/requirements.txt" | cut -c1-16)"; }

# Load what setup decided about the wasm toolchain (rustup's prebuilt std, or Debian's with
# -Zbuild-std); sets WASM_BUILD_STD to the extra cargo arguments wasm builds need.
# It lives in the checkout, so two checkouts can use different routes.
WASM_ENV_FILE="$ROOT/target/hatoba/wasm-toolchain.env"
load_wasm_env() {
  local env_file="$WASM_ENV_FILE"
  [[ -f "$env_file" ]] || die "wasm toolchain not set up: run scripts/setup"
  # shellcheck disable=SC1090
  . "$env_file"
  export WASM_BINDGEN_BIN; WASM_BINDGEN_BIN="$(wasm_bindgen_bin)"
}

# Milliseconds since the epoch, and the seconds elapsed since such a time, e.g. "12.3".
now() { date +%s%3N; }
elapsed() { local ms=$(($(now) - $1)); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }

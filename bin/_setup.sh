# Shared by bin/run and bin/test: system packages (when missing and we are root) and the .venv.
# Sourced, not run. Works on a fresh Debian with Python 3.11 and nothing else prepared.

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT_DIR/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_install() {
  # apt_install PKG... — installs the Debian packages that are not installed yet.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
      say "Please install these Debian packages first: ${missing[*]}"; return 1; fi
  fi
  say "Installing Debian packages: ${missing[*]}"
  ${SUDO:-} apt-get update -qq
  DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pick_python() {
  # $PYTHON when set; else the distribution's interpreter, then the first one on PATH. Debian builds
  # /usr/bin/python3.X with PGO and LTO into one executable: a new lead costs about a fifth less CPU on it than on
  # a source build without --enable-optimizations (pyenv's default; bench/RESULTS.md, «Leads»).
  local candidate
  for candidate in ${PYTHON:-} /usr/bin/python3.11 /usr/bin/python3.12 /usr/bin/python3.13 /usr/bin/python3 \
      python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$candidate"; return 0
    fi
  done
  say "Python 3.11 or newer is required."; return 1
}

# Runtime libraries: WeasyPrint needs Pango; fonts with Cyrillic for PDFs.
RUNTIME_DEBS=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core gettext)

ensure_venv() {
  # ensure_venv EXTRAS — creates .venv and installs the project with the given extras (e.g. "dev,mysql").
  local extras="$1" py
  py="$(pick_python)"
  if ! "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt_install python3-venv
  fi
  local base
  base="$("$py" -c 'import os, sys; print(os.path.realpath(sys.executable))')"
  if [ -x "$VENV/bin/python" ] && ! grep -qxF "executable = $base" "$VENV/pyvenv.cfg" 2>/dev/null; then
    say "Recreating $VENV on $base"  # made by another interpreter: its compiled packages would not match
    rm -rf "$VENV"
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating $VENV"
    "$py" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(cat "$ROOT_DIR/pyproject.toml" | sha1sum | cut -c1-12)-${extras//,/_}"
  if [ ! -f "$stamp" ]; then
    say "Installing Python packages (.[${extras}])"
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install -q -e "$ROOT_DIR[${extras}]"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
}

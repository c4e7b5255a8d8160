#!/usr/bin/env bash
# What `make` needs before it can run: a virtual environment, a browser for the browser tests,
# Java for the Nu HTML checker. Each step says what it does; on a machine that has it all it
# prints one line per step and changes nothing.
#
#   bash tests/setup.sh venv VENV        create VENV and install requirements.txt into it
#   bash tests/setup.sh browser PYTHON   print the path of a usable Chromium (installs one if need be)
#   bash tests/setup.sh java             make sure `java` runs
#
# Progress goes to stderr; `browser` prints only the path on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "==> $*" >&2; }
fail() { echo "setup: $*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo when it needs no password.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  say "installing Debian packages: $* (apt-get, as root)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# pip's output without the "already satisfied" lines (pip's own exit status still counts).
quiet_satisfied() { grep -v '^Requirement already satisfied' >&2 || true; }

venv() {
  local venv=$1 python=$1/bin/python
  if [ ! -x "$python" ]; then
    say "creating the virtual environment $venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
      rm -rf "$venv"
      local version
      version=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      apt_install "python$version-venv" || fail "python3 cannot create a virtual environment.
  Run: sudo apt-get install -y python$version-venv    then run make again."
      python3 -m venv "$venv"
    fi
  fi
  say "installing the pinned dependencies from requirements.txt into $venv (first run: about a minute)"
  "$python" -m pip install --upgrade --progress-bar off --disable-pip-version-check pip \
    | quiet_satisfied
  "$python" -m pip install --progress-bar off --disable-pip-version-check -r requirements.txt \
    | quiet_satisfied
}

browser() {
  local python=$1 found=""
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium "$(command -v chromium || true)" \
                   "$(command -v chromium-browser || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then found=$candidate; break; fi
  done
  if [ -z "$found" ]; then
    say "no Chromium found (CHROMIUM_PATH, /usr/bin/chromium, chromium on PATH); trying Playwright's installer"
    if "$python" -m playwright install chromium >&2 2>&1; then
      found=$("$python" -c 'from playwright.sync_api import sync_playwright
with sync_playwright() as p: print(p.chromium.executable_path)')
    else
      say "Playwright's download failed; trying Debian's chromium package"
      if apt_install chromium; then found=/usr/bin/chromium; fi
    fi
  fi
  [ -n "$found" ] && [ -x "$found" ] || fail "no browser for the browser tests.
  Run: sudo apt-get install -y chromium    (or set CHROMIUM_PATH to a Chromium), then make test again."
  say "browser tests use $found"
  echo "$found"
}

need_java() {
  if command -v java >/dev/null 2>&1; then
    say "Nu HTML checker uses $(command -v java)"
    return
  fi
  say "no Java found for the Nu HTML checker"
  apt_install default-jre-headless || fail "no Java for the Nu HTML checker.
  Run: sudo apt-get install -y default-jre-headless    then make test again."
}

case "${1:-}" in
  venv) venv "${2:?usage: setup.sh venv VENV}" ;;
  browser) browser "${2:?usage: setup.sh browser PYTHON}" ;;
  java) need_java ;;
  *) fail "usage: setup.sh venv VENV | browser PYTHON | java" ;;
esac

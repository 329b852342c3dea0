#!/usr/bin/env bash
# Installs the Debian packages Kwartier needs, only those missing. Quiet when all are present.
#   scripts/setup-system.sh          build + run (ncursesw, libmodbus, libmosquitto, sqlite)
#   scripts/setup-system.sh test     also the test peers (socat, tmux, mosquitto, python venv) and systemd-analyze
set -euo pipefail
# libcurl4-openssl-dev: the static Foundation of the release build links libcurl (URLSession).
pkgs=(libncurses-dev libmodbus-dev libmosquitto-dev pkg-config libsqlite3-dev libcurl4-openssl-dev)
if [ "${1:-}" = "test" ]; then
  pkgs+=(socat tmux mosquitto)   # mosquitto: the broker the MQTT tests start on loopback
  command -v systemd-analyze >/dev/null 2>&1 || pkgs+=(systemd)   # verifies packaging/kwartier.service
  command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || pkgs+=(python3-venv)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "kwartier setup: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=sudo; else
    echo "kwartier setup: these packages are missing and I am not root: ${missing[*]}" >&2
    echo "  install them with:  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
else SUDO=""; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "kwartier setup: installed ${missing[*]}"

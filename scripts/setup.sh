#!/usr/bin/env bash
# Installs what Warden needs on Debian 12. `scripts/setup.sh` (for make run):
# PostgreSQL 15 with PostGIS 3 and GDAL's command-line tools (shapefile and
# GeoPackage import/export). `scripts/setup.sh test` (for make test) adds the
# real clients the tests drive: Chromium with a CJK font (browser tests, report
# PDFs), poppler-utils (pdftotext), QGIS's Python bindings (OAPIF client), and
# curl and jq, which the README's examples use (a test runs them), and the
# mosquitto MQTT broker (the live positions MQTT test starts one).
# As root it installs the missing packages with apt; as another user it prints
# the command to run. Go, Node 20 and npm must already be installed (README).
set -euo pipefail

packages=(postgresql-15 postgresql-15-postgis-3 gdal-bin)
if [ "${1:-}" = "test" ]; then
  packages+=(chromium fonts-noto-cjk poppler-utils python3-qgis qgis-providers curl jq mosquitto)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go is not on PATH; install Go 1.26 or later (https://go.dev/doc/install) and add it to PATH" >&2
  exit 1
fi

# The web pages are built with npm (make web); Debian 12's own nodejs is 18,
# so Node 20 comes from nodejs.org or NodeSource.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup: node and npm are not on PATH; install Node.js 20 or later with npm (https://nodejs.org/en/download)" >&2
  exit 1
fi
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "setup: Node.js $(node --version) is too old; install Node.js 20 or later (https://nodejs.org/en/download)" >&2
  exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing Debian packages: ${missing[*]}" >&2
  echo "setup: install them with:" >&2
  echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# The Debian package starts a system cluster on port 5432; Warden does not use
# it (it runs private clusters), so it is stopped to save memory.
if command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster 15 main stop 2>/dev/null || true
fi

#!/usr/bin/env bash
# Installs what Warden needs on Debian 12: PostgreSQL 15 with PostGIS 3 (the
# service's store and the tests' fixture) and GDAL's command-line tools. As
# root it installs the missing packages with apt; as another user it prints
# the command to run. Go must already be installed (see README).
set -euo pipefail

packages=(postgresql-15 postgresql-15-postgis-3 gdal-bin)

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

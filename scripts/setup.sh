#!/usr/bin/env bash
# Installs the system libraries rtcluster needs (idempotent; apt as root) and builds the release binary.
# Usage: scripts/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libopenmpi-dev openmpi-bin libhdf5-dev hdf5-tools libopenblas-dev libsqlite3-dev zlib1g-dev libdeflate-dev libssl-dev libopenjp2-7-dev libpng-dev dicom3tools chromium pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null || { $SUDO apt-get update -qq; $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi

if [ "${1:-}" != "--no-build" ]; then
  echo "setup: building release binary"
  if ! swift build -c release --product rtcluster > .build-release.log 2>&1; then
    grep -E 'error|warning: unable' .build-release.log | head -40 >&2
    echo "setup: release build failed (full log: .build-release.log)" >&2
    exit 1
  fi
  echo "setup: .build/release/rtcluster ready"
fi

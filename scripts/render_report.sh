#!/usr/bin/env bash
# Renders a result bundle's report.html in headless Chromium and saves a full-page screenshot.
# Usage: scripts/render_report.sh BUNDLE_DIR [OUT.png] [WIDTH] [HEIGHT]
set -euo pipefail
bundle=${1:?usage: scripts/render_report.sh BUNDLE_DIR [OUT.png] [WIDTH] [HEIGHT]}
out=${2:-$bundle/report-screenshot.png}
width=${3:-1400}
height=${4:-2600}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "render_report: chromium not found (apt install chromium)" >&2; exit 66; }
[ -f "$bundle/report.html" ] || { echo "render_report: $bundle/report.html not found" >&2; exit 66; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size="$width,$height" --screenshot="$(realpath -m "$out")" "file://$(realpath "$bundle/report.html")" >/dev/null 2>&1
[ -s "$out" ] || { echo "render_report: no screenshot written" >&2; exit 70; }
echo "$out"

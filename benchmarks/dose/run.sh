#!/bin/sh
# Release build of Core + Dose only (swiftc, -Ounchecked like the package's kernel targets) and the
# dose validation benchmark. Usage: benchmarks/dose/run.sh [historiesPerBeamlet] [outputDir] [small-field]
set -e
cd "$(dirname "$0")/../.."
H=${1:-20000}
OUT=${2:-/tmp/dose-bench}
mkdir -p "$OUT"
swiftc -Ounchecked -wmo -parse-as-library -module-name Core -I Sources/CMalloc -emit-module -emit-module-path "$OUT/Core.swiftmodule" \
    -emit-library -static -o "$OUT/libCore.a" Sources/Core/*.swift
swiftc -Ounchecked -wmo -parse-as-library -module-name Dose -I "$OUT" -I Sources/CMalloc -emit-module -emit-module-path "$OUT/Dose.swiftmodule" \
    -emit-library -static -o "$OUT/libDose.a" Sources/Dose/*.swift
swiftc -O -I "$OUT" -I Sources/CMalloc -L "$OUT" -lDose -lCore benchmarks/dose/main.swift -o "$OUT/dose-bench"
"$OUT/dose-bench" "$H" "$OUT" "$3"

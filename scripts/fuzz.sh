#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a short time
# (FUZZ_SECONDS, default 30) from the committed seed files. Used by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DJV_BUILD_FUZZ=ON -DJV_BUILD_TESTS=OFF \
  -DJV_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz --target csv_reader_fuzz xlsx_reader_fuzz -j2
work=$(mktemp -d /tmp/jadevault-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/csv" "$work/xlsx"
cp tests/data/ingest/*.xlsx "$work/xlsx/" 2>/dev/null || true
printf '姓名,手机,身份证号\n"a, b",138 1234 5678,11010519491231002X\n' >"$work/csv/seed.csv"
for t in csv xlsx; do
  echo "fuzz: ${t}_reader_fuzz for ${seconds}s"
  ./build-fuzz/${t}_reader_fuzz -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/$t" 2>"$work/$t.log" || {
      tail -50 "$work/$t.log"; echo "fuzz: ${t}_reader_fuzz found a crash" >&2; exit 1; }
  grep -E "stat::number_of_executed_units" "$work/$t.log" || true
done
echo "fuzz: no crashes"

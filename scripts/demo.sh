#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install what is needed, build, run the demo
# (`jadevault demo`) on an embedded SQLite vault in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --runtime
bash scripts/build.sh -DJV_BUILD_TESTS=OFF -DJV_BUILD_BENCH=OFF
dir=$(mktemp -d /tmp/jadevault-demo.XXXXXX)
echo "demo vault: $dir/vault"
exec ./build/jadevault --vault "$dir/vault" demo "$@"

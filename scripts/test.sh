#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install what is needed, build, start the
# servers the tests need, run every test (unit + integration) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --all
bash scripts/build.sh
# Short libFuzzer runs of the file readers (clang, ASan + UBSan); fails on any crash.
bash scripts/fuzz.sh
# playwright-core for the browser flows (tests/browser), from the npm registry, pinned by
# package-lock.json; it drives Debian's /usr/bin/chromium (no browser download).
(cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
# shellcheck source=scripts/test-services.sh
source scripts/test-services.sh
start_test_services
trap stop_test_services EXIT
# The PostgreSQL tests (store conformance on PostgreSQL, integration_pg) fail instead of
# skipping when the server above did not come up.
export JV_REQUIRE_PG=1
# The headless Chromium tests (test_report_render.py, the certificate in
# test_transfer_package.py) fail instead of skipping when the browser is missing.
export JV_REQUIRE_BROWSER=1
# The 1 GiB scrypt vector of RFC 7914 (slow) runs in CI too.
export JV_CRYPTO_SLOW_TESTS=1
# The SMTP test (test_transfer_notices.py) fails instead of skipping without the sink.
export JV_REQUIRE_SMTP=1
# Two at a time: the unit binary and one end-to-end file per ctest test (CMakeLists.txt).
ctest --test-dir build --output-on-failure --timeout 1500 -j2

#!/usr/bin/env bash
# Installs every Debian 12 package jadevault needs to build, run and test (SPEC §14).
# Usage: scripts/install-deps.sh [--runtime|--all]   (default --all: build + tests)
# Needs root (or sudo). Nothing is downloaded from outside Debian's archive and npm.
set -euo pipefail
mode=${1:---all}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

build_pkgs=(cmake ninja-build g++ clang libclang-rt-14-dev pkg-config
  libssl-dev libsqlite3-dev libpq-dev libcpp-httplib-dev nlohmann-json3-dev libcli11-dev
  libfmt-dev libicu-dev libzip-dev libexpat1-dev libxlsxwriter-dev libcurl4-openssl-dev
  libgfshare-dev libjemalloc-dev libgtest-dev libgmock-dev libbenchmark-dev)
# chromium renders the HTML reports in tests/integration/test_report_render.py (browser.py);
# fonts-noto-cjk gives it the Chinese glyphs (without it the screenshots show boxes).
# python3-xlsxwriter writes shared-strings workbooks, python3-openpyxl (Debian's 3.0) inline
# strings: the two XLSX layouts of issue 3, each from a tool other than ours.
test_pkgs=(postgresql sqlite3 age oathtool python3 python3-aiosmtpd python3-openpyxl
  python3-xlsxwriter openssl curl chromium fonts-noto-cjk)
# Node.js and npm run the Playwright flows (tests/browser); a machine that already has a
# newer Node.js keeps it.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then test_pkgs+=(nodejs npm); fi

pkgs=("${build_pkgs[@]}")
if [ "$mode" = "--all" ]; then pkgs+=("${test_pkgs[@]}"); fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

#!/usr/bin/env bash
# The one test command (README, CI): installs what the browser tests need when it is missing,
# type-checks and lints, then runs every test file with node's own test runner.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium, fonts-noto-cjk and poppler-utils for the browser and PDF tests…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null
  else
    echo "chromium, fonts-noto-cjk and poppler-utils are needed: sudo apt-get install -y chromium fonts-noto-cjk poppler-utils" >&2
    exit 1
  fi
fi

npx tsc --noEmit
npx biome check .
mapfile -t files < <(find test -name '*.test.ts' -o -name '*.test.tsx' | sort)
exec node --import tsx --test --test-concurrency=2 "${files[@]}"

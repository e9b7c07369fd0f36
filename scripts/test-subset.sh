#!/usr/bin/env bash
# One part of the test suite: `scripts/test-subset.sh unit|db|browser [--list]` (npm run test:unit, …).
# Every test file falls in exactly one part, decided by what it imports (the file itself, or a module
# under test/ that it imports, transitively; `import type` lines do not count):
#   browser  the helpers that launch Chromium (test/helpers/browser.ts) or the PDF renderer
#            (src/report/pdf.ts); these may use a database as well
#   db       otherwise: the database helpers (test/helpers/db.ts: backends, SERVER_URL), the database
#            client (src/db/client.ts), or node:child_process (the CLI tests, whose commands open one)
#   unit     everything else: no database, no browser
# `npm test` (scripts/test.sh) still runs all of them, after the type check.
set -euo pipefail
cd "$(dirname "$0")/.."

part=${1:-}
case "$part" in
  unit | db | browser) ;;
  *)
    echo "usage: scripts/test-subset.sh unit|db|browser [--list]" >&2
    exit 2
    ;;
esac

BROWSER="from '[^']*/(helpers/browser|src/report/pdf)\.ts'"
DB="from '[^']*/(helpers/db|src/db/client)\.ts'|from 'node:child_process'"

# Whether the file, or a module under test/ it imports (transitively), has a non-type import matching $2.
uses() {
  local pattern=$2 f spec target
  local -A seen=()
  local queue=("$1")
  while ((${#queue[@]})); do
    f=${queue[0]}
    queue=("${queue[@]:1}")
    [[ -n ${seen[$f]:-} ]] && continue
    seen[$f]=1
    if grep -E "$pattern" "$f" | grep -vqE '^\s*import\s+type\b'; then return 0; fi
    while read -r spec; do
      target=$(realpath -m --relative-to=. "$(dirname "$f")/$spec")
      [[ $target == test/* && -f $target ]] && queue+=("$target")
    done < <(grep -oE "from '\.[^']+'" "$f" | sed -E "s/^from '(.*)'$/\1/")
  done
  return 1
}

files=()
while read -r file; do
  if uses "$file" "$BROWSER"; then kind=browser
  elif uses "$file" "$DB"; then kind=db
  else kind=unit
  fi
  [[ $kind == "$part" ]] && files+=("$file")
done < <(find test \( -name '*.test.ts' -o -name '*.test.tsx' \) | sort)

if [[ ${2:-} == --list ]]; then
  printf '%s\n' "${files[@]}"
  exit 0
fi
if ((${#files[@]} == 0)); then
  echo "no $part tests" >&2
  exit 1
fi
# The renderer uses SHISAKU_CHROMIUM when set, else /usr/bin/chromium (src/report/pdf.ts).
if [[ $part == browser ]] && { [[ ! -x ${SHISAKU_CHROMIUM:-/usr/bin/chromium} ]] || ! command -v pdftotext >/dev/null 2>&1; }; then
  echo "chromium, fonts-noto-cjk and poppler-utils are needed (npm test installs them as root): sudo apt-get install -y chromium fonts-noto-cjk poppler-utils" >&2
  exit 1
fi
exec node --import tsx --test --test-concurrency=2 "${files[@]}"

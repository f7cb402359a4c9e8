#!/usr/bin/env bash
# Files a person can hold in their head (issue 10): fail, listing every offender, when a Python
# module outside migrations/, tests/ and bench/, or a JavaScript module under static/ (the
# vendored libraries in static/vendor excepted), is longer than MAX_LINES (400) lines.
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${MAX_LINES:-400}"

python_modules() {
  find . \( -path ./.venv -o -path ./node_modules -o -path ./migrations -o -path ./tests \
    -o -path ./bench -o -path ./static -o -path ./test-artifacts -o -path './.*' \) -prune \
    -o -type f -name '*.py' -print
}

js_modules() {
  find static \( -path static/vendor \) -prune -o -type f \( -name '*.js' -o -name '*.mjs' \) -print
}

over=$(
  { python_modules; js_modules; } | sed 's|^\./||' | sort | while IFS= read -r file; do
    lines=$(wc -l <"$file")
    if [ "$lines" -gt "$limit" ]; then
      printf '%6d  %s\n' "$lines" "$file"
    fi
  done
)

if [ -n "$over" ]; then
  count=$(printf '%s\n' "$over" | wc -l)
  echo "check-sizes: $count module(s) over $limit lines (split them by concern):"
  printf '%s\n' "$over"
  exit 1
fi
echo "check-sizes: every module has at most $limit lines"

#!/usr/bin/env bash
# A plain install must read every kind of input: build the wheel, install it into a fresh
# venv without dev extras, and from another directory brief HTML pages, a feed and a text
# file. Each run must exit 0 with every input used and nothing skipped, so a runtime
# dependency missing from pyproject.toml fails here instead of silently skipping pages.
# Reads the real pages in ../shared/ingest when it is there, else tests/fixtures/wheel.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "wheel check: building the wheel and installing it into a fresh venv (no dev extras)"
PYTHONWARNINGS=ignore "$python" -m pip wheel -qq --no-deps --wheel-dir "$work/dist" "$repo"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -qq "$work"/dist/briefing-*.whl

shared="$repo/../shared"
fixtures="$repo/tests/fixtures/wheel"
if [ -d "$shared/ingest/html" ] && [ -d "$shared/corpus" ]; then
  pages=("$shared"/ingest/html/*.html)
  gzipped=("$shared"/ingest/html/*.html.gz)
  # Globs, not `ls | head`: under pipefail, head closing the pipe early kills ls (exit 141).
  feeds=("$shared"/ingest/feeds/*.xml)
  texts=("$shared"/corpus/*/*.txt)
  feed="${feeds[0]}"
  text="${texts[0]}"
else
  pages=("$fixtures"/*.html)
  gzipped=()
  feed="$fixtures/harbour.rss.xml"
  text="$fixtures/harbour.txt"
fi
pages=("${pages[@]/*.expected.html/}")  # expected outputs, not inputs

# Brief ARGS... from an empty directory, offline; the JSON must list every source expected
# (at least MIN of them) and skip nothing.
brief() {
  local label="$1" min="$2"
  shift 2
  mkdir -p "$work/elsewhere"
  (cd "$work/elsewhere" && env -u PYTHONPATH BRIEFING_CACHE_DIR="$work/cache" \
    "$work/venv/bin/briefing" build "$@" --engine offline --format json -o "$work/out.json")
  "$work/venv/bin/python" - "$work/out.json" "$label" "$min" <<'PY'
import json, sys
briefing = json.load(open(sys.argv[1]))
label, least = sys.argv[2], int(sys.argv[3])
skipped = [f"{item['path']}: {item['reason']}" for item in briefing["skipped"]]
if skipped or len(briefing["sources"]) < least:
    sys.exit(f"wheel check: {label}: {len(briefing['sources'])} sources (want >= {least}); "
             f"skipped: {skipped}")
print(f"wheel check: {label}: {len(briefing['sources'])} sources, nothing skipped")
PY
}

count=0
for page in "${pages[@]}"; do [ -n "$page" ] && count=$((count + 1)); done
brief "HTML pages" "$count" $(printf '%s\n' "${pages[@]}" | sed '/^$/d')
if [ "${#gzipped[@]}" -gt 0 ]; then brief "gzipped HTML pages" "${#gzipped[@]}" "${gzipped[@]}"; fi
brief "a feed" 1 "$feed"
brief "a text file" 1 "$text"

# The templates ship in the wheel: the example renders as md, html and json from elsewhere.
for format in md html json; do
  (cd "$work/elsewhere" && env -u PYTHONPATH BRIEFING_CACHE_DIR="$work/cache" \
    "$work/venv/bin/briefing" build "$repo/examples/wonsan-2025-07" --engine offline -o "x.$format")
  [ -s "$work/elsewhere/x.$format" ] || { echo "wheel check: x.$format is empty"; exit 1; }
done
grep -q "^# " "$work/elsewhere/x.md" && grep -q "<html" "$work/elsewhere/x.html" \
  && "$work/venv/bin/python" -c "import json, sys; json.load(open(sys.argv[1]))" "$work/elsewhere/x.json" \
  || { echo "wheel check: the example did not render as md, html and json"; exit 1; }
echo "wheel check: the example renders as md, html and json from another directory"

# The public test helper ships too: the README's example test of briefing.testing passes with
# the plain install (no pytest there, so its test functions are called directly).
(cd "$work/elsewhere" && env -u PYTHONPATH "$work/venv/bin/python" - "$repo/README.md" <<'PY'
import sys, tempfile
from pathlib import Path
section = Path(sys.argv[1]).read_text(encoding="utf-8").split("## Testing code that uses briefing")[1]
namespace = {}
exec(section.split("```python\n", 1)[1].split("```", 1)[0], namespace)
tests = [test for name, test in namespace.items() if name.startswith("test_")]
for test in tests:
    with tempfile.TemporaryDirectory() as folder:
        test(Path(folder))
print(f"wheel check: briefing.testing's README example ({len(tests)} test) passes")
PY
)

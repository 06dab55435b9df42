#!/usr/bin/env bash
# Runs the README's worked example in jshell against the built lib and checks that it prints
# exactly the output the README shows, so the README can never drift from the library.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

command -v jshell >/dev/null || { echo "ERROR: jshell not found: install a JDK 17+ (Debian: openjdk-17-jdk-headless)" >&2; exit 1; }
[[ -f lib/target/dl-lib.jar ]] || { echo "ERROR: lib/target/dl-lib.jar missing: run 'mvn -B -q package -DskipTests' first" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The code sits between <!-- example:code --> and <!-- /example:code -->, the output likewise.
block() { awk -v start="<!-- example:$1 -->" -v end="<!-- /example:$1 -->" '
  $0 == start {on = 1; next} $0 == end {on = 0} on && !/^```/' README.md; }
block code > "$tmp/example.jsh"
block output > "$tmp/expected.txt"
[[ -s "$tmp/example.jsh" && -s "$tmp/expected.txt" ]] || { echo "ERROR: README.md lacks the example:code/example:output blocks" >&2; exit 1; }
echo "/exit" >> "$tmp/example.jsh"

cp="lib/target/dl-lib.jar:$(printf '%s:' lib/target/dependency/*.jar)"
# The library's one line saying which backend runs the tensors ("dl: backend ...", on standard output)
# depends on the machine (OpenCL present or not, SIMD or not), so it is shown but not compared.
jshell --class-path "$cp" -q "$tmp/example.jsh" < /dev/null > "$tmp/raw.txt" 2> "$tmp/stderr.txt" || true
grep -v '^dl: backend ' "$tmp/raw.txt" > "$tmp/actual.txt" || true
if diff -u "$tmp/expected.txt" "$tmp/actual.txt"; then
  echo "README example: output matches ($(wc -l < "$tmp/expected.txt") lines); the backend line said:"
  grep '^dl: backend ' "$tmp/raw.txt" | sed 's/^/    /' || echo "    (none)"
  [[ -s "$tmp/stderr.txt" ]] && { echo "standard error:"; sed 's/^/    /' "$tmp/stderr.txt"; }
  exit 0
else
  echo "standard error:" >&2
  cat "$tmp/stderr.txt" >&2
  echo "ERROR: the README example printed something else (diff above: - README, + actual)" >&2
  exit 1
fi

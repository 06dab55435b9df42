#!/usr/bin/env bash
# The graded exercises, as CI checks them (ci/test.sh runs this as its last step):
#   1. exercises/ is exactly what `ci/grader/make-exercises.sh` makes from solutions/
#   then on JDK 17 and on JDK 25 (each submission in the OS sandbox; `--java` picks the JDK):
#   2. every solution scores 100%
#   3. every untouched exercise scores 0, each test failing with "not implemented yet" (no grader error)
#   4. the broken submissions in ci/grader/fixtures/ get the scores listed in fixtures/expected.txt
#   5. the hostile ones in fixtures/attacks/ (points without the work, escapes, spoofed reports) and
#      the delegating ones in fixtures/shortcuts/ (the library's or a helper's answer, reflection) get
#      the scores in their expected*.txt: 0 for every delegated part
#   6. a batch folder with a FIFO and symlinks (to a solution, to /dev/zero) finishes, skipping them
#   and finally: solutions/ and exercises/ are byte for byte what they were; every JUnit report
#   parses as XML; the console output holds no escape or control character.
# Reports (JSON + JUnit XML, one per submission) go to target/grading/<jdk>/<set>/.
#   7. (only with DL_GRADE_NOTEBOOKS=1) every solution also runs top to bottom as a notebook on the
#      Java kernel (ci/run_notebooks.py), hidden tests included
# Env: DL_GRADE_JOBS (default 2) submissions graded at once; JDK17_HOME / JDK25_HOME.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JOBS="${DL_GRADE_JOBS:-2}"
OUT="$ROOT/target/grading"
FIX="$ROOT/ci/grader/fixtures"

step() { printf '\n==> %s\n' "$*"; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=ci/jdk.sh
source "$ROOT/ci/jdk.sh"  # find_jdk N

bash "$ROOT/ci/grader/build.sh"
GRADER=(java -jar "$ROOT/ci/grader/target/dl-grader.jar")
rm -rf "$OUT"
mkdir -p "$OUT"
t_all=$SECONDS
tree_hash() { find "$ROOT/solutions" "$ROOT/exercises" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum; }
before="$(tree_hash)"

step "exercises/ is generated from solutions/"
"${GRADER[@]}" release --check || die "exercises/ is out of date: run bash ci/grader/make-exercises.sh and commit the result"

# A batch folder no student could commit: a FIFO (reading it would block forever) and symlinks.
BATCH="$(mktemp -d)"
trap 'rm -rf "$BATCH"' EXIT
mkfifo "$BATCH/ex01-perceptron--fifo.ipynb"
ln -s "$ROOT/solutions/ex01-perceptron.ipynb" "$BATCH/ex01-perceptron--link-to-solution.ipynb"
ln -s /dev/zero "$BATCH/ex01-perceptron--link-to-dev-zero.ipynb"
cp "$FIX/attacks/ex01-perceptron--honest.ipynb" "$BATCH/"
cat > "$BATCH/expected.txt" <<'EXP'
ex01-perceptron--fifo.ipynb                0  skipped
ex01-perceptron--link-to-solution.ipynb    0  skipped
ex01-perceptron--link-to-dev-zero.ipynb    0  skipped
ex01-perceptron--honest.ipynb             10
EXP
SHORTCUTS_EXPECTED="$BATCH/shortcuts-expected.txt"
cat "$FIX"/shortcuts/expected*.txt > "$SHORTCUTS_EXPECTED" 2>/dev/null || : > "$SHORTCUTS_EXPECTED"

grade_all_on() {  # grade_all_on MAJOR JAVA
  local jdk="$1" java="$2" o="$OUT/jdk$1" t0
  local G=("${GRADER[@]}" grade --java "$java" --jobs "$JOBS")
  step "JDK $jdk ($java): solutions score 100%"
  t0=$SECONDS
  "${G[@]}" solutions --expect-percent 100 --json "$o/solutions" --junit "$o/solutions" | tee -a "$OUT/console.txt"
  echo "    ($((SECONDS - t0)) s)"
  step "JDK $jdk: untouched exercises score 0, every test failing cleanly"
  t0=$SECONDS
  "${G[@]}" exercises --expect-percent 0 --json "$o/exercises" --junit "$o/exercises" | tee -a "$OUT/console.txt"
  echo "    ($((SECONDS - t0)) s)"
  step "JDK $jdk: broken submissions (fixtures/) get the expected scores"
  t0=$SECONDS
  "${G[@]}" "$FIX" --exercise ex01-perceptron --cell-timeout 5 \
    --expect "$FIX/expected.txt" --json "$o/fixtures" --junit "$o/fixtures" | tee -a "$OUT/console.txt"
  echo "    ($((SECONDS - t0)) s)"
  step "JDK $jdk: hostile submissions (fixtures/attacks/) get nothing they did not earn"
  t0=$SECONDS
  "${G[@]}" "$FIX/attacks" --exercise ex01-perceptron --cell-timeout 5 \
    --expect "$FIX/attacks/expected.txt" --json "$o/attacks" --junit "$o/attacks" | tee -a "$OUT/console.txt"
  echo "    ($((SECONDS - t0)) s)"
  if compgen -G "$FIX/shortcuts/*.ipynb" >/dev/null; then
    step "JDK $jdk: delegating submissions (fixtures/shortcuts/) score 0 on what they delegated"
    t0=$SECONDS
    "${G[@]}" "$FIX/shortcuts" --expect "$SHORTCUTS_EXPECTED" \
      --json "$o/shortcuts" --junit "$o/shortcuts" | tee -a "$OUT/console.txt"
    echo "    ($((SECONDS - t0)) s)"
  fi
  step "JDK $jdk: a batch with a FIFO and symlinks finishes and skips them"
  "${G[@]}" "$BATCH" --expect "$BATCH/expected.txt" --json "$o/batch" | tee -a "$OUT/console.txt"
}

JDK17="$(find_jdk 17)" || die "no JDK 17 found (install openjdk-17-jdk or set JDK17_HOME)"
grade_all_on 17 "$JDK17/bin/java"
if JDK25="$(find_jdk 25)"; then
  grade_all_on 25 "$JDK25/bin/java"
elif [[ "${DL_REQUIRE_JDK25:-0}" == 1 ]]; then
  die "no JDK 25 found (set JDK25_HOME)"
else
  echo "    WARNING: no JDK 25 found: grading on JDK 25 SKIPPED"
fi

step "Nothing a submission did reached the repository; every report is well formed"
[[ "$(tree_hash)" == "$before" ]] || die "solutions/ or exercises/ changed during grading"
echo "    solutions/ and exercises/ unchanged (SHA-256 of every file)"
find "$OUT" -name '*.xml' -print0 | xargs -0 -r /usr/bin/python3 -c '
import sys, xml.etree.ElementTree as ET
for f in sys.argv[1:]: ET.parse(f)
print("    %d JUnit reports parse as XML" % (len(sys.argv) - 1))'
if LC_ALL=C grep -q -P '[\x00-\x08\x0b-\x1f\x7f]' "$OUT/console.txt"; then
  die "a control character reached the console output (see $OUT/console.txt)"
fi
echo "    the console output holds no control characters"

if [[ "${DL_GRADE_NOTEBOOKS:-0}" == 1 ]]; then
  step "Solutions as notebooks on the Java kernel"
  PYTHONNOUSERSITE=1 "${DL_PYTHON:-/usr/bin/python3}" "$ROOT/ci/run_notebooks.py" --check-clean \
    --out "$OUT/notebooks" "$ROOT"/solutions/*.ipynb
fi

step "Grading checks passed in $((SECONDS - t_all)) s; reports in target/grading/"

#!/usr/bin/env bash
# The graded exercises, as CI checks them (ci/test.sh runs this as its last step):
#   1. exercises/ is exactly what `ci/grader/make-exercises.sh` makes from solutions/
#   2. every solution scores 100%
#   3. every untouched exercise scores 0, each test failing with "not implemented yet" (no grader error)
#   4. the broken submissions in ci/grader/fixtures/ get the scores listed in fixtures/expected.txt
# Reports (JSON + JUnit XML, one per submission) go to target/grading/{solutions,exercises,fixtures}/.
#   5. (only with DL_GRADE_NOTEBOOKS=1) every solution also runs top to bottom as a notebook on the
#      Java kernel (ci/run_notebooks.py), hidden tests included: about 8 s per notebook
# Env: DL_GRADE_JOBS (default 2) submissions graded at once.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JOBS="${DL_GRADE_JOBS:-2}"
OUT="$ROOT/target/grading"

step() { printf '\n==> %s\n' "$*"; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

bash "$ROOT/ci/grader/build.sh"
GRADER=(java -jar "$ROOT/ci/grader/target/dl-grader.jar")
rm -rf "$OUT"
t_all=$SECONDS

step "exercises/ is generated from solutions/"
"${GRADER[@]}" release --check || die "exercises/ is out of date: run bash ci/grader/make-exercises.sh and commit the result"

step "Solutions score 100%"
t0=$SECONDS
"${GRADER[@]}" grade solutions --jobs "$JOBS" --expect-percent 100 \
  --json "$OUT/solutions" --junit "$OUT/solutions"
echo "    ($((SECONDS - t0)) s)"

step "Untouched exercises score 0, every test failing cleanly"
t0=$SECONDS
"${GRADER[@]}" grade exercises --jobs "$JOBS" --expect-percent 0 \
  --json "$OUT/exercises" --junit "$OUT/exercises"
echo "    ($((SECONDS - t0)) s)"

step "Broken submissions (ci/grader/fixtures/) get the expected scores"
t0=$SECONDS
"${GRADER[@]}" grade ci/grader/fixtures --exercise ex01-perceptron --jobs "$JOBS" --cell-timeout 5 \
  --expect ci/grader/fixtures/expected.txt --json "$OUT/fixtures" --junit "$OUT/fixtures"
echo "    ($((SECONDS - t0)) s)"

if [[ "${DL_GRADE_NOTEBOOKS:-0}" == 1 ]]; then
  step "Solutions as notebooks on the Java kernel"
  PYTHONNOUSERSITE=1 "${DL_PYTHON:-/usr/bin/python3}" "$ROOT/ci/run_notebooks.py" --check-clean \
    --out "$OUT/notebooks" "$ROOT"/solutions/*.ipynb
fi

step "Grading checks passed in $((SECONDS - t_all)) s; reports in target/grading/"

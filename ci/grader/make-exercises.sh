#!/usr/bin/env bash
# Writes exercises/*.ipynb from solutions/*.ipynb (solution regions become a stub, hidden tests and
# outputs are removed). With --check, only says whether exercises/ is up to date (CI runs that).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/ci/grader/build.sh"
exec java -jar "$ROOT/ci/grader/target/dl-grader.jar" release "$@"

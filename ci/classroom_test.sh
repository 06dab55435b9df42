#!/usr/bin/env bash
# A class on one machine, end to end (ci/classroom/test_classroom.py says what is checked): a hub, an
# instructor and three students made through its REST API, each student's exercise run in their own
# server and handed in, collected, graded in the sandbox, feedback returned; isolation between students
# checked through the hub and from their kernels. Needs root, ci/setup.sh and the jars
# (mvn -B -q package -DskipTests); leaves no user, process or file behind. About 2-3 minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1
unset PYTHONPATH PYTHONHOME
exec /usr/bin/python3 "$ROOT/ci/classroom/test_classroom.py" "$@"

#!/usr/bin/env bash
# Builds what the grader needs when it is missing or older than its sources: the library jar
# (lib/target/dl-lib-all.jar, which submissions run against) and the grader (ci/grader/target/dl-grader.jar).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
stale() {  # stale JAR DIR...: true when JAR is missing or a file under DIR is newer
  local jar="$1"; shift
  [[ ! -f "$jar" ]] && return 0
  [[ -n "$(find "$@" -newer "$jar" -type f -print -quit 2>/dev/null)" ]]
}
if stale lib/target/dl-lib-all.jar lib/src/main lib/pom.xml; then
  echo "building the library (mvn -B -q -pl lib -am package -DskipTests)"
  mvn -B -q -pl lib -am package -DskipTests
fi
if stale ci/grader/target/dl-grader.jar ci/grader/src/main ci/grader/pom.xml; then
  echo "building the grader (mvn -B -q -pl ci/grader package -DskipTests)"
  mvn -B -q -pl ci/grader package -DskipTests
fi

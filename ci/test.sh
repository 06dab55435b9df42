#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls exactly this):
#   1. ci/setup.sh                      packages, library jar, Java kernel, data sets
#   2. the course kernel answers its first request on each of 50 starts under load (ci/kernel/check_startup.py)
#   3. mvn -B install on JDK 17         build + all tests, then io.github.dlcourse:dl-lib with its sources and
#      javadoc jars into the local Maven repository; the jar the notebooks use. Then the Javadoc has no
#      warnings (ci/javadoc_check.sh), the README's example prints its output in jshell
#      (ci/readme_example.sh) and in a project outside the repository that uses the coordinates
#      (ci/consumer_check.sh); tables, confusion matrices and small tensors come out as HTML in JJava and
#      in the course kernel, which shows the Javadoc on shift-tab (ci/kernel/check_other_kernel.py)
#   4. lib unit tests again on JDK 25   (skipped with a warning when no JDK 25 is installed)
#   5. every notebook, fast mode        DL_FAST=1, each on a fresh kernel, outputs in target/test-notebooks/;
#      no notebook, exercise or solution uses a magic other than %jars and %maven
#   6. graded exercises                 ci/grade.sh: exercises/ up to date, solutions 100%, fixtures' scores
#   7. the classroom                    ci/classroom_test.sh: a class on JupyterHub, hand-in to gradebook
# Env: JDK17_HOME / JDK25_HOME to pick the JDKs; DL_REQUIRE_JDK25=1 makes a missing JDK 25 an error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PYTHONNOUSERSITE=1  # Debian's Jupyter only, not modules from ~/.local or pyenv
unset PYTHONPATH PYTHONHOME
PY="${DL_PYTHON:-/usr/bin/python3}"

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# shellcheck source=ci/jdk.sh
source "$ROOT/ci/jdk.sh"  # find_jdk N

declare -a timings=()
timed() {  # timed "label" command...: runs it and remembers how long it took
  local label="$1" t0=$SECONDS; shift
  "$@"
  timings+=("$(printf '%-28s %4d s' "$label" $((SECONDS - t0)))")
}

# The library is built (and tested) by mvn verify right after, so setup need not build it first.
timed "setup" env DL_SKIP_LIB_BUILD=1 bash "$ROOT/ci/setup.sh"

# First, while the machine is otherwise quiet: a student opening a notebook must never meet a kernel
# that lost its first request (the Notebook server then waits 60 s). One busy process adds load.
step "Course kernel start-up: 50 starts, first kernel_info_reply within 10 s each"
timed "kernel start-up (50)" "$PY" "$ROOT/ci/kernel/check_startup.py" -n 50 --load 1 --timeout 10 --quiet

step "Build, test and install on JDK 17: mvn -B install"
JDK17="$(find_jdk 17)" || die "no JDK 17 found: install package openjdk-17-jdk (or set JDK17_HOME)"
info "JAVA_HOME=$JDK17"
timed "mvn install (JDK 17)" env JAVA_HOME="$JDK17" DL_REQUIRE_OPENCL=1 mvn -B install

step "Javadoc without warnings (ci/javadoc_check.sh)"
timed "javadoc" env JAVA_HOME="$JDK17" PATH="$JDK17/bin:$PATH" bash "$ROOT/ci/javadoc_check.sh"

# JJava (through its own kernel library) and the course kernel show tables, confusion matrices and small
# tensors as HTML, and the course kernel shows the library's Javadoc on shift-tab; needs the jar just
# built (ci/kernel/check_other_kernel.py, about 30 s).
step "Rich display in JJava and the course kernel, Javadoc on shift-tab (ci/kernel/check_other_kernel.py)"
timed "display in two kernels" env PATH="$JDK17/bin:$PATH" "$PY" "$ROOT/ci/kernel/check_other_kernel.py"

# The benchmarks (ci/bench, built only with -Pbench: JMH and the mains behind ci/bench.sh) must keep
# compiling against the library, and their own tests pass (-Dtest keeps lib's tests, run above, out).
step "Benchmarks compile and pass their tests (mvn -Pbench -pl ci/bench -am test)"
timed "benchmarks" env JAVA_HOME="$JDK17" mvn -B -q -Pbench -pl ci/bench -am test \
  -Dtest='dl.bench.*Test' -Dsurefire.failIfNoSpecifiedTests=false

# The README's worked example must print what the README shows (only once the README has one).
if [[ -f "$ROOT/ci/readme_example.sh" ]] && grep -q '<!-- example:code -->' "$ROOT/README.md" 2>/dev/null; then
  step "README example (ci/readme_example.sh)"
  timed "README example" bash "$ROOT/ci/readme_example.sh"
  step "The library through its Maven coordinates (ci/consumer_check.sh)"
  timed "consumer project" env JAVA_HOME="$JDK17" PATH="$JDK17/bin:$PATH" bash "$ROOT/ci/consumer_check.sh"
fi

step "Library unit tests on JDK 25"
JAR="$ROOT/lib/target/dl-lib.jar"
if JDK25="$(find_jdk 25)"; then
  info "JAVA_HOME=$JDK25"
  # Same build directory, but nothing the kernel uses is rewritten: the test phase never repackages the
  # jar, and -Dmaven.main.skip keeps JDK 17's classes (tests are up to date after verify, so they are
  # not recompiled either). So this checks that the JDK 17 build runs on JDK 25, which is what students
  # on a newer JDK get. The checksum guard makes sure the jar stays JDK 17's if the pom ever changes.
  before="$(sha256sum "$JAR")"
  # The MAVEN_OPTS flag only quiets JDK 25's sun.misc.Unsafe warnings about Maven's own bundled Guava.
  timed "mvn test (JDK 25)" env JAVA_HOME="$JDK25" \
    MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -pl lib -am -Dmaven.main.skip=true test
  [[ "$(sha256sum "$JAR")" == "$before" ]] \
    || die "the JDK 25 test run rewrote $JAR (a plugin bound before 'test'?); the notebooks need the JDK 17 jar"
elif [[ "${DL_REQUIRE_JDK25:-0}" == 1 ]]; then
  die "no JDK 25 found (looked at \$JDK25_HOME, PATH, /usr/lib/jvm): install Temurin 25 or set JDK25_HOME"
else
  info "WARNING: no JDK 25 found (\$JDK25_HOME, PATH, /usr/lib/jvm): JDK 25 tests SKIPPED"
fi

step "Notebooks, fast mode (DL_FAST=1)"
# --check-clean: notebooks are committed without outputs; a saved output fails the run before executing.
timed "notebooks (fast)" env DL_FAST=1 "$PY" "$ROOT/ci/run_notebooks.py" --fast --check-clean \
  --out "$ROOT/target/test-notebooks"

step "Grader"
# ci/grade.sh checks the graded exercises (ci/grader/README.md); reports in target/grading/.
if [[ -f "$ROOT/ci/grade.sh" ]]; then
  timed "grader" bash "$ROOT/ci/grade.sh"
else
  info "no grader yet (ci/grade.sh): skipped"
fi

step "Classroom: a class on JupyterHub, end to end"
# ci/classroom_test.sh: hub, instructor + three students via the REST API, hand-in, collect, grade,
# feedback, isolation between students; removes everything it made (under a minute). It creates Unix
# users and makes the checkout root-only while it runs, so it needs root (CI runs as root).
if ((EUID == 0)); then
  timed "classroom" bash "$ROOT/ci/classroom_test.sh"
elif [[ "${CI:-}" == true ]]; then
  die "the classroom test needs root (it creates Unix users): run CI as root"
else
  info "WARNING: not root: classroom test SKIPPED (run it with: sudo bash ci/classroom_test.sh)"
fi

step "All tests passed"
printf '    %s\n' "${timings[@]}"

#!/usr/bin/env bash
# Prepares this machine for the course. Safe to re-run: every step checks first and skips what is done.
#   1. Debian packages: Jupyter (Notebook, nbconvert, nbclient, JupyterHub) and OpenCL (PoCL CPU driver, headers, clinfo)
#   2. Java 17+ and Maven present
#   3. the course library built: lib/target/dl-lib.jar + lib/target/dependency/*.jar
#   4. the Java Jupyter kernel (rapaio-jupyter-kernel) registered as kernelspec "java"; JJava's kernel
#      library in the local Maven repository (for ci/kernel/check_other_kernel.py)
#   5. the data sets, via ci/fetch-data.sh (when present)
# Runs as root, or as a normal user with sudo (used only for apt-get).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Debian's Jupyter must be used, not whatever python3 is first on PATH (e.g. pyenv); keep user
# site-packages and PYTHONPATH out so they cannot shadow Debian's modules.
export PYTHONNOUSERSITE=1
unset PYTHONPATH PYTHONHOME
PY="${DL_PYTHON:-/usr/bin/python3}"
JUPYTER="${DL_JUPYTER:-/usr/bin/jupyter}"

APT_PACKAGES=(
  jupyter-notebook jupyter-nbconvert jupyter-client python3-nbclient python3-ipykernel
  pocl-opencl-icd ocl-icd-opencl-dev clinfo
  bubblewrap  # the grader's OS sandbox (ci/grader); util-linux's prlimit and setpriv are always there
)

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
# Debian's Maven 3.8.7 prints stray ANSI resets ("\e[0m") even with -B -q; keep them out of logs.
mvnq() { mvn -B -q "$@" 2>&1 | sed -u 's/\x1b\[0m//g'; }

start=$SECONDS

if ((EUID == 0)) && [[ -n "${SUDO_USER:-}" ]]; then
  # Not fatal, but lib/target/ would become root-owned and the kernel would be registered for root.
  info "note: running as root via sudo; plain 'ci/setup.sh' works too (it calls sudo only for apt-get)"
fi

step "Debian packages"
if ! command -v dpkg-query >/dev/null 2>&1; then
  # Not Debian/Ubuntu: we cannot install anything, only check (see ci/README.md for macOS/Windows).
  [[ -x "$JUPYTER" ]] || die "not a Debian system and no Jupyter at $JUPYTER: install Jupyter (notebook, nbconvert, nbclient), then re-run with DL_JUPYTER=/path/to/jupyter DL_PYTHON=/path/to/python3"
  info "no dpkg here; using $JUPYTER"
else
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    # "install ok installed" only for a fully installed package (not removed/half-configured).
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" == "install ok installed" ]] || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    info "all ${#APT_PACKAGES[@]} packages already installed"
  else
    info "installing: ${missing[*]}"
    if ((EUID == 0)); then
      SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
      SUDO=(sudo)
    else
      die "need root to install packages: run as root, or install sudo, or run: apt-get install ${missing[*]}"
    fi
    # sudo resets the environment, so pass DEBIAN_FRONTEND through env.
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      || die "apt-get update failed (network or apt sources?)"
    # No recommends: they would add pandoc, LLVM dev packages, scipy, matplotlib... (about 70 more).
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
      || die "apt-get install failed for: ${missing[*]}"
  fi
fi
[[ -x "$PY" ]] || die "no Python at $PY: install package python3"
"$PY" -c 'import nbclient, nbformat, nbconvert, jupyter_client' 2>/dev/null \
  || die "Debian's Jupyter Python modules are not importable by $PY: install packages python3-nbclient jupyter-nbconvert jupyter-client"

step "Java and Maven"
command -v java  >/dev/null 2>&1 || die "java not found: install package openjdk-17-jdk (or put a JDK 17+ on PATH)"
command -v javac >/dev/null 2>&1 || die "javac not found (only a JRE?): install package openjdk-17-jdk"
command -v mvn   >/dev/null 2>&1 || die "mvn not found: install package maven"
# "javac 17.0.15" -> 17; "javac 1.8.0_x" -> 1 (too old either way).
javac_major="$(javac -version 2>&1 | awk '/^javac/{split($2, v, "."); print v[1]; exit}')"
[[ "$javac_major" =~ ^[0-9]+$ ]] && ((javac_major >= 17)) \
  || die "JDK 17 or newer needed, found '$(javac -version 2>&1)': install package openjdk-17-jdk"
info "javac $javac_major ($(command -v javac)), $(mvn -v 2>/dev/null | sed -n '1s/\x1b\[[0-9;]*m//gp')"

step "Course library (lib/target/dl-lib.jar)"
JAR="$ROOT/lib/target/dl-lib.jar"
# Rebuild only when a pom or a source file is newer than the jar (Maven alone takes ~10 s even when up to date).
newer=""
if [[ -f "$JAR" && -d "$ROOT/lib/target/dependency" ]]; then
  newer="$(find . \( -name target -o -name .git -o -name notebooks -o -name node_modules \) -prune -o \
             -type f \( -name pom.xml -o -path '*/src/*' \) -newer "$JAR" -print -quit)"
fi
if [[ "${DL_SKIP_LIB_BUILD:-0}" == 1 ]]; then
  info "skipped (DL_SKIP_LIB_BUILD=1: the caller builds it, e.g. ci/test.sh with mvn verify)"
elif [[ -f "$JAR" && -d "$ROOT/lib/target/dependency" && -z "$newer" ]]; then
  info "up to date"
else
  info "building with: mvn -B -q package -DskipTests${newer:+ (changed: $newer)}"
  mvnq package -DskipTests || die "library build failed (see Maven output above)"
  [[ -f "$JAR" ]] || die "build finished but $JAR is missing (lib/pom.xml finalName?)"
fi
if [[ -d "$ROOT/lib/target/dependency" ]]; then
  info "$(find "$ROOT/lib/target/dependency" -maxdepth 1 -name '*.jar' | wc -l) dependency jar(s) in lib/target/dependency/"
fi

step "Java Jupyter kernel"
bash "$ROOT/ci/kernel/install.sh"
# JJava's kernel library, for the display check in another kernel (ci/kernel/check_other_kernel.py);
# that check skips itself when Maven cannot fetch it, so a failure here is only a warning.
m2="$HOME/.m2/repository"
if [[ -f "$m2/org/dflib/jjava/jjava-jupyter/1.0-a6/jjava-jupyter-1.0-a6.jar" && -f "$m2/org/zeromq/jeromq/0.6.0/jeromq-0.6.0.jar" \
      && -f "$m2/org/slf4j/slf4j-nop/2.0.17/slf4j-nop-2.0.17.jar" ]] \
   || mvnq -f "$ROOT/ci/kernel/jjava/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.6.1:resolve; then
  info "JJava's kernel library (org.dflib.jjava:jjava-jupyter) in the local Maven repository"
else
  info "WARNING: Maven could not fetch org.dflib.jjava:jjava-jupyter: the JJava display check will be skipped"
fi

# Data sets the notebooks train on (ci/fetch-data.sh verifies what is there and fetches only what is
# missing, so this is cheap on a re-run).
if [[ -f "$ROOT/ci/fetch-data.sh" ]]; then
  step "Data sets (ci/fetch-data.sh all)"
  bash "$ROOT/ci/fetch-data.sh" all | sed -u 's/^/    /'
fi

step "Setup done in $((SECONDS - start)) s"

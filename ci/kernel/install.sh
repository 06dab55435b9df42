#!/usr/bin/env bash
# Registers rapaio-jupyter-kernel as the Jupyter kernelspec "java" for the current user, with the course
# library (lib/target/dl-lib.jar) and its dependencies (lib/target/dependency/*.jar) on the classpath at
# start-up. Idempotent: downloads the kernel jar once, rewrites kernel.json only when it would change.
# Called by ci/setup.sh; can be run alone once Jupyter and the JDK are installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PYTHONNOUSERSITE=1
unset PYTHONPATH PYTHONHOME
PY="${DL_PYTHON:-/usr/bin/python3}"
JUPYTER="${DL_JUPYTER:-/usr/bin/jupyter}"

# Pinned. 3.0.1 is the newest release on Maven Central; its classes are Java 17 bytecode (major 61), so it
# runs on the course JDK. Its jar is self-contained (all dependencies shaded in).
KERNEL_GROUP=io.github.padreati
KERNEL_ARTIFACT=rapaio-jupyter-kernel
KERNEL_VERSION=3.0.1
KERNEL_NAME=java
DISPLAY_NAME="Java (dl-course)"

info() { printf '    %s\n' "$*"; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

[[ -x "$JUPYTER" ]] || die "no Jupyter at $JUPYTER: install package jupyter-notebook (or run ci/setup.sh)"
command -v java >/dev/null 2>&1 || die "java not found: install package openjdk-17-jdk"
command -v mvn  >/dev/null 2>&1 || die "mvn not found: install package maven"

# User-level kernelspec dir (~/.local/share/jupyter/kernels/java, also for root): no sudo needed, and the
# kernel's own Maven cache for %dependency (mima_cache, next to its jar) stays writable.
KDIR="$("$JUPYTER" --data-dir)/kernels/$KERNEL_NAME"
KJAR="$KDIR/$KERNEL_ARTIFACT-$KERNEL_VERSION.jar"

# Bring-your-own kernel (IJava/JJava, see ci/README.md): DL_KERNEL=skip, or a 'java' kernelspec in this
# dir that we did not write. Never overwrite someone's kernel.
if [[ "${DL_KERNEL:-}" == skip ]]; then
  info "DL_KERNEL=skip: not installing; notebooks use your own kernelspec '$KERNEL_NAME'"
  exit 0
fi
if [[ -f "$KDIR/kernel.json" ]] && ! grep -q '"dl-course"' "$KDIR/kernel.json"; then
  info "a kernel '$KERNEL_NAME' not installed by this course is at $KDIR: leaving it alone, notebooks use it"
  info "(the notebooks' own '%jars ../lib/target/dl-lib-all.jar' line loads the library; give that kernel's JVM"
  info " --add-modules jdk.incubator.vector -Djava.awt.headless=true, see ci/README.md, 'Using IJava or JJava';"
  info " to use the course kernel instead: mv '$KDIR' '$KDIR.bak' and run ci/setup.sh again)"
  exit 0
fi
mkdir -p "$KDIR"

# Opening the zip's central directory catches a truncated download.
if [[ -s "$KJAR" ]] && "$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1])' "$KJAR" 2>/dev/null; then
  info "$KERNEL_ARTIFACT $KERNEL_VERSION already in $KDIR"
else
  info "fetching $KERNEL_GROUP:$KERNEL_ARTIFACT:$KERNEL_VERSION through Maven"
  # Run outside the project so the aggregator pom is not involved; the plugin version is pinned too.
  # (sed: Debian's Maven 3.8.7 prints stray ANSI resets even with -B -q.)
  (cd "$KDIR" && mvn -B -q \
      org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
      -Dartifact="$KERNEL_GROUP:$KERNEL_ARTIFACT:$KERNEL_VERSION:jar" \
      -DoutputDirectory="$KDIR" -Dmdep.overWriteReleases=true 2>&1 | sed -u 's/\x1b\[0m//g') \
    || die "could not download $KERNEL_ARTIFACT $KERNEL_VERSION from Maven Central (network? ~/.m2/settings.xml?)"
  [[ -s "$KJAR" ]] || die "Maven finished but $KJAR is missing"
fi
# Drop jars of other pinned versions left from earlier runs.
find "$KDIR" -maxdepth 1 -name "$KERNEL_ARTIFACT-*.jar" ! -name "$(basename "$KJAR")" -print -delete | sed 's/^/    removed old /'

# The kernel runs on the JDK that built the library (absolute path, so a different `java` on the Jupyter
# server's PATH does not matter). Re-run setup after switching JDKs.
JAVA_BIN="$(readlink -f "$(command -v java)")"
# 'openjdk version "17.0.15"' -> 17; '"1.8.0_x"' -> 1. The kernel jar is Java 17 bytecode.
java_major="$("$JAVA_BIN" -version 2>&1 | awk -F'"' '/version/{split($2, v, "."); print v[1]; exit}')"
[[ "$java_major" =~ ^[0-9]+$ ]] && ((java_major >= 17)) \
  || die "the java on PATH ($JAVA_BIN) is not Java 17+: install package openjdk-17-jdk or fix PATH"

# Fixes for the kernel's start-up races and for interrupt/shutdown (ci/kernel/patch: LoopThread.java,
# Channels.java, RapaioExecutionControl.java, see their Javadoc): our classes go in front of the kernel jar
# on the class path. Recompiled when a source, the kernel jar or the JDK changes (the stamp records all
# three). Each patched class must have the same non-private members as the kernel's own, checked with javap;
# when bumping KERNEL_VERSION, a failure here means the kernel's class changed: compare the patch with the
# new kernel's source before adjusting it.
PATCH_SRC="$ROOT/ci/kernel/patch"
PATCH_DIR="$KDIR/patch"
PATCH_STAMP="$PATCH_DIR/.built-with"
mapfile -t patch_sources < <(cd "$PATCH_SRC" && find . -name '*.java' | sed 's|^\./||' | LC_ALL=C sort)
patch_classes=("${patch_sources[@]%.java}")
stamp="$(printf '%s\n' "$JAVA_BIN" "$(basename "$KJAR")"; (cd "$PATCH_SRC" && sha256sum "${patch_sources[@]}"))"
patch_built=1
for c in "${patch_classes[@]}"; do [[ -f "$PATCH_DIR/$c.class" ]] || patch_built=0; done
if ((patch_built)) && [[ "$(cat "$PATCH_STAMP" 2>/dev/null)" == "$stamp" ]]; then
  info "kernel fixes (ci/kernel/patch) already compiled"
else
  info "compiling kernel fixes (ci/kernel/patch): ${patch_classes[*]##*/}"
  rm -rf "$PATCH_DIR"
  mkdir -p "$PATCH_DIR"
  (cd "$PATCH_SRC" && javac --release 17 -nowarn -cp "$KJAR" -d "$PATCH_DIR" "${patch_sources[@]}") \
    || die "could not compile ci/kernel/patch against $(basename "$KJAR") (javac)"
  JAVAP="$(dirname "$JAVA_BIN")/javap"
  api() { "$JAVAP" -cp "$1" "${2//\//.}" | grep -v -e '^ *private ' -e '^Compiled from'; }
  for c in "${patch_classes[@]}"; do
    theirs="$(api "$KJAR" "$c")" || die "javap found no $c in $(basename "$KJAR")"
    ours="$(api "$PATCH_DIR" "$c")" || die "javap found no $c in $PATCH_DIR"
    if [[ "$theirs" != "$ours" ]]; then
      rm -rf "$PATCH_DIR"
      die "ci/kernel/patch/$c.java no longer matches the class in $(basename "$KJAR") (javap members differ)"
    fi
  done
  echo "$stamp" > "$PATCH_STAMP"
fi

status="$(
  "$PY" - "$KDIR" "$KJAR" "$PATCH_DIR" "$JAVA_BIN" "$ROOT" "$DISPLAY_NAME" "$KERNEL_VERSION" <<'EOF'
import json, os, sys
kdir, kjar, patch, java, root, display, version = sys.argv[1:]
spec = {
    "argv": [
        java,
        # No window system needed for BufferedImage/Graphics2D/ImageIO (plots rendered to PNG), and no
        # libawt_xawt lookup when DISPLAY happens to be set (Debian's -headless JDK lacks it).
        "-Djava.awt.headless=true",
        # JDK 17 still defaults to the locale's charset; notebooks are UTF-8.
        "-Dfile.encoding=UTF-8",
        # The CPU backend's SIMD matrix product (dl.backend.cpu.SimdGemm) needs the Vector API module;
        # without it the library falls back to plain loops, about 2-3x slower to train a CNN.
        "--add-modules", "jdk.incubator.vector",
        # The throughput collector: G1 (the default) treats every array over half a region as a
        # humongous object, and a training step allocates dozens of activations of 1-3 MB; a ResNet-8
        # step ran 1.06x and a LeNet-5 step 1.11x faster with ParallelGC (ci/bench/README.md).
        "-XX:+UseParallelGC",
        # Shift-tab shows the course library's Javadoc: the patched RapaioExecutionControl hands these
        # sources to JShell, whose list of source folders is private to jdk.jshell.
        "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED",
        "-Ddl.kernel.sources=" + os.path.join(root, "lib", "src", "main", "java"),
        # Not -jar: the kernel fixes (ci/kernel/patch) must come before the kernel jar on the class path.
        "-cp", os.pathsep.join([patch, kjar]),
        "org.rapaio.jupyter.kernel.MainApp", "{connection_file}",
    ],
    "display_name": display,
    "language": "java",
    "interrupt_mode": "message",
    "env": {
        # ';'-separated, globs allowed; read once when the kernel starts (restart the kernel after a rebuild).
        "RJK_CLASSPATH": ";".join([
            os.path.join(root, "lib", "target", "dl-lib.jar"),
            os.path.join(root, "lib", "target", "dependency", "*.jar"),
        ]),
        "RJK_COMPILER_OPTIONS": "",
        "RJK_INIT_SCRIPT": "",
        "RJK_TIMEOUT_MILLIS": "-1",
        "RJK_MIMA_CACHE": "mima_cache",
    },
    "metadata": {"dl-course": {"kernel": "rapaio-jupyter-kernel " + version, "repo": root}},
}
# The JDK's signal-chaining library: PoCL (OpenCL on the CPU) and its LLVM install native signal handlers
# inside the kernel's JVM when notebook 14 compiles OpenCL kernels; libjsig keeps the JVM's own handlers
# first and chains to theirs (two runs on 2026-12-06 lost a JVM to a bare SIGSEGV with no hs_err file).
jsig = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(java))), "lib", "libjsig.so")
if os.path.isfile(jsig):
    spec["env"]["LD_PRELOAD"] = jsig
path = os.path.join(kdir, "kernel.json")
text = json.dumps(spec, indent=2) + "\n"
try:
    with open(path, encoding="utf-8") as f:
        old = f.read()
except FileNotFoundError:
    old = None
if old == text:
    print("unchanged")
else:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print("written")
EOF
)" || die "could not write $KDIR/kernel.json"
info "kernel.json $status: $KDIR/kernel.json"
info "kernel JVM: $JAVA_BIN"
info "classpath at start-up: $ROOT/lib/target/dl-lib.jar + $ROOT/lib/target/dependency/*.jar"

# Confirm Jupyter itself sees it (also catches a JUPYTER_PATH/JUPYTER_DATA_DIR mismatch).
"$JUPYTER" kernelspec list 2>/dev/null | awk -v k="$KERNEL_NAME" '$1 == k {found=1} END {exit !found}' \
  || die "kernelspec '$KERNEL_NAME' not listed by '$JUPYTER kernelspec list' although written to $KDIR"
info "'$JUPYTER kernelspec list' shows '$KERNEL_NAME'"

#!/usr/bin/env bash
# The library's Javadoc must build without warnings (doclint: every group but "missing").
# The one warning javadoc always prints, "using incubating module(s): jdk.incubator.vector", is allowed.
#   bash ci/javadoc_check.sh        (after the library was built: needs lib/target/dependency)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
cp="$(find "$ROOT/lib/target/dependency" -name '*.jar' | sort | tr '\n' :)"
[[ -n "$cp" ]] || { echo "ERROR: no lib/target/dependency/*.jar: build the library first (mvn package)" >&2; exit 1; }
# The kernels' jars (provided dependencies, for dl.viz.JupyterDisplay and dl.viz.JJavaDisplay), from the
# local Maven repository.
m2="${M2_REPO:-$HOME/.m2/repository}"
for kernel in io/github/padreati/rapaio-jupyter-kernel org/dflib/jjava/jjava-jupyter; do
  jar="$(find "$m2/$kernel" -name "${kernel##*/}-*.jar" ! -name '*-sources.jar' ! -name '*-javadoc.jar' 2>/dev/null | sort | tail -1)"
  [[ -n "$jar" ]] || { echo "ERROR: ${kernel##*/} not in the local Maven repository: run mvn -B package first" >&2; exit 1; }
  cp="$cp$jar:"
done
log="$out/javadoc.log"
javadoc -Xmaxwarns 10000 -quiet -Xdoclint:all,-missing --add-modules jdk.incubator.vector -d "$out/html" \
  -sourcepath "$ROOT/lib/src/main/java" -subpackages dl -cp "$cp" >"$log" 2>&1 || { cat "$log"; exit 1; }
problems="$(grep -E 'warning|error' "$log" | grep -v 'using incubating module' | grep -vE '^[0-9]+ warnings?$' || true)"
if [[ -n "$problems" ]]; then
  echo "ERROR: javadoc warnings (fix them; doclint all,-missing):"; cat "$log"; exit 1
fi
echo "    javadoc: no warnings ($(find "$out/html/dl" -name '*.html' | wc -l) pages)"

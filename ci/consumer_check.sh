#!/usr/bin/env bash
# Uses the library the way another project would: through io.github.dlcourse:dl-lib:0.2.0 in the
# local Maven repository (after `mvn install`). Builds ci/consumer/pom.xml in a temporary folder
# outside the repository with the README's worked example as its main class, runs it, and requires
# the README's output; also checks that the sources and javadoc jars were installed beside the jar.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -1)"
REPO="${M2_REPO:-$HOME/.m2/repository}"  # where mvn install put it (set M2_REPO for another local repository)
dir="$REPO/io/github/dlcourse/dl-lib/$VERSION"
for f in "dl-lib-$VERSION.jar" "dl-lib-$VERSION-sources.jar" "dl-lib-$VERSION-javadoc.jar" "dl-lib-$VERSION.pom"; do
  [[ -f "$dir/$f" ]] || { echo "ERROR: $dir/$f is missing: run 'mvn -B install' first" >&2; exit 1; }
done
grep -q "<version>$VERSION</version>" "$ROOT/ci/consumer/pom.xml" \
  || { echo "ERROR: ci/consumer/pom.xml does not depend on version $VERSION" >&2; exit 1; }
grep -q "^## $VERSION" "$ROOT/lib/CHANGELOG.md" \
  || { echo "ERROR: lib/CHANGELOG.md has no section '## $VERSION'" >&2; exit 1; }

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cp "$ROOT/ci/consumer/pom.xml" "$tmp/"
mkdir -p "$tmp/src/main/java"
block() { awk -v start="<!-- example:$1 -->" -v end="<!-- /example:$1 -->" '
  $0 == start {on = 1; next} $0 == end {on = 0} on && !/^```/' "$ROOT/README.md"; }
block output > "$tmp/expected.txt"
{ block code | grep '^import '
  echo 'public class Example {'
  echo '  public static void main(String[] args) {'
  block code | grep -v '^import ' | sed 's/^/    /'
  echo '  }'
  echo '}'; } > "$tmp/src/main/java/Example.java"
( cd "$tmp" && mvn -B -q -Dmaven.repo.local="$REPO" compile dependency:build-classpath -Dmdep.outputFile=cp.txt ) \
  || { echo "ERROR: the consumer project did not build against dl-lib:$VERSION" >&2; exit 1; }
# The JVM options the README gives for any kernel or project: the Vector API module and headless AWT.
java --add-modules jdk.incubator.vector -Djava.awt.headless=true \
  -cp "$tmp/target/classes:$(cat "$tmp/cp.txt")" Example > "$tmp/raw.txt" 2> "$tmp/stderr.txt" \
  || { cat "$tmp/stderr.txt" >&2; echo "ERROR: the consumer example failed" >&2; exit 1; }
grep -v '^dl: backend ' "$tmp/raw.txt" > "$tmp/actual.txt" || true
if ! diff -u "$tmp/expected.txt" "$tmp/actual.txt"; then
  echo "ERROR: the consumer project printed something else than the README (- README, + actual)" >&2; exit 1
fi
echo "    consumer project: io.github.dlcourse:dl-lib:$VERSION (with sources and javadoc jars) prints the README's output"

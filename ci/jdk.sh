# Sourced by ci/test.sh and ci/grade.sh: finds an installed JDK by its major version.
# find_jdk N prints the JAVA_HOME of a JDK N (candidates: $JDK<N>_HOME, the javac on PATH,
# /usr/lib/jvm/*), or fails.

# JAVA_HOME of a JDK whose javac reports major version $2, or nothing.
jdk_home_if_version() {
  local home="$1" want="$2" v
  [[ -x "$home/bin/javac" ]] || return 1
  v="$("$home/bin/javac" -version 2>&1 | awk '/^javac/{split($2, a, "."); print a[1]; exit}')"
  [[ "$v" == "$want" ]] && echo "$home"
}
find_jdk() {
  local want="$1" var="JDK$1_HOME" c
  local candidates=("${!var:-}")
  command -v javac >/dev/null 2>&1 && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  candidates+=(/usr/lib/jvm/*)
  for c in "${candidates[@]}"; do
    [[ -n "$c" ]] && jdk_home_if_version "$c" "$want" && return 0
  done
  return 1
}

#!/usr/bin/env bash
# Opens the course: sets the machine up (ci/setup.sh), then starts Jupyter Notebook on notebooks/.
#
#   ci/course.sh                 Jupyter Notebook on notebooks/ (no browser; open the URL it prints)
#   ci/course.sh --headless      instead run every notebook, in name order, each on a fresh kernel;
#                                executed copies + HTML go to target/course/
#   ci/course.sh [JUPYTER ARGS]  extra arguments go to Jupyter, e.g. --port=9999 or --ip=0.0.0.0
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PYTHONNOUSERSITE=1  # Debian's Jupyter only, not modules from ~/.local or pyenv
unset PYTHONPATH PYTHONHOME
PY="${DL_PYTHON:-/usr/bin/python3}"
JUPYTER="${DL_JUPYTER:-/usr/bin/jupyter}"

headless=0
jupyter_args=()
for a in "$@"; do
  case "$a" in
    --headless) headless=1 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) jupyter_args+=("$a") ;;
  esac
done

bash "$ROOT/ci/setup.sh"

if ((headless)); then
  printf '\n==> Running all notebooks headlessly (output: target/course/)\n'
  exec "$PY" "$ROOT/ci/run_notebooks.py" --out "$ROOT/target/course"
fi

printf '\n==> Starting Jupyter Notebook on notebooks/\n'
root_args=()
if ((EUID == 0)); then
  root_args=(--allow-root)  # Jupyter refuses to run as root without it (containers, VMs)
fi
cat <<EOF
    Pick the kernel "Java (dl-course)"; the course library is already on its classpath.
    After changing lib/ run ci/setup.sh again (it rebuilds the jar) and restart the kernel.
    Open the http://127.0.0.1:.../?token=... URL that Jupyter prints below. Stop with Ctrl+C (twice).
EOF
exec "$JUPYTER" notebook --no-browser --notebook-dir="$ROOT/notebooks" --ip=127.0.0.1 \
  "${root_args[@]}" "${jupyter_args[@]}"

#!/usr/bin/env bash
# The course served to a class from this machine: JupyterHub (Debian's jupyterhub 3.0 with
# configurable-http-proxy), one Unix user per student, the assignment cycle and a gradebook.
# Run as root. 'bash ci/classroom.sh --help' lists the commands; ci/classroom/README.md walks
# through a term. The class home (state, drop boxes, gradebook) is /srv/dlcourse or $DL_CLASS_HOME.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1
unset PYTHONPATH PYTHONHOME

is_setup=0
for a in "$@"; do [[ "$a" == setup ]] && is_setup=1; done
if ((is_setup)) && ! dpkg-query -W -f='${Status}' jupyterhub 2>/dev/null | grep -q "install ok installed"; then
  ((EUID == 0)) || { echo "ERROR: run as root: jupyterhub must be installed (apt-get install jupyterhub)" >&2; exit 1; }
  echo "==> installing Debian's jupyterhub (with configurable-http-proxy)"
  # NOTE: installed here, not by ci/setup.sh: Debian's package enables a hub for every local user,
  # which only a machine that serves a class should get (and which is disabled just below).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jupyterhub >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jupyterhub >/dev/null; } \
    || { echo "ERROR: apt-get install jupyterhub failed" >&2; exit 1; }
fi
if ((is_setup)) && [[ -d /run/systemd/system ]] \
    && systemctl is-enabled jupyterhub.service >/dev/null 2>&1; then
  # Debian's package enables its own hub (/etc/jupyterhub, any PAM user of the machine, port 8000).
  echo "==> disabling Debian's default jupyterhub.service (this classroom runs its own hub)"
  systemctl disable --now jupyterhub.service || true
fi
exec /usr/bin/python3 "$ROOT/ci/classroom/classroom.py" "$@"

#!/usr/bin/python3
"""Stops single-user servers nobody has used for a while: the one job of jupyterhub-idle-culler, which is
not packaged for Debian, with the standard library only.

Runs as a hub-managed service (ci/classroom/jupyterhub_config.py), which gives it JUPYTERHUB_API_URL and
JUPYTERHUB_API_TOKEN; its role allows listing users, reading activity and stopping servers, nothing else.
A server's last activity is what the hub knows: browser traffic through the proxy and the server's own
reports (kernels busy count as activity). --once checks a single time (tests, cron).
"""
import argparse
import datetime as dt
import json
import os
import sys
import time
import urllib.error
import urllib.request


def api(url, token, method="GET"):
    req = urllib.request.Request(url, method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        text = r.read().decode()
    return json.loads(text) if text.strip() else None


def parse_time(s):
    if not s:
        return None
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def cull_once(api_url, token, timeout_s, log=print):
    """Stops every server idle longer than timeout_s; returns the names of the users stopped."""
    now = dt.datetime.now(dt.timezone.utc)
    stopped = []
    for user in api(f"{api_url}/users?state=ready", token) or []:
        for server_name, server in (user.get("servers") or {}).items():
            if server.get("pending") or not server.get("ready"):
                continue
            last = parse_time(server.get("last_activity")) or parse_time(server.get("started"))
            idle = (now - last).total_seconds() if last else timeout_s + 1
            if idle <= timeout_s:
                continue
            path = f"/users/{user['name']}/servers/{server_name}" if server_name else f"/users/{user['name']}/server"
            log(f"idle-culler: stopping {user['name']}'s server{' ' + server_name if server_name else ''} "
                f"(idle {idle:.0f} s > {timeout_s} s)")
            try:
                api(api_url + path, token, method="DELETE")
                stopped.append(user["name"])
            except urllib.error.HTTPError as e:
                log(f"idle-culler: could not stop {user['name']}'s server: HTTP {e.code}")
    return stopped


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--timeout", type=int, default=3600, help="idle seconds before a server is stopped")
    p.add_argument("--every", type=int, default=300, help="seconds between checks")
    p.add_argument("--once", action="store_true", help="check once and exit")
    a = p.parse_args()
    api_url = os.environ.get("JUPYTERHUB_API_URL", "").rstrip("/")
    token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
    if not api_url or not token:
        sys.exit("idle-culler: JUPYTERHUB_API_URL and JUPYTERHUB_API_TOKEN must be set (the hub sets them)")
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    while True:
        try:
            cull_once(api_url, token, a.timeout, log)
        except (urllib.error.URLError, OSError, ValueError) as e:
            log(f"idle-culler: check failed ({e}); trying again in {a.every} s")
        if a.once:
            return
        time.sleep(a.every)


if __name__ == "__main__":
    main()

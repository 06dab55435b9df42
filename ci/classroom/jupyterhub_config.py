# JupyterHub 3 configuration for the course's classroom (ci/classroom.sh start runs the hub with it).
# Everything specific to one class comes from $DL_CLASS_HOME/classroom.json, written by
# 'ci/classroom.sh setup'; the hub's state (database, cookie secret, tokens) lives in $DL_CLASS_HOME/state.
import grp
import json
import os
import pwd
import subprocess
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub provides it)

HERE = Path(__file__).resolve().parent
HOME = Path(os.environ["DL_CLASS_HOME"])
STATE = HOME / "state"
SHARE = HOME / "share"
S = json.loads((HOME / "classroom.json").read_text())
CLASS_GROUP = S["prefix"] + "class"
INSTRUCTOR_GROUP = S["prefix"] + "instructors"
PY = "/usr/bin/python3"

# --- where it listens, where it keeps its state --------------------------------------------------------
# HTTP only: HTTPS belongs to a reverse proxy in front (nginx/Apache with certbot, ci/classroom/README.md), so the hub
# listens on 127.0.0.1 unless setup was given --ip.
c.JupyterHub.bind_url = f"http://{S['ip']}:{S['port']}{S['base_url']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = S["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{S['proxy_api_port']}"
c.ConfigurableHTTPProxy.auth_token = (STATE / "proxy-token").read_text().strip()
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
# Debian's configurable-http-proxy finds its modules through NODE_PATH (a node from elsewhere, like
# NodeSource's, does not look in /usr/share/nodejs); the hub passes its environment to the proxy.
os.environ["NODE_PATH"] = "/usr/share/nodejs"
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "cookie-secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every student's server
c.JupyterHub.cleanup_proxy = True

# --- who may log in ------------------------------------------------------------------------------------
# PAM (Unix passwords) by default; only members of the class's Unix group get in. Users created through the
# REST API ('ci/classroom.sh add-student') get a Unix account from our own command: a 0700 home under
# settings' homes, the class group, a drop box.
c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"
c.LocalAuthenticator.create_system_users = True
c.LocalAuthenticator.add_user_cmd = [PY, str(HERE / "classroom.py"), "--home", str(HOME), "add-system-user"]
c.Authenticator.allowed_groups = {CLASS_GROUP}

# --- roles: instructors and the tools' tokens ----------------------------------------------------------
c.JupyterHub.load_groups = {"students": [], "instructors": []}
c.JupyterHub.services = [
    # The token 'ci/classroom.sh' uses (root-only file in state/).
    {"name": "classroom-admin", "api_token": (STATE / "admin-token").read_text().strip()},
    # Stops servers nobody used for cull_idle_s (jupyterhub-idle-culler is not packaged for Debian;
    # ci/classroom/cull_idle.py does its one job with the standard library).
    {"name": "idle-culler",
     "command": [PY, str(HERE / "cull_idle.py"), f"--timeout={S['cull_idle_s']}", f"--every={S['cull_every_s']}"]},
]
c.JupyterHub.load_roles = [
    {"name": "classroom-admin", "services": ["classroom-admin"],
     "scopes": ["admin:users", "admin:servers", "admin:groups", "tokens", "access:servers", "read:hub"]},
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
    # Instructors see the class in the admin page, start and stop students' servers, and may open a
    # student's server to help. They cannot create users or read tokens (that is root's, via the script).
    {"name": "instructor", "groups": ["instructors"],
     "scopes": ["admin-ui", "list:users", "read:users", "read:groups", "list:groups",
                "admin:servers!group=students", "access:servers!group=students"]},
]

# --- the students' servers -----------------------------------------------------------------------------
# One Unix user per student, each server started under that uid by the local-process spawner.
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/tree"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# Hard per-student limits the spawner can give: rlimits (prlimit sets soft and hard, a student can only
# lower them). RLIMIT_NPROC counts all processes and threads of the student's uid, so it caps fork bombs
# across everything they run. LocalProcessSpawner cannot cap memory or CPU time share (mem_limit and
# cpu_limit are only passed on as MEM_LIMIT/CPU_LIMIT); that takes cgroups: SystemdSpawner, systemd-run
# --scope -p MemoryMax=... -p CPUQuota=..., or Kubernetes (ci/classroom/README.md).
c.Spawner.cmd = ["prlimit", f"--nproc={S['max_processes']}", f"--nofile={S['max_open_files']}",
                 f"--fsize={S['max_file_mb'] * 1024 * 1024}", "--core=0", "--",
                 "/usr/bin/jupyterhub-singleuser"]
c.Spawner.mem_limit = f"{S['heap_mb'] + 1024}M"  # advisory here (MEM_LIMIT env); the JVM gets -Xmx
c.Spawner.cpu_limit = float(S["cpus"])
c.Spawner.env_keep = ["LANG", "LC_ALL"]
c.Spawner.environment = {
    # The Debian notebook server (there is no jupyter_server/JupyterLab in Debian 12's Jupyter).
    "JUPYTERHUB_SINGLEUSER_APP": "notebook.notebookapp.NotebookApp",
    # The course kernel and dl-submit, for every student, from the class's world-readable copy.
    "JUPYTER_PATH": str(SHARE / "jupyter"),
    "PATH": f"{SHARE / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "PYTHONNOUSERSITE": "1",
}


def pre_spawn_hook(spawner):
    """Refuse anyone not in the class; give a member their copy of the course before the server starts."""
    name = spawner.user.name
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        raise RuntimeError(f"no Unix user {name}")
    if name not in grp.getgrnam(CLASS_GROUP).gr_mem or pw.pw_uid < 1000:
        raise RuntimeError(f"{name} is not a member of {CLASS_GROUP}: not starting a server for it")
    is_instructor = any(g.name == "instructors" for g in spawner.user.groups)
    cmd = [PY, "-B", "-c",
           "import sys; sys.path.insert(0, sys.argv[1]); import classroom as c; cr = c.Classroom(sys.argv[2]);"
           " c.ensure_dropbox(cr, sys.argv[3]); c.sync_instructor(cr, sys.argv[3], sys.argv[4] == '1');"
           " c.populate_home(cr, sys.argv[3])",
           str(HERE), str(HOME), name, "1" if is_instructor else "0"]
    subprocess.run(cmd, check=True, timeout=60)


c.Spawner.pre_spawn_hook = pre_spawn_hook

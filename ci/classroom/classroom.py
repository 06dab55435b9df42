#!/usr/bin/python3
"""The course served to a class on one machine: JupyterHub, the assignment cycle, the gradebook.

Run through ``bash ci/classroom.sh COMMAND`` (as root). Commands, in the order of a term:

  setup        make the class home (default /srv/dlcourse): course copy, kernel, hub config, secrets
  start/stop   the hub (JupyterHub 3 + configurable-http-proxy), in the background
  add-student / add-instructor NAME...   through the hub's REST API (creates the Unix user too)
  release EX   copy exercises/EX.ipynb (plus a submit cell) to every student, now and at first login
  collect EX   copy each student's latest submission out of the drop box, with its time stamp
  grade EX     grade what was collected with the grader in its OS sandbox; feedback + gradebook
  return EX    put each student's feedback into their ~/feedback/
  gradebook    write gradebook.csv (student x exercise) and gradebook-details.csv
  remove-user NAME...   stop, delete from the hub, delete the Unix user, home and drop box
  status       what is set up and running

Why separate Unix users with the local-process spawner (and not one account, or containers): a
notebook kernel runs whatever the student types, so the boundary between students has to be one the
operating system enforces. Each student's server and kernels run under their own uid in a 0700 home;
drop boxes are per-student directories owned by root and shared only with the student's own group.
No container runtime is needed, which this machine (and CI) does not have; on many machines the same
layout maps onto Kubernetes (ci/classroom/README.md, Kubernetes).

The student's side of the cycle is ``dl-submit`` (installed in the class home's bin/, on the students'
PATH): the released notebook ends with a ``%%bash`` cell running it.
"""

import argparse
import csv
import datetime as dt
import errno
import grp
import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PY = "/usr/bin/python3"
DEFAULT_HOME = "/srv/dlcourse"
NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}\Z")  # \Z: "$" would accept a trailing newline
EXERCISE_RE = re.compile(r"^ex[0-9]{2}-[a-z0-9-]+\Z")
# The cell release appends to every exercise, and collect removes again before grading (the grader would
# otherwise try to compile '%%bash').
SUBMIT_TAG = "dl-classroom-submit"
MAX_SUBMISSION_BYTES = 8 * 1024 * 1024


def die(msg):
    print(f"ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


def info(msg):
    print(f"    {msg}", flush=True)


def utc(ts):
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------------
# The class home and its settings


class Classroom:
    """Paths and settings of one class home (what `setup` wrote into classroom.json)."""

    def __init__(self, home):
        self.home = Path(home).resolve()
        self.settings_file = self.home / "classroom.json"
        self.state = self.home / "state"  # root only: database, cookie secret, tokens, logs
        self.share = self.home / "share"  # world-readable: course copy, kernel, dl-submit
        self.release = self.share / "release"
        self.exchange = self.home / "exchange"
        self.inbound = self.exchange / "inbound"  # one drop box per student
        self.instructor = self.home / "instructor"  # group instructors: collected, grades, gradebook
        self._settings = None

    @property
    def settings(self):
        if self._settings is None:
            if not self.settings_file.is_file():
                die(f"{self.settings_file} not found: run 'bash ci/classroom.sh setup' first")
            self._settings = json.loads(self.settings_file.read_text())
        return self._settings

    @property
    def class_group(self):
        return self.settings["prefix"] + "class"

    @property
    def instructor_group(self):
        return self.settings["prefix"] + "instructors"

    def homes(self):
        return Path(self.settings["homes"])

    def hub_url(self):
        s = self.settings
        return f"http://127.0.0.1:{s['port']}{s['base_url'].rstrip('/')}"

    def admin_token(self):
        return (self.state / "admin-token").read_text().strip()

    def api(self, method, path, body=None, token=None, ok=(200, 201, 202, 204)):
        """A call to the hub's REST API (/hub/api/PATH) with the admin token; returns parsed JSON."""
        url = f"{self.hub_url()}/hub/api{path}"
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Authorization", f"token {token or self.admin_token()}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                text = r.read().decode()
                status = r.status
        except urllib.error.HTTPError as e:
            text, status = e.read().decode(errors="replace"), e.code
        except urllib.error.URLError as e:
            die(f"hub API {method} {path}: the hub does not answer at {url} ({e.reason}): 'bash ci/classroom.sh start'")
        if status not in ok:
            die(f"hub API {method} {path}: HTTP {status}, expected {ok}: {text[:300]}")
        return json.loads(text) if text.strip() else None

    def members(self, group):
        try:
            return sorted(grp.getgrnam(group).gr_mem)
        except KeyError:
            return []

    def students(self):
        teachers = set(self.members(self.instructor_group))
        return [u for u in self.members(self.class_group) if u not in teachers]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def as_user(name, argv, stdin_bytes=None, cwd=None):
    """Runs argv as Unix user NAME (uid, primary group, no other groups), with HOME set.

    Everything written into a student's home is written this way: the home is the student's to shape
    (a symlink ~/feedback -> /etc would make root write into /etc), so root never writes there itself."""
    pw = pwd.getpwnam(name)
    env = {"HOME": pw.pw_dir, "USER": name, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    if argv and argv[0] == PY and "-I" not in argv:
        # NOTE: isolated mode: no ~/.local site-packages, no module from the student's home on the path,
        # so a student's files cannot run code (or hang) inside the instructor's release/return.
        argv = [PY, "-I", *argv[1:]]
    return subprocess.run(
        argv, input=stdin_bytes, cwd=cwd or pw.pw_dir, env=env, user=pw.pw_uid, group=pw.pw_gid,
        extra_groups=[], check=True, capture_output=True, timeout=300)


# ---------------------------------------------------------------------------------------------------
# setup


def copy_tree(src, dst):
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, symlinks=False)


def make_readable(path):
    """World-readable course material: directories 0755, files 0644, owned by root."""
    for dirpath, dirnames, filenames in os.walk(path):
        os.chown(dirpath, 0, 0)
        os.chmod(dirpath, 0o755)
        for f in filenames:
            p = os.path.join(dirpath, f)
            os.chown(p, 0, 0, follow_symlinks=False)
            if not os.path.islink(p):
                os.chmod(p, 0o644)


def ensure_group(name):
    try:
        grp.getgrnam(name)
    except KeyError:
        run(["groupadd", "--system", name])


def install_kernel(cr):
    """The course kernel for every student: a copy of the one ci/kernel/install.sh registered for root,
    with the class's own copy of the library on its class path and the per-student JVM limits."""
    root_data = subprocess.run(["/usr/bin/jupyter", "--data-dir"], capture_output=True, text=True,
                               check=True).stdout.strip()
    src = Path(root_data) / "kernels" / "java"
    spec_file = src / "kernel.json"
    if not spec_file.is_file() or "dl-course" not in spec_file.read_text():
        die(f"the course kernel is not installed at {src}: run 'bash ci/setup.sh' first")
    spec = json.loads(spec_file.read_text())
    dst = cr.share / "jupyter" / "kernels" / "java"
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    jars = sorted(src.glob("rapaio-jupyter-kernel-*.jar"))
    if not jars:
        die(f"no rapaio-jupyter-kernel jar in {src}: run 'bash ci/kernel/install.sh'")
    shutil.copy2(jars[-1], dst / jars[-1].name)
    shutil.copytree(src / "patch", dst / "patch")
    argv = spec["argv"]
    cp = argv.index("-cp") + 1
    argv[cp] = os.pathsep.join([str(dst / "patch"), str(dst / jars[-1].name)])
    s = cr.settings
    # NOTE: these two only shape the JVM (a heap ceiling, thread pools sized for a share of the CPUs). A
    # student can start another JVM without them; the hard limits are the rlimits on the whole server.
    argv[1:1] = [f"-Xmx{s['heap_mb']}m", f"-XX:ActiveProcessorCount={s['cpus']}"]
    # Shift-tab shows the library's Javadoc from its sources: the class's copy, not the instructor's
    # checkout (which students cannot read).
    argv[:] = [f"-Ddl.kernel.sources={cr.share / 'lib' / 'src' / 'main' / 'java'}"
               if a.startswith("-Ddl.kernel.sources=") else a for a in argv]
    spec["env"]["RJK_CLASSPATH"] = str(cr.share / "lib" / "target" / "dl-lib-all.jar")
    spec["display_name"] = "Java (dl-course)"
    spec["metadata"]["dl-course"]["repo"] = str(cr.share)
    (dst / "kernel.json").write_text(json.dumps(spec, indent=2) + "\n")


SUBMIT_SCRIPT = r'''#!/usr/bin/python3
"""dl-submit EXERCISE [NOTEBOOK]: hand in an exercise (the notebook as saved on disk).

Copies ~/exercises/EXERCISE.ipynb (or NOTEBOOK) into your drop box. Submitting again replaces the
earlier copy: the latest one is graded, and its time stamp is the time of that last submission.
dl-submit --status lists what you have handed in."""
import datetime as dt, json, os, pwd, sys, tempfile
INBOUND = @INBOUND@
MAX_BYTES = @MAX_BYTES@
def stamp(t): return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
def fail(msg): print("dl-submit: " + msg, file=sys.stderr); sys.exit(1)
user = pwd.getpwuid(os.getuid()).pw_name
box = os.path.join(INBOUND, user)
if not os.access(box, os.W_OK): fail(f"no drop box for {user} at {box}: ask your instructor")
args = sys.argv[1:]
if not args or args[0] in ("-h", "--help"): print(__doc__); sys.exit(0 if args else 2)
if args[0] == "--status":
    for f in sorted(os.listdir(box)):
        if f.endswith(".ipynb") and not f.startswith("."):
            st = os.stat(os.path.join(box, f))
            print(f"{f[:-6]:40s} submitted {stamp(st.st_ctime)}  ({st.st_size} bytes)")
    sys.exit(0)
name = args[0][:-6] if args[0].endswith(".ipynb") else args[0]
name = os.path.basename(name)
src = args[1] if len(args) > 1 else os.path.join(os.path.expanduser("~"), "exercises", name + ".ipynb")
try:
    with open(src, "rb") as f: data = f.read(MAX_BYTES + 1)
except OSError as e: fail(f"cannot read {src}: {e.strerror}")
if len(data) > MAX_BYTES: fail(f"{src} is larger than {MAX_BYTES} bytes: clear the outputs and save it again")
try: nb = json.loads(data)
except ValueError: fail(f"{src} is not a notebook (not JSON): save it from Jupyter and try again")
if not isinstance(nb, dict) or "cells" not in nb: fail(f"{src} is not a notebook (no cells)")
fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=box)
with os.fdopen(fd, "wb") as f: f.write(data); f.flush(); os.fsync(f.fileno())
os.chmod(tmp, 0o640)
os.replace(tmp, os.path.join(box, name + ".ipynb"))  # atomic: the grader never sees half a file
saved = os.stat(src).st_mtime
print(f"{name} submitted at {stamp(os.stat(os.path.join(box, name + '.ipynb')).st_ctime)} "
      f"({len(data)} bytes, as saved at {stamp(saved)}).")
print("Submitting again replaces it; the latest submission is the one graded.")
'''


def cmd_setup(cr, a):
    if os.geteuid() != 0:
        die("setup needs root (it creates Unix groups and root-owned directories)")
    for f in ["lib/target/dl-lib-all.jar", "ci/grader/target/dl-grader.jar"]:
        if not (REPO / f).is_file():
            die(f"{REPO / f} is missing: run 'mvn -B -q package -DskipTests' first")
    if not shutil.which("jupyterhub") or not shutil.which("configurable-http-proxy"):
        die("jupyterhub or configurable-http-proxy missing: apt-get install jupyterhub (ci/classroom.sh setup does)")
    old = json.loads(cr.settings_file.read_text()) if cr.settings_file.is_file() else {}
    settings = {
        "prefix": a.prefix or old.get("prefix", "dlc-"),
        "homes": str(Path(a.homes or old.get("homes", cr.home / "home")).resolve()),
        "ip": a.ip or old.get("ip", "127.0.0.1"),
        "port": a.port or old.get("port", 8000),
        "base_url": old.get("base_url", "/"),
        "hub_port": old.get("hub_port") or free_port(),
        "proxy_api_port": old.get("proxy_api_port") or free_port(),
        "cull_idle_s": a.cull_idle or old.get("cull_idle_s", 3600),
        "cull_every_s": old.get("cull_every_s", 300),
        "heap_mb": a.heap_mb or old.get("heap_mb", 2048),
        "cpus": a.cpus or old.get("cpus", 2),
        "max_processes": a.max_processes or old.get("max_processes", 1024),
        "max_open_files": old.get("max_open_files", 4096),
        "max_file_mb": old.get("max_file_mb", 2048),
        "repo": str(REPO),
    }
    print(f"==> class home {cr.home}")
    for d, mode in [(cr.home, 0o755), (cr.state, 0o700), (cr.share, 0o755), (cr.exchange, 0o711),
                    (cr.inbound, 0o711), (Path(settings["homes"]), 0o755)]:
        d.mkdir(parents=True, exist_ok=True)
        os.chown(d, 0, 0)
        os.chmod(d, mode)
    cr.settings_file.write_text(json.dumps(settings, indent=2) + "\n")
    os.chmod(cr.settings_file, 0o644)
    cr._settings = settings
    ensure_group(cr.class_group)
    ensure_group(cr.instructor_group)
    cr.instructor.mkdir(exist_ok=True)
    os.chown(cr.instructor, 0, grp.getgrnam(cr.instructor_group).gr_gid)
    os.chmod(cr.instructor, 0o2750)  # instructors read the gradebook and submissions; students nothing
    info(f"Unix groups {cr.class_group} (everyone in the class), {cr.instructor_group}")

    # Secrets: made once, kept across restarts (a new cookie secret would log everyone out).
    for name, nbytes in [("cookie-secret", 32), ("admin-token", 32), ("proxy-token", 32)]:
        p = cr.state / name
        if not p.exists():
            p.write_text(secrets.token_hex(nbytes) + "\n")
        os.chmod(p, 0o600)
    info(f"hub state (database, cookie secret, tokens, log) in {cr.state} (root only)")

    # What students may read: the notebooks, the released exercises, the library and data. Never
    # solutions/, the grader or its fixtures: those stay in the repository, which becomes root only.
    copy_tree(REPO / "notebooks", cr.share / "notebooks")
    copy_tree(REPO / "data", cr.share / "data")
    (cr.share / "lib" / "target").mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "lib/target/dl-lib-all.jar", cr.share / "lib/target/dl-lib-all.jar")
    copy_tree(REPO / "lib/src/main/java", cr.share / "lib/src/main/java")  # for Javadoc on shift-tab
    cr.release.mkdir(exist_ok=True)
    install_kernel(cr)
    (cr.share / "bin").mkdir(exist_ok=True)
    script = SUBMIT_SCRIPT.replace("@INBOUND@", repr(str(cr.inbound))).replace(
        "@MAX_BYTES@", str(MAX_SUBMISSION_BYTES))
    (cr.share / "bin" / "dl-submit").write_text(script)
    make_readable(cr.share)
    os.chmod(cr.share / "bin" / "dl-submit", 0o755)
    info(f"course copy for students in {cr.share}: notebooks, data, library, kernel 'java', dl-submit")

    mode = stat.S_IMODE(os.stat(REPO).st_mode)
    if mode & 0o077:
        os.chmod(REPO, 0o700)
        info(f"{REPO} was mode {mode:o}, now 0700: it holds solutions/ and hidden tests")
    info(f"hub on http://{settings['ip']}:{settings['port']}{settings['base_url']} "
         "(HTTP only: put a TLS reverse proxy in front, see ci/classroom/README.md)")
    info("next: bash ci/classroom.sh start")


# ---------------------------------------------------------------------------------------------------
# users


def cmd_add_system_user(cr, a):
    """Called by the hub (LocalAuthenticator.add_user_cmd) when the REST API creates a user."""
    name = a.name
    if not NAME_RE.match(name):
        die(f"user name '{name}' is not a plain lower-case Unix name ([a-z][a-z0-9_-]*, 32 characters at most)")
    home = cr.homes() / name
    run(["useradd", "--create-home", "--home-dir", str(home), "--user-group", "--groups",
         cr.class_group, "--shell", "/bin/bash", "--comment", "dl-course class member", name])
    os.chmod(home, 0o700)
    ensure_dropbox(cr, name)


def ensure_dropbox(cr, name):
    """inbound/NAME: root-owned, group = the student's own group, 0770 (the student writes and reads
    their own box; nobody else can even list it, and inbound/ itself is 0711, so names stay private)."""
    pw = pwd.getpwnam(name)
    box = cr.inbound / name
    box.mkdir(exist_ok=True)
    os.chown(box, 0, pw.pw_gid)
    os.chmod(box, 0o770)


def populate_home(cr, name):
    """The student's own copy of notebooks/ and the released exercises, written as the student, never
    overwriting their work; lib/ and data/ are links to the shared read-only copies."""
    script = r'''
import os, shutil, sys
share = sys.argv[1]
home = os.path.expanduser("~")
for link in ("lib", "data"):
    p = os.path.join(home, link)
    if not os.path.lexists(p): os.symlink(os.path.join(share, link), p)
for sub, src in (("notebooks", "notebooks"), ("exercises", "release"), ("feedback", None)):
    d = os.path.join(home, sub)
    os.makedirs(d, exist_ok=True)
    if src is None: continue
    for f in sorted(os.listdir(os.path.join(share, src))):
        if f.endswith(".ipynb") and not os.path.lexists(os.path.join(d, f)):
            shutil.copyfile(os.path.join(share, src, f), os.path.join(d, f))
'''
    as_user(name, [PY, "-c", script, str(cr.share)])


def sync_instructor(cr, name, is_instructor):
    """Unix side of the hub's 'instructors' group: the Unix group and a link to the instructor area."""
    members = cr.members(cr.instructor_group)
    if is_instructor and name not in members:
        run(["gpasswd", "-a", name, cr.instructor_group], capture_output=True)
    if not is_instructor and name in members:
        run(["gpasswd", "-d", name, cr.instructor_group], capture_output=True)
    if is_instructor:
        as_user(name, [PY, "-c", "import os,sys; p=os.path.expanduser('~/instructor');"
                       " os.path.lexists(p) or os.symlink(sys.argv[1], p)", str(cr.instructor)])


def add_users(cr, names, instructor):
    for n in names:
        if not NAME_RE.match(n):
            die(f"user name '{n}' is not a plain lower-case Unix name ([a-z][a-z0-9_-]*)")
    group = "instructors" if instructor else "students"
    for n in names:
        existing = cr.api("GET", f"/users/{n}", ok=(200, 404))
        if existing and existing.get("name") == n:
            info(f"{n}: already in the hub")
        else:
            cr.api("POST", f"/users/{n}", body={})  # the hub runs add-system-user for a new Unix user
            info(f"{n}: created (Unix user, home {cr.homes() / n}, drop box)")
        try:
            pw = pwd.getpwnam(n)
        except KeyError:
            die(f"the hub created {n} but there is no Unix user {n}: see {cr.state / 'hub.log'}")
        if n not in cr.members(cr.class_group):
            die(f"Unix user {n} exists but is not in group {cr.class_group}: it was not made by this "
                f"classroom; pick another name (add it with 'gpasswd -a {n} {cr.class_group}' only if you mean to)")
        ensure_dropbox(cr, n)
        cr.api("POST", f"/groups/{group}/users", body={"users": [n]})
        sync_instructor(cr, n, instructor)
        populate_home(cr, n)
        if a_password_needed(pw):
            info(f"{n}: no password yet; set one with 'passwd {n}' (or use another authenticator, ci/classroom/README.md)")


def a_password_needed(pw):
    # 'passwd -S NAME' prints "NAME P ..." for a usable password, "L" (locked) or "NP" (none) otherwise.
    r = subprocess.run(["passwd", "-S", pw.pw_name], capture_output=True, text=True)
    fields = r.stdout.split()
    return r.returncode == 0 and len(fields) > 1 and fields[1] != "P"


def cmd_add_student(cr, a):
    add_users(cr, a.names, instructor=False)


def cmd_add_instructor(cr, a):
    add_users(cr, a.names, instructor=True)


def kill_processes_of(uid):
    """SIGKILL to every process whose real uid is UID (a removed student's leftovers), by pid."""
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if d.stat().st_uid == uid:
                    os.kill(int(d.name), signal.SIGKILL)
            except OSError:
                pass


def cmd_remove_user(cr, a):
    for n in a.names:
        if not NAME_RE.match(n):
            die(f"bad user name '{n}'")
        if hub_running(cr):
            cr.api("DELETE", f"/users/{n}/server", ok=(202, 204, 400, 404))
            for _ in range(60):
                u = cr.api("GET", f"/users/{n}", ok=(200, 404))
                if not u or not u.get("servers"):
                    break
                time.sleep(0.5)
            cr.api("DELETE", f"/users/{n}", ok=(204, 404))
        try:
            pwd.getpwnam(n)
        except KeyError:
            info(f"{n}: no Unix user")
            continue
        if n not in cr.members(cr.class_group):
            die(f"{n} is not in {cr.class_group}: not removing a Unix user this classroom did not make")
        kill_processes_of(pwd.getpwnam(n).pw_uid)
        run(["userdel", "--remove", n], capture_output=True)
        shutil.rmtree(cr.inbound / n, ignore_errors=True)
        info(f"{n}: removed (hub user, Unix user, home, drop box)")


# ---------------------------------------------------------------------------------------------------
# the hub


def hub_pid(cr):
    try:
        pid = int((cr.state / "hub.pid").read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def hub_running(cr):
    return hub_pid(cr) is not None


def cmd_start(cr, a):
    if hub_running(cr):
        info(f"the hub is already running (pid {hub_pid(cr)})")
        return
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8",
           "DL_CLASS_HOME": str(cr.home), "PYTHONNOUSERSITE": "1"}
    log = open(cr.state / "hub.log", "ab")
    p = subprocess.Popen(
        ["/usr/bin/jupyterhub", "-f", str(HERE / "jupyterhub_config.py")],
        cwd=cr.state, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)  # its own process group: stop takes the proxy and servers with it
    (cr.state / "hub.pid").write_text(f"{p.pid}\n")
    deadline = time.time() + a.wait
    while time.time() < deadline:
        if p.poll() is not None:
            die(f"the hub exited with status {p.returncode}; last lines of {cr.state / 'hub.log'}:\n"
                + "\n".join((cr.state / "hub.log").read_text(errors="replace").splitlines()[-20:]))
        try:
            with urllib.request.urlopen(f"{cr.hub_url()}/hub/api/", timeout=2) as r:
                if r.status == 200:
                    info(f"hub up at {cr.hub_url()}/ (pid {p.pid}, log {cr.state / 'hub.log'})")
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    die(f"the hub did not answer within {a.wait} s (see {cr.state / 'hub.log'})")


def cmd_stop(cr, a):
    pid = hub_pid(cr)
    if pid is None:
        info("the hub is not running")
        return
    # SIGTERM: the hub stops every single-user server (cleanup_servers) and the proxy, then exits.
    os.kill(pid, signal.SIGTERM)
    for _ in range(a.wait * 10):
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.1)
    else:
        info(f"the hub did not stop within {a.wait} s: killing its process group")
    try:
        os.killpg(pid, signal.SIGKILL)  # anything left in the hub's group (proxy, culler)
    except OSError:
        pass
    (cr.state / "hub.pid").unlink(missing_ok=True)
    info("hub stopped")


def cmd_status(cr, a):
    s = cr.settings
    print(f"class home {cr.home}; hub {'running, pid %d' % hub_pid(cr) if hub_running(cr) else 'stopped'}")
    print(f"students: {' '.join(cr.students()) or '-'}")
    print(f"instructors: {' '.join(cr.members(cr.instructor_group)) or '-'}")
    print(f"released: {' '.join(sorted(p.stem for p in cr.release.glob('*.ipynb'))) or '-'}")
    print(f"limits per student: {s['max_processes']} processes, {s['max_open_files']} open files, "
          f"kernel heap {s['heap_mb']} MB, {s['cpus']} CPUs (JVM), idle servers stopped after {s['cull_idle_s']} s")


# ---------------------------------------------------------------------------------------------------
# the assignment cycle


def exercise_arg(name):
    name = name[:-6] if name.endswith(".ipynb") else name
    name = os.path.basename(name)
    if not EXERCISE_RE.match(name) or not (REPO / "exercises" / f"{name}.ipynb").is_file():
        have = " ".join(sorted(p.stem for p in (REPO / "exercises").glob("ex*.ipynb")))
        die(f"no exercise '{name}' in {REPO / 'exercises'} (have: {have})")
    return name


def cmd_release(cr, a):
    names = sorted(p.stem for p in (REPO / "exercises").glob("ex*.ipynb")) if a.exercise == ["all"] \
        else [exercise_arg(e) for e in a.exercise]
    for ex in names:
        nb = json.loads((REPO / "exercises" / f"{ex}.ipynb").read_text())
        nb["cells"].append({
            "cell_type": "markdown", "id": "submit-how", "metadata": {"tags": [SUBMIT_TAG]},
            "source": ["## Hand it in\n", "\n",
                       "Save the notebook first (Ctrl+S): what is on disk is what gets handed in. Then run the "
                       "cell below. You may submit as often as you like; the latest submission is graded.\n"]})
        nb["cells"].append({
            "cell_type": "code", "id": "submit", "execution_count": None, "outputs": [],
            "metadata": {"tags": [SUBMIT_TAG]}, "source": ["%%bash\n", f"dl-submit {ex}"]})
        out = cr.release / f"{ex}.ipynb"
        out.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        os.chmod(out, 0o644)
        info(f"released {ex}")
    for s in cr.members(cr.class_group):
        populate_home(cr, s)  # adds what is new, never overwrites a student's copy
    info(f"copied into the ~/exercises/ of {len(cr.members(cr.class_group))} class member(s); "
         "later students get it at their first login")


def read_submission(cr, student, ex):
    """The bytes of inbound/STUDENT/EX.ipynb, refusing anything but a regular file the student owns
    (a symlink to another student's box or to solutions/ must not be collected as theirs)."""
    path = cr.inbound / student / f"{ex}.ipynb"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None, None, "missing"
    except OSError as e:  # O_NOFOLLOW on a symlink fails with ELOOP
        return None, None, "refused (a symbolic link)" if e.errno == errno.ELOOP else f"refused ({e.strerror})"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, None, "refused (not a regular file)"
        if st.st_uid != pwd.getpwnam(student).pw_uid or st.st_nlink != 1:
            return None, None, "refused (not a file the student wrote)"
        if st.st_size > MAX_SUBMISSION_BYTES:
            return None, None, f"refused (larger than {MAX_SUBMISSION_BYTES} bytes)"
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_SUBMISSION_BYTES + 1)
    finally:
        os.close(fd)
    # ctime, not mtime: a student can set mtime to any date (touch -d), but not ctime, which the kernel
    # sets to 'now' on every change; so a late submission cannot be back-dated.
    return data, st.st_ctime, "submitted"


def cmd_collect(cr, a):
    ex = exercise_arg(a.exercise)
    deadline = None
    if a.deadline:
        try:
            deadline = dt.datetime.fromisoformat(a.deadline.replace("Z", "+00:00"))
        except ValueError:
            die(f"--deadline '{a.deadline}': expected ISO 8601, e.g. 2026-12-06T18:00:00+00:00")
        if deadline.tzinfo is None:
            deadline = deadline.astimezone()  # local time of this machine
    out = cr.instructor / "collected" / ex
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rows = []
    for s in cr.students():
        data, when, status = read_submission(cr, s, ex)
        row = {"student": s, "exercise": ex, "status": status, "submitted_at": "", "late": "", "sha256": ""}
        if data is not None:
            try:
                nb = json.loads(data)
                nb["cells"] = [c for c in nb["cells"] if SUBMIT_TAG not in c.get("metadata", {}).get("tags", [])]
                data = (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode()
            except (ValueError, KeyError, TypeError, AttributeError):
                row["status"] = "submitted (not a notebook)"
            (out / f"{ex}--{s}.ipynb").write_bytes(data)
            row["submitted_at"] = utc(when)
            row["late"] = "" if deadline is None else ("yes" if when > deadline.timestamp() else "no")
            row["sha256"] = hashlib.sha256(data).hexdigest()
        rows.append(row)
    with open(out / "manifest.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["student"])
        w.writeheader()
        w.writerows(rows)
    fix_instructor_modes(cr)
    got = sum(1 for r in rows if r["submitted_at"])
    late = sum(1 for r in rows if r["late"] == "yes")
    info(f"collected {ex}: {got} of {len(rows)} students submitted"
         + (f", {late} late (deadline {deadline.isoformat()})" if deadline else "") + f"; in {out}")
    for r in rows:
        info(f"  {r['student']:24s} {r['status']:12s} {r['submitted_at']} {'LATE' if r['late'] == 'yes' else ''}")


def fix_instructor_modes(cr):
    gid = grp.getgrnam(cr.instructor_group).gr_gid
    for dirpath, dirnames, filenames in os.walk(cr.instructor):
        os.chown(dirpath, 0, gid)
        os.chmod(dirpath, 0o2750)
        for f in filenames:
            p = os.path.join(dirpath, f)
            os.chown(p, 0, gid, follow_symlinks=False)
            os.chmod(p, 0o640)


def feedback_text(ex, student, report, manifest_row):
    """What the student gets back: score, each test's verdict and message, problems. Only the grader's
    messages (written for students), never the hidden tests' code or the solutions."""
    lines = [f"# Feedback: {ex}", "", f"Student: {student}  "]
    if manifest_row and manifest_row.get("submitted_at"):
        late = " (after the deadline)" if manifest_row.get("late") == "yes" else ""
        lines.append(f"Submitted: {manifest_row['submitted_at']}{late}  ")
    lines.append(f"Graded: {utc(time.time())}  ")
    lines.append(f"Score: **{fmt(report.get('score'))}/{fmt(report.get('max_score'))} points "
                 f"({fmt(report.get('percent'))}%)**  ")
    if report.get("status") != "graded":
        lines.append(f"Status: {report.get('status')}")
    lines += ["", "| test | result | points | message |", "|---|---|---|---|"]
    for t in report.get("tests", []):
        msg = (t.get("message") or "").replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {t.get('name')} | {'pass' if t.get('passed') else 'FAIL'} | "
                     f"{fmt(t.get('points'))}/{fmt(t.get('max_points'))} | {msg} |")
    problems = [p if isinstance(p, str) else json.dumps(p) for p in report.get("problems") or []]
    problems += [f"your cell {c.get('cell')} ({c.get('id')}): {c.get('message')}"
                 for c in report.get("cells", []) if c.get("status") not in (None, "ok") and c.get("message")]
    if problems:
        lines += ["", "Problems found in your notebook:", ""] + [f"- {p}" for p in problems]
    return "\n".join(lines) + "\n"


def fmt(x):
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return "?" if x is None else str(x)


def manifest(cr, ex):
    p = cr.instructor / "collected" / ex / "manifest.csv"
    if not p.is_file():
        return {}
    with open(p, newline="") as f:
        return {r["student"]: r for r in csv.DictReader(f)}


def cmd_grade(cr, a):
    ex = exercise_arg(a.exercise)
    src = cr.instructor / "collected" / ex
    if not src.is_dir():
        die(f"nothing collected for {ex}: run 'bash ci/classroom.sh collect {ex}' first")
    subs = sorted(src.glob(f"{ex}--*.ipynb"))
    grades = cr.instructor / "grades" / ex
    if grades.exists():
        shutil.rmtree(grades)
    grades.mkdir(parents=True)
    if subs:
        cmd = ["java", "-jar", str(REPO / "ci/grader/target/dl-grader.jar"), "grade", str(src),
               "--exercise", ex, "--json", str(grades), "--jobs", str(a.jobs)]
        info("grading in the OS sandbox: " + " ".join(cmd))
        r = subprocess.run(cmd, cwd=REPO)
        if r.returncode not in (0, 1):
            die(f"the grader failed (exit {r.returncode}) on {src}")
    fb = cr.instructor / "feedback" / ex
    if fb.exists():
        shutil.rmtree(fb)
    fb.mkdir(parents=True)
    rows = manifest(cr, ex)
    for s in cr.students():
        rep_file = grades / f"{ex}--{s}.json"
        if rep_file.is_file():
            text = feedback_text(ex, s, json.loads(rep_file.read_text()), rows.get(s))
        else:
            status = rows.get(s, {}).get("status", "missing")
            text = f"# Feedback: {ex}\n\nStudent: {s}\n\nNothing graded: submission {status}.\n"
        (fb / f"{s}.md").write_text(text)
    fix_instructor_modes(cr)
    info(f"feedback for {len(cr.students())} students in {fb}; 'return {ex}' hands it out")
    write_gradebook(cr)


def cmd_return(cr, a):
    ex = exercise_arg(a.exercise)
    fb = cr.instructor / "feedback" / ex
    if not fb.is_dir():
        die(f"no feedback for {ex}: run 'bash ci/classroom.sh grade {ex}' first")
    n = 0
    for s in cr.students():
        f = fb / f"{s}.md"
        if not f.is_file():
            continue
        # Written as the student: ~/feedback is theirs (it might even be a symlink they made).
        as_user(s, [PY, "-c", "import os,sys; d=os.path.expanduser('~/feedback'); os.makedirs(d, exist_ok=True);"
                    " t=os.path.join(d, '.' + sys.argv[1] + '.part'); open(t,'wb').write(sys.stdin.buffer.read());"
                    " os.replace(t, os.path.join(d, sys.argv[1]))", f"{ex}.md"], stdin_bytes=f.read_bytes())
        n += 1
    info(f"feedback for {ex} returned to {n} students (~/feedback/{ex}.md)")


def write_gradebook(cr, out=None):
    """gradebook.csv: one row per student, one column per graded exercise (points; empty = not
    submitted). gradebook-details.csv: one row per (student, exercise) with max points, time stamps."""
    details = []
    exercises = sorted(p.name for p in (cr.instructor / "grades").glob("ex*") if p.is_dir())
    students = cr.students()
    table = {s: {} for s in students}
    for ex in exercises:
        rows = manifest(cr, ex)
        for s in students:
            rep = cr.instructor / "grades" / ex / f"{ex}--{s}.json"
            m = rows.get(s, {})
            d = {"student": s, "exercise": ex, "score": "", "max_score": "", "percent": "",
                 "status": m.get("status", "missing"), "submitted_at": m.get("submitted_at", ""),
                 "late": m.get("late", "")}
            if rep.is_file():
                r = json.loads(rep.read_text())
                d.update(score=fmt(r.get("score")), max_score=fmt(r.get("max_score")),
                         percent=fmt(r.get("percent")), status=r.get("status", "graded"))
                table[s][ex] = d["score"]
            details.append(d)
    out = Path(out) if out else cr.instructor / "gradebook.csv"
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student"] + exercises)
        for s in students:
            w.writerow([s] + [table[s].get(ex, "") for ex in exercises])
    with open(out.with_name(out.stem + "-details.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["student", "exercise", "score", "max_score", "percent", "status",
                                          "submitted_at", "late"])
        w.writeheader()
        w.writerows(details)
    if out.parent == cr.instructor:
        fix_instructor_modes(cr)
    info(f"gradebook: {out} ({len(students)} students x {len(exercises)} exercises) and {out.stem}-details.csv")


def cmd_gradebook(cr, a):
    write_gradebook(cr, a.out)


# ---------------------------------------------------------------------------------------------------


def main(argv=None):
    p = argparse.ArgumentParser(prog="ci/classroom.sh", description="\n\n".join(__doc__.split("\n\n")[:3]),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--home", default=os.environ.get("DL_CLASS_HOME", DEFAULT_HOME),
                   help=f"the class home (default $DL_CLASS_HOME or {DEFAULT_HOME})")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("setup", help="make or update the class home")
    s.add_argument("--port", type=int, help="the hub's public port (default 8000)")
    s.add_argument("--ip", help="address the hub listens on (default 127.0.0.1: a TLS proxy in front)")
    s.add_argument("--homes", help="where students' homes go (default CLASS_HOME/home)")
    s.add_argument("--prefix", help="prefix of the Unix groups (default 'dlc-')")
    s.add_argument("--cull-idle", type=int, help="stop servers idle this many seconds (default 3600)")
    s.add_argument("--heap-mb", type=int, help="heap of a student's Java kernel (default 2048)")
    s.add_argument("--cpus", type=int, help="CPUs a kernel's JVM sizes its thread pools for (default 2)")
    s.add_argument("--max-processes", type=int, help="processes+threads per student (default 1024)")
    s.set_defaults(fn=cmd_setup)
    for name, fn in [("start", cmd_start), ("stop", cmd_stop)]:
        s = sub.add_parser(name, help=f"{name} the hub")
        s.add_argument("--wait", type=int, default=60)
        s.set_defaults(fn=fn)
    sub.add_parser("status", help="what is set up and running").set_defaults(fn=cmd_status)
    for name, fn, what in [("add-student", cmd_add_student, "add students (through the hub's REST API)"),
                           ("add-instructor", cmd_add_instructor, "add instructors (through the hub's REST API)"),
                           ("remove-user", cmd_remove_user, "remove people: server, hub user, Unix user, home")]:
        s = sub.add_parser(name, help=what)
        s.add_argument("names", nargs="+")
        s.set_defaults(fn=fn)
    s = sub.add_parser("add-system-user", help="(called by the hub)")
    s.add_argument("name")
    s.set_defaults(fn=cmd_add_system_user)
    s = sub.add_parser("release", help="give students an exercise")
    s.add_argument("exercise", nargs="+", help="exNN-name ... or 'all'")
    s.set_defaults(fn=cmd_release)
    s = sub.add_parser("collect", help="copy the latest submissions out of the drop boxes")
    s.add_argument("exercise")
    s.add_argument("--deadline", help="ISO time; later submissions are marked late (still graded)")
    s.set_defaults(fn=cmd_collect)
    s = sub.add_parser("grade", help="grade what was collected; feedback and gradebook")
    s.add_argument("exercise")
    s.add_argument("--jobs", type=int, default=2)
    s.set_defaults(fn=cmd_grade)
    s = sub.add_parser("return", help="put feedback into students' ~/feedback/")
    s.add_argument("exercise")
    s.set_defaults(fn=cmd_return)
    s = sub.add_parser("gradebook", help="write the gradebook CSVs")
    s.add_argument("--out", help="file (default CLASS_HOME/instructor/gradebook.csv)")
    s.set_defaults(fn=cmd_gradebook)
    a = p.parse_args(argv)
    if os.geteuid() != 0:
        die("run as root (sudo bash ci/classroom.sh ...): the classroom manages Unix users and their files")
    a.fn(Classroom(a.home), a)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""A class on one machine, end to end (ci/classroom_test.sh runs this; CI runs it from ci/test.sh).

Sets up a throw-away classroom (class home in /tmp, Unix users and groups with a random prefix), starts
the hub, creates an instructor and three students through the hub's REST API, spawns their servers and
has each student work through their own server and kernel: open the released exercise, put in their
answer (right, partly right, broken), run every cell, hand it in with the notebook's submit cell. Then
the instructor collects (one submission after the deadline, one student submitting twice), grades in the
grader's OS sandbox and returns the feedback. Checked: the gradebook, each student's feedback read
through the hub as that student, and that no student can read another's files, drop box or feedback, the
solutions, the grades or the hub's secrets: through the hub with their token, and from their own kernel.
At the end the idle culler stops every server, the users, groups and class home are removed, the hub
stops, and nothing of the test is left running.
"""
import asyncio
import csv
import datetime as dt
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the repository
import classroom  # noqa: E402 (kill_processes_of)
EX = "ex01-perceptron"
T0 = time.time()


def log(msg):
    print(f"[{time.time() - T0:6.1f} s] {msg}", flush=True)


class Failure(AssertionError):
    pass


def check(ok, what):
    if not ok:
        raise Failure(f"check failed: {what}")
    log(f"ok: {what}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    def __init__(self, port, admin_token):
        self.base = f"http://127.0.0.1:{port}"
        self.admin = admin_token

    def request(self, method, path, token, body=None, raw=False):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", f"token {token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode(errors="replace")
        if raw:
            return status, text
        return status, (json.loads(text) if text.strip().startswith(("{", "[")) else text)


    def form(self, path, fields):
        """POSTs a login form (no token); returns (status, body) without following redirects."""
        data = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(self.base + path, data=data, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


# A redirect to the login page also means "not yours": do not follow it (it would land on a 200 page).
urllib.request.install_opener(urllib.request.build_opener(NoRedirect))


async def run_cells(hub, user, token, kernel_id, codes, timeout=180):
    """Executes each code string on the kernel through the hub's proxy (Jupyter's websocket protocol);
    returns [(text output, error or None)] per cell."""
    url = f"ws://127.0.0.1:{hub.base.rsplit(':', 1)[1]}/user/{user}/api/kernels/{kernel_id}/channels"
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}),
                                 max_message_size=64 * 1024 * 1024)
    session = uuid.uuid4().hex

    def msg(msg_type, content, channel="shell"):
        return {"header": {"msg_id": uuid.uuid4().hex, "username": user, "session": session,
                           "msg_type": msg_type, "version": "5.3",
                           "date": dt.datetime.now(dt.timezone.utc).isoformat()},
                "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}

    async def roundtrip(m, want_idle):
        await ws.write_message(json.dumps(m))
        out, err, idle, reply = [], None, not want_idle, False
        deadline = time.time() + timeout
        while not (idle and reply):
            left = deadline - time.time()
            if left <= 0:
                raise Failure(f"{user}: no answer from the kernel within {timeout} s")
            raw = await asyncio.wait_for(ws.read_message(), left)
            if raw is None:
                raise Failure(f"{user}: the kernel's websocket closed")
            r = json.loads(raw)
            if r.get("parent_header", {}).get("msg_id") != m["header"]["msg_id"]:
                continue
            t, c = r["msg_type"], r["content"]
            if t == "stream":
                out.append(c["text"])
            elif t in ("execute_result", "display_data"):
                out.append(c.get("data", {}).get("text/plain", ""))
            elif t == "error":
                err = f"{c.get('ename')}: {c.get('evalue')}"
                out.append("\n".join(c.get("traceback", [])))
            elif t == "status" and c.get("execution_state") == "idle":
                idle = True
            elif t.endswith("_reply"):
                reply = True
                if c.get("status") == "error" and err is None:
                    err = f"{c.get('ename')}: {c.get('evalue')}"
        return "".join(out), err

    # The kernel is ready when it answers kernel_info.
    for _ in range(60):
        try:
            await asyncio.wait_for(roundtrip(msg("kernel_info_request", {}), want_idle=False), 5)
            break
        except asyncio.TimeoutError:
            continue
    results = []
    for code in codes:
        results.append(await roundtrip(msg("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": False}), want_idle=True))
    ws.close()
    return results


def notebook_codes(nb):
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]


def src(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def answer(nb, solution, parts, broken=()):
    """The student's version of the released notebook: answer cells PARTS from the solution, BROKEN ones
    with a compile error, the rest untouched."""
    sol = {c.get("id"): c for c in solution["cells"]}
    for c in nb["cells"]:
        gid = c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in parts:
            c["source"] = src(sol[c["id"]])
        elif gid in broken:
            c["source"] = "double predict(double[] w, double b, double[] x) {\n  return w[0] * x[0] + ;\n}\n"
    return nb


def java_probe(paths):
    """Java for the student's kernel: tries to read each path (a directory: list it) and prints
    'READ path' or 'DENIED path (exception)' per line."""
    lines = ["for (String p : new String[] {" + ", ".join(json.dumps(str(p)) for p in paths) + "}) {",
             "  java.nio.file.Path q = java.nio.file.Path.of(p);",
             "  try {",
             "    if (java.nio.file.Files.isDirectory(q)) { try (var s = java.nio.file.Files.list(q)) { s.count(); } }",
             "    else java.nio.file.Files.readAllBytes(q);",
             "    System.out.println(\"READ \" + p);",
             "  } catch (Exception e) { System.out.println(\"DENIED \" + p + \" (\" + e.getClass().getSimpleName() + \")\"); }",
             "}"]
    return "\n".join(lines)


def sh(*cmd, check_rc=True, **kw):
    log("$ " + " ".join(str(c) for c in cmd))
    r = subprocess.run([str(c) for c in cmd], text=True, capture_output=True, **kw)
    out = (r.stdout + r.stderr).rstrip()
    if out:
        print("\n".join("      " + line for line in out.splitlines()), flush=True)
    if check_rc and r.returncode != 0:
        raise Failure(f"{cmd[:4]} exited with {r.returncode}")
    return r


def main():
    if os.geteuid() != 0:
        sys.exit("the classroom test needs root (it creates Unix users); CI runs as root")
    for f in ["lib/target/dl-lib-all.jar", "ci/grader/target/dl-grader.jar"]:
        if not (REPO / f).is_file():
            sys.exit(f"{f} missing: run mvn -B -q package -DskipTests")
    prefix = "dlct" + secrets.token_hex(2) + "-"
    home = Path(tempfile.mkdtemp(prefix="dl-classroom-test-", dir="/tmp"))
    port = free_port()
    repo_mode = os.stat(REPO).st_mode & 0o7777
    teach, ann, ben, cat, outsider = (prefix + n for n in ("teach", "ann", "ben", "cat", "out"))
    students = [ann, ben, cat]
    cls = ["bash", str(REPO / "ci/classroom.sh"), "--home", str(home)]
    started = False
    try:
        sh(*cls, "setup", "--prefix", prefix, "--port", port, "--max-processes", 512, "--heap-mb", 512)
        check(os.stat(REPO).st_mode & 0o077 == 0, f"the repository ({REPO}) is root-only after setup")
        sh(*cls, "start")
        started = True
        hub = Hub(port, (home / "state/admin-token").read_text().strip())
        sh(*cls, "add-instructor", teach)
        sh(*cls, "add-student", *students)
        st, users = hub.request("GET", "/hub/api/users", hub.admin)
        check(st == 200 and {teach, *students} <= {u["name"] for u in users},
              "the hub lists the instructor and three students")
        st, group = hub.request("GET", "/hub/api/groups/students", hub.admin)
        check(sorted(group["users"]) == sorted(students), "the hub's group 'students' holds the three")
        sh(*cls, "release", EX)
        spec = json.loads((home / "share/jupyter/kernels/java/kernel.json").read_text())
        sources = [a.split("=", 1)[1] for a in spec["argv"] if a.startswith("-Ddl.kernel.sources=")]
        check(all(Path(d).is_dir() and Path(d).is_relative_to(home / "share") for d in sources),
              f"the students' kernel reads the Javadoc from the class's copy of the sources ({sources})")

        # Logging in (PAM, Unix passwords): a class member gets in, a wrong password and a Unix user who
        # is not in the class do not.
        password = secrets.token_urlsafe(12)
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", outsider], check=True)
        for u in (ann, outsider):
            subprocess.run(["chpasswd"], input=f"{u}:{password}\n", text=True, check=True)
        for u, pw, ok in [(ann, password, True), (ann, "wrong" + password, False), (outsider, password, False)]:
            st, _ = hub.form("/hub/login", {"username": u, "password": pw})
            check((st == 302) == ok, f"login as {u} with {'the right' if pw == password else 'a wrong'} password: "
                                     f"{'let in' if ok else 'refused'} (HTTP {st})")

        tokens = {}
        for u in [teach, *students]:
            st, t = hub.request("POST", f"/hub/api/users/{u}/tokens", hub.admin, {"note": "classroom test"})
            check(st in (200, 201) and t.get("token"), f"an API token for {u}")
            tokens[u] = t["token"]
        # All at once, as a class arriving (the hub answers a spawn request after up to 10 s).
        with ThreadPoolExecutor(4) as pool:
            spawned = dict(zip([teach, *students], pool.map(
                lambda u: hub.request("POST", f"/hub/api/users/{u}/server", tokens[u], {})[0], [teach, *students])))
        for u, st in spawned.items():
            check(st in (201, 202), f"{u} starts their own server with their own token (HTTP {st})")
        for u in [teach, *students]:
            for _ in range(240):
                st, info = hub.request("GET", f"/hub/api/users/{u}", hub.admin)
                server = (info.get("servers") or {}).get("")
                if server and server.get("ready"):
                    break
                time.sleep(0.5)
            else:
                raise Failure(f"{u}'s server did not become ready (see {home}/state/hub.log)")
        log("all four servers ready")
        st, listed = hub.request("GET", "/hub/api/users", tokens[teach])
        check(st == 200 and set(students) <= {u["name"] for u in listed},
              "the instructor's role lists the class through the hub API")
        st, text = hub.request("GET", "/hub/api/users", tokens[ben], raw=True)
        check((st == 200 and ann not in text) or st in (403, 404),
              f"a student's token does not list the class (HTTP {st}: {text[:80]})")

        solution = json.loads((REPO / "solutions" / f"{EX}.ipynb").read_text())
        path = f"exercises/{EX}.ipynb"
        kernels = {}
        for u in [teach, *students]:
            nb_path = path if u != teach else "probe.ipynb"
            st, sess = hub.request("POST", f"/user/{u}/api/sessions", tokens[u],
                                   {"path": nb_path, "type": "notebook", "name": "", "kernel": {"name": "java"}})
            check(st == 201, f"{u} starts a Java kernel on their own server")
            kernels[u] = sess["kernel"]["id"]

        def edit(u, label, parts, broken=()):
            """As student U, through their server: open the released exercise, answer, save."""
            st, model = hub.request("GET", f"/user/{u}/api/contents/{path}", tokens[u])
            check(st == 200 and src(model["content"]["cells"][-1]).startswith("%%bash"),
                  f"{u} has the released {EX} with its submit cell, through their own server")
            nb = answer(model["content"], solution, parts, broken)
            st, _ = hub.request("PUT", f"/user/{u}/api/contents/{path}", tokens[u],
                                {"type": "notebook", "format": "json", "content": nb})
            check(st in (200, 201), f"{u} saves their {label} answer")
            return notebook_codes(nb)

        def check_run(u, label, res):
            errors = [e for _, e in res if e]
            log(f"{u} ({label}): {len(res)} cells run in their kernel, errors: {errors}")
            out = res[-1][0].strip()
            check(res[-1][1] is None and f"{EX} submitted at" in out,
                  f"{u}'s submit cell hands it in: {out.splitlines()[0] if out else '(no output)'}")
            if label == "right":
                check(errors == [], f"{u}'s right answer runs without an error in their kernel")
            elif label == "broken":
                check(any("CompilerException" in (e or "") for _, e in res),
                      f"{u}'s broken answer fails to compile in their kernel")
            else:
                check(len(errors) == 1 and all("not implemented yet" in e for e in errors),
                      f"{u}'s partly right answer fails only where train is unimplemented")

        # Before the deadline: ann right, cat broken, ben broken (all three at once, each in their kernel).
        plan = [(ann, "right", {"predict", "update", "train"}, ()), (cat, "broken", set(), ("predict",)),
                (ben, "broken", set(), ("predict",))]
        codes = {u: edit(u, label, parts, broken) for u, label, parts, broken in plan}

        async def phase1():
            jobs = [run_cells(hub, u, tokens[u], kernels[u], codes[u]) for u, *_ in plan]
            jobs.append(run_cells(hub, teach, tokens[teach], kernels[teach], ["1 + 1"]))
            return await asyncio.gather(*jobs)
        results = asyncio.run(phase1())
        for (u, label, *_), res in zip(plan, results):
            check_run(u, label, res)
        time.sleep(1.1)
        deadline = dt.datetime.now(dt.timezone.utc)
        time.sleep(1.1)
        # After the deadline ben fixes two parts and submits again: the latest counts, marked late.
        codes = edit(ben, "partly right", {"predict", "update"})
        check_run(ben, "partly right", asyncio.run(run_cells(hub, ben, tokens[ben], kernels[ben], codes)))

        # --- isolation, from each student's own kernel (real Unix permissions) and through the hub ----------
        homes = Path(json.loads((home / "classroom.json").read_text())["homes"])
        probe_ben = [homes / ann / path, homes / cat / "exercises", home / "exchange/inbound" / ann / f"{EX}.ipynb",
                     home / "exchange/inbound" / ann, home / "exchange/inbound", REPO / "solutions" / f"{EX}.ipynb",
                     REPO / "ci/grader/fixtures", home / "instructor", home / "state/cookie-secret",
                     home / "state/jupyterhub.sqlite", homes / teach]
        own = [homes / ben / path, home / "exchange/inbound" / ben / f"{EX}.ipynb", home / "share/data/README.md"]
        (probe_out, e1), (limits, e2), (whoami, e3) = asyncio.run(run_cells(hub, ben, tokens[ben], kernels[ben], [
            java_probe(probe_ben + own),
            'System.out.print(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/limits")));',
            'System.out.print(System.getProperty("user.name") + " " + Runtime.getRuntime().maxMemory() / (1 << 20));']))
        log("ben's probe:\n" + probe_out)
        for p in probe_ben:
            check(f"DENIED {p} " in probe_out, f"{ben}'s kernel cannot read {p}")
        for p in own:
            check(f"READ {p}\n" in probe_out, f"{ben}'s kernel can read their own {p.name}")
        check(whoami.split()[0] == ben, f"{ben}'s kernel runs as Unix user {ben} (not root)")
        check(int(whoami.split()[1]) <= 512, f"{ben}'s kernel heap is capped at 512 MB ({whoami.split()[1]} MB)")
        nproc = [ln for ln in limits.splitlines() if ln.startswith("Max processes")]
        check(nproc and nproc[0].split()[2:4] == ["512", "512"], f"{ben}'s server has its process limit: {nproc}")

        for other in [ann, cat, teach]:
            st, _ = hub.request("GET", f"/user/{other}/api/contents/{path}", tokens[ben], raw=True)
            check(st in (302, 403, 404), f"through the hub, {ben}'s token cannot open {other}'s files (HTTP {st})")
        st, _ = hub.request("GET", f"/user/{ben}/api/contents/{'../' + ann + '/' + path}", tokens[ben], raw=True)
        check(st in (400, 403, 404), f"{ben}'s own server will not serve ../{ann}/ (HTTP {st})")
        st, _ = hub.request("GET", f"/hub/api/users/{ann}/tokens", tokens[ben], raw=True)
        check(st in (403, 404), f"{ben} cannot list {ann}'s tokens through the hub API (HTTP {st})")
        st, _ = hub.request("POST", f"/hub/api/users/{ann}/server", tokens[ben], {}, raw=True)
        check(st in (403, 404), f"{ben} cannot start {ann}'s server (HTTP {st})")

        # --- the instructor collects, grades, returns -------------------------------------------------------
        sh(*cls, "collect", EX, "--deadline", deadline.isoformat())
        sh(*cls, "grade", EX)
        sh(*cls, "return", EX)
        with open(home / "instructor/gradebook.csv", newline="") as f:
            book = {r["student"]: r for r in csv.DictReader(f)}
        log(f"gradebook.csv: {book}")
        expected = {ann: "10", ben: "6", cat: "0"}
        check({s: book[s][EX] for s in students} == expected,
              f"gradebook: right 10, partly right 6 (the latest of two submissions), broken 0: {expected}")
        with open(home / "instructor/gradebook-details.csv", newline="") as f:
            details = {r["student"]: r for r in csv.DictReader(f)}
        check([details[s]["late"] for s in students] == ["no", "yes", "no"],
              "the submission after the deadline is marked late, the others not")
        check(all(details[s]["submitted_at"] for s in students), "every submission has its time stamp")

        hidden = set()
        ex_text = (REPO / "exercises" / f"{EX}.ipynb").read_text()
        for c in solution["cells"]:
            for line in src(c).splitlines():
                if len(line.strip()) > 20 and json.dumps(line.strip())[1:-1] not in ex_text:
                    hidden.add(line.strip())
        check(len(hidden) > 5, f"the solution has {len(hidden)} lines students never see (answers, hidden tests)")
        for s in students:
            st, model = hub.request("GET", f"/user/{s}/api/contents/feedback/{EX}.md", tokens[s])
            check(st == 200, f"{s} reads their feedback through their own server")
            text = model["content"]
            score = {"10": "10/10", "6": "6/10", "0": "0/10"}[expected[s]]
            check(f"Score: **{score} points" in text and all(t in text for t in ("test_predict", "test_update", "test_train")),
                  f"{s}'s feedback has the score {score} and a line per test")
            leaked = [h for h in hidden if h in text]
            check(not leaked, f"{s}'s feedback holds no solution or hidden-test code")
        fb_ben = (home / "instructor/feedback" / EX / f"{ben}.md").read_text()
        check("FAIL" in fb_ben and "not implemented yet" in fb_ben and "after the deadline" in fb_ben,
              "ben's feedback says which test failed, why, and that it was late")
        for s in (ann, cat):
            log(f"{s}'s feedback:\n" + (home / "instructor/feedback" / EX / f"{s}.md").read_text())

        # The instructor reads the gradebook from their own kernel; a student still cannot.
        probe = [home / "instructor/gradebook.csv", homes / ann / f"feedback/{EX}.md"]
        outs = {}
        for u in (teach, cat):
            outs[u] = asyncio.run(run_cells(hub, u, tokens[u], kernels[u], [java_probe(probe)]))[0][0]
        check(f"READ {probe[0]}" in outs[teach], "the instructor's kernel reads the gradebook (group instructors)")
        check(f"DENIED {probe[0]}" in outs[cat] and f"DENIED {probe[1]}" in outs[cat],
              f"{cat} can read neither the gradebook nor {ann}'s feedback")

        # ann swaps her submission for a link to ben's (she cannot read it, but root could): collect must
        # refuse it rather than grade ben's work as hers.
        box = home / "exchange/inbound"
        code = (f'java.nio.file.Path mine = java.nio.file.Path.of("{box / ann / (EX + ".ipynb")}");\n'
                f'java.nio.file.Files.delete(mine);\n'
                f'java.nio.file.Files.createSymbolicLink(mine, java.nio.file.Path.of("{box / ben / (EX + ".ipynb")}"));\n'
                'System.out.println("linked");')
        (out, err), = asyncio.run(run_cells(hub, ann, tokens[ann], kernels[ann], [code]))
        check(err is None and "linked" in out, f"{ann} replaces her submission with a symlink to {ben}'s")
        sh(*cls, "collect", EX)
        with open(home / "instructor/collected" / EX / "manifest.csv", newline="") as f:
            status = {r["student"]: r["status"] for r in csv.DictReader(f)}
        check(status[ann].startswith("refused") and status[ben] == "submitted"
              and not (home / "instructor/collected" / EX / f"{EX}--{ann}.ipynb").exists(),
              f"collect refuses the symlink ({status[ann]}) and takes nothing for {ann}")

        # --- the idle culler stops servers (here: every server idle for more than 0 s) ----------------------
        time.sleep(1.5)
        env = dict(os.environ, JUPYTERHUB_API_URL=f"{hub.base}/hub/api", JUPYTERHUB_API_TOKEN=hub.admin)
        sh("/usr/bin/python3", HERE / "cull_idle.py", "--once", "--timeout", "1", env=env)
        for _ in range(120):
            st, users = hub.request("GET", "/hub/api/users", hub.admin)
            running = [u["name"] for u in users if u.get("servers")]
            if not running:
                break
            time.sleep(0.5)
        check(not running, "the idle culler stopped all four servers")
        log(f"class simulation passed in {time.time() - T0:.0f} s")
    finally:
        log("cleaning up")
        if started:
            sh(*cls, "remove-user", teach, *students, check_rc=False)
            sh(*cls, "stop", check_rc=False)
        for u in [teach, *students, outsider]:
            try:
                classroom.kill_processes_of(pwd.getpwnam(u).pw_uid)
                subprocess.run(["userdel", "--remove", u], check=False, capture_output=True)
            except KeyError:
                pass
        for g in (prefix + "class", prefix + "instructors"):
            subprocess.run(["groupdel", g], check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)
        os.chmod(REPO, repo_mode)
    # Nothing left: no process of the test's users, no hub or proxy on the test's port.
    left = subprocess.run(["ps", "-eo", "pid,user:32,args"], capture_output=True, text=True).stdout
    leftovers = [ln for ln in left.splitlines() if prefix in ln or str(home) in ln]
    check(not leftovers, f"no process of the test is left running {leftovers}")
    with socket.socket() as s:
        check(s.connect_ex(("127.0.0.1", port)) != 0, f"nothing listens on the hub's port {port} any more")
    check(not any(prefix in ln for ln in Path("/etc/passwd").read_text().splitlines()), "the test's Unix users are gone")
    log(f"classroom test passed in {time.time() - T0:.0f} s")


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"ERROR: {e}", file=sys.stderr)
        sys.exit(1)

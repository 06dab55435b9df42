#!/usr/bin/python3
"""Start a Jupyter kernel many times and count the starts whose first kernel_info_request got no reply.

    PYTHONNOUSERSITE=1 /usr/bin/python3 ci/kernel/check_startup.py [-n 20] [--load 1] [--interrupt] [--kernel java]

Each start sends exactly ONE kernel_info_request on the shell channel as soon as the process is launched
(no retry, unlike nbclient's wait_for_ready) and waits --timeout seconds for the reply, like the Notebook
server does with its 60 s kernel_info timeout. Then it stops the kernel with a shutdown_request on the
control channel and checks that the shutdown_reply comes back on the control channel and that the process
exits by itself within 10 s.

--interrupt also runs a cell that sleeps for a minute (--interrupt-cell: another one), sends it an
interrupt_request on the control channel after 2 s and checks what Jupyter's messaging protocol asks: the
interrupt_reply comes back on the control channel; the cell's execute_reply (status error or abort) comes
within 20 s with the cell's request as parent (else the cell stays [*] in the browser); on IOPub the cell
and the interrupt each get one busy then one idle with their own request as parent, and no status goes
out without a parent; then a new cell (6 * 7) runs and shows its result (rapaio 3.0.1 ran nothing after an
interrupt). --load N keeps N busy processes (`yes`) running meanwhile, which makes start-up races likely
on a small machine.

The kernel's stderr is kept per start; lines that show a lost or failed message are printed. Exit status 1
if any start failed. A few seconds per start. CI (ci/test.sh) runs it with -n 50 --load 1 --timeout 10
--quiet; it checks ci/kernel/install.sh's patches (ci/kernel/patch).
"""
import argparse
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from jupyter_client import KernelManager
except ImportError as e:
    sys.exit(f"ERROR: {e.name} not importable by {sys.executable}: install python3-jupyter-client and run "
             "this with PYTHONNOUSERSITE=1 /usr/bin/python3")

# Kernel log lines that mean a request was dropped or a loop body failed.
SUSPECT = re.compile(r"Unhandled message|NullPointerException|message loop error|Exception handling|SEVERE")


def reply_to(get, msg_id, timeout):
    """The reply whose parent is msg_id from get(timeout=...), or None after timeout seconds."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            msg = get(timeout=left)
        except queue.Empty:
            return None
        if msg.get("parent_header", {}).get("msg_id") == msg_id:
            return msg
    return None


def parent_id(msg):
    return (msg.get("parent_header") or {}).get("msg_id")


def iopub_until(kc, done, timeout):
    """IOPub messages until done(messages) holds (then also True) or timeout seconds pass (then False)."""
    got, deadline = [], time.monotonic() + timeout
    while not done(got) and (left := deadline - time.monotonic()) > 0:
        try:
            got.append(kc.get_iopub_msg(timeout=left))
        except queue.Empty:
            break
    return got, done(got)


def statuses(msgs, msg_id):
    return [m["content"]["execution_state"] for m in msgs if m["msg_type"] == "status" and parent_id(m) == msg_id]


def check_interrupt(kc, args):
    """Runs a sleeping cell, interrupts it with an interrupt_request on the control channel, then runs 6 * 7.
    Returns a list of problems (empty: all good)."""
    problems = []
    iopub_until(kc, lambda got: False, 0.5)  # drop the start-up and kernel_info statuses
    cell = kc.execute(args.interrupt_cell)
    time.sleep(args.interrupt_after)
    # What KernelManager.interrupt_kernel() sends for interrupt_mode "message", but through the client's
    # own control channel so that its interrupt_reply can be read.
    request = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(request)
    interrupt = request["header"]["msg_id"]
    reply = reply_to(kc.get_control_msg, interrupt, 10)
    if reply is None:
        problems.append("interrupt: no interrupt_reply on the control channel within 10 s")
    elif reply["msg_type"] != "interrupt_reply":
        problems.append(f"interrupt: got {reply['msg_type']} instead of interrupt_reply")
    reply = reply_to(kc.get_shell_msg, cell, 20)
    if reply is None:
        problems.append("interrupt: no execute_reply for the interrupted cell within 20 s (it would stay [*])")
    elif reply["content"].get("status") not in ("error", "abort"):
        problems.append(f"interrupt: the interrupted cell's execute_reply has status {reply['content'].get('status')!r}")
    got, _ = iopub_until(kc, lambda got: "idle" in statuses(got, cell) and "idle" in statuses(got, interrupt), 10)
    for name, msg_id in (("interrupted cell", cell), ("interrupt_request", interrupt)):
        if (states := statuses(got, msg_id)) != ["busy", "idle"]:
            problems.append(f"interrupt: IOPub statuses of the {name}: {states}, not ['busy', 'idle']")
    if stray := [m["content"]["execution_state"] for m in got if m["msg_type"] == "status" and not parent_id(m)]:
        problems.append(f"interrupt: IOPub statuses without a parent request: {stray}")
    # The kernel must go on normally.
    cell = kc.execute("6 * 7")
    reply = reply_to(kc.get_shell_msg, cell, 20)
    if reply is None:
        problems.append("interrupt: no execute_reply for the next cell within 20 s")
        return problems
    if reply["content"].get("status") != "ok":
        problems.append(f"interrupt: the next cell's execute_reply has status {reply['content'].get('status')!r}")
    got, _ = iopub_until(kc, lambda got: "idle" in statuses(got, cell), 10)
    # rapaio sends the value as text/html only
    results = [sorted(set(m["content"]["data"].values())) for m in got
               if m["msg_type"] == "execute_result" and parent_id(m) == cell]
    if results != [["42"]]:
        problems.append(f"interrupt: the next cell's results are {results}, not [['42']]")
    if (states := statuses(got, cell)) != ["busy", "idle"]:
        problems.append(f"interrupt: IOPub statuses of the next cell: {states}, not ['busy', 'idle']")
    return problems


def wait_exit(km, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not km.is_alive():
            return True
        time.sleep(0.1)
    return False


def one_start(args, log_path):
    """Returns a list of problems (empty: all good) and the seconds until the kernel_info reply."""
    problems = []
    km = KernelManager(kernel_name=args.kernel)
    with open(log_path, "wb") as log:
        t0 = time.monotonic()
        km.start_kernel(stdout=log, stderr=log)
    kc = km.client()
    kc.start_channels()
    try:
        msg_id = kc.kernel_info()  # the only kernel_info_request of this start
        reply = reply_to(kc.get_shell_msg, msg_id, args.timeout)
        seconds = time.monotonic() - t0
        if reply is None:
            problems.append(f"no kernel_info_reply within {args.timeout:g} s")
            return problems, None
        if args.interrupt:
            problems += check_interrupt(kc, args)
        # Graceful shutdown through the control channel: the reply comes on that channel (rapaio 3.0.1
        # sent it on the shell socket, where it was lost; ci/kernel/patch/.../Channels.java), then the
        # process must exit by itself.
        reply = reply_to(kc.get_control_msg, kc.shutdown(), 10)
        if reply is None:
            problems.append("shutdown: no shutdown_reply on the control channel within 10 s")
        elif reply["msg_type"] != "shutdown_reply" or reply["content"].get("restart") is not False:
            problems.append(f"shutdown: unexpected reply {reply['msg_type']} {reply['content']}")
        if not wait_exit(km, 10):
            problems.append("shutdown: the kernel process did not exit within 10 s")
        return problems, seconds
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)
        km.cleanup_resources()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--starts", type=int, default=20, help="number of kernel starts (default 20)")
    ap.add_argument("--kernel", default="java", help="kernelspec name (default java)")
    ap.add_argument("--timeout", type=float, default=20, help="seconds to wait for the reply (default 20)")
    ap.add_argument("--load", type=int, default=1, help="busy processes running meanwhile (default 1)")
    ap.add_argument("--interrupt", action="store_true", help="also check interrupt_request on each start")
    ap.add_argument("--interrupt-after", type=float, default=2, help=argparse.SUPPRESS)
    ap.add_argument("--interrupt-cell", default="Thread.sleep(60_000);",
                    help="the cell to interrupt (default: a minute's sleep; try 'while (true) {}')")
    ap.add_argument("--quiet", action="store_true", help="print only failed starts and the summary")
    ap.add_argument("--logs", help="keep the kernels' stderr in this folder (default: a temporary one)")
    args = ap.parse_args()

    logs = Path(args.logs or tempfile.mkdtemp(prefix="check_startup."))
    logs.mkdir(parents=True, exist_ok=True)
    hogs = [subprocess.Popen(["yes"], stdout=subprocess.DEVNULL) for _ in range(args.load)]
    failed, times = 0, []
    try:
        for i in range(1, args.starts + 1):
            log_path = logs / f"kernel-{i:03d}.log"
            problems, seconds = one_start(args, log_path)
            suspect = [l.strip() for l in log_path.read_text(errors="replace").splitlines() if SUSPECT.search(l)]
            if seconds is not None:
                times.append(seconds)
            failed += bool(problems)
            state = "FAIL" if problems else "ok  "
            took = f"{seconds:5.1f} s" if seconds is not None else "  -    "
            if problems or suspect or not args.quiet:
                print(f"start {i:3d}/{args.starts}: {state} kernel_info_reply after {took}"
                      + "".join(f"; {p}" for p in problems), flush=True)
            for line in suspect[:5]:
                print(f"        kernel log: {line[:160]}", flush=True)
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    summary = f"{failed} of {args.starts} starts failed (kernel '{args.kernel}', load {args.load}"
    summary += ", with interrupt)" if args.interrupt else ")"
    if times:
        times.sort()
        summary += (f"; kernel_info_reply after {times[0]:.1f}-{times[-1]:.1f} s"
                    f" (median {times[len(times) // 2]:.1f} s)")
    if failed or args.logs:
        print(summary + f"; kernel logs in {logs}")
    else:  # nothing to look at: leave no temporary folder behind
        shutil.rmtree(logs, ignore_errors=True)
        print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

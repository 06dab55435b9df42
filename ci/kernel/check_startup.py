#!/usr/bin/python3
"""Start a Jupyter kernel many times and count the starts whose first kernel_info_request got no reply.

    PYTHONNOUSERSITE=1 /usr/bin/python3 ci/kernel/check_startup.py [-n 20] [--load 1] [--interrupt] [--kernel java]

Each start sends exactly ONE kernel_info_request on the shell channel as soon as the process is launched
(no retry, unlike nbclient's wait_for_ready) and waits --timeout seconds for the reply, like the Notebook
server does with its 60 s kernel_info timeout. Then it stops the kernel with a shutdown_request on the
control channel and checks that the process exits by itself within 10 s. --interrupt also runs a cell that
sleeps for a minute and checks that an interrupt_request (control channel) ends it within 20 s. --load N
keeps N busy processes (`yes`) running meanwhile, which makes start-up races likely on a small machine.
The kernel's stderr is kept per start; lines that show a lost or failed message are printed. Exit status 1
if any start failed. Slow (a few seconds per start): a manual check for ci/kernel/install.sh's patches
(ci/kernel/patch), not run by CI.
"""
import argparse
import queue
import re
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
            cell = kc.execute("Thread.sleep(60_000);")
            time.sleep(args.interrupt_after)
            km.interrupt_kernel()  # interrupt_mode "message": an interrupt_request on the control channel
            # The shell answers the next request only once the cell has ended. Not waiting for the cell's
            # own execute_reply: rapaio 3.0.1 keeps one "current message" for the shell and control
            # threads, so after an interrupt the cell's reply goes to the interrupt_request's sender on
            # the shell socket and is lost (the cell stays [*] in the browser).
            if reply_to(kc.get_shell_msg, kc.kernel_info(), 20) is None:
                problems.append("interrupt: the sleeping cell did not end within 20 s")
        # Graceful shutdown through the control channel; the process must then exit by itself. Not
        # waiting for shutdown_reply: rapaio 3.0.1 sends it (and interrupt_reply) on the shell socket,
        # where the control request's sender is unknown, so it never arrives. jupyter_client does not
        # wait for either reply.
        kc.shutdown()
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
        summary += f"; kernel_info_reply after {min(times):.1f}-{max(times):.1f} s"
    print(summary + f"; kernel logs in {logs}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

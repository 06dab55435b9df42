#!/usr/bin/python3
"""Execute course notebooks headlessly, each on a fresh kernel, and save executed copies + HTML.

    /usr/bin/python3 ci/run_notebooks.py [--fast] [--out DIR] [--check-clean] [NOTEBOOK ...]

Without NOTEBOOK arguments runs notebooks/*.ipynb in name order (natural order: 2-x before 10-x).
The kernel starts in the notebook's own folder, like in Jupyter, so relative paths (../data, ../lib)
work the same. A failing cell stops that notebook; the others still run; the exit status is 1 if any
failed. Needs Debian's Jupyter (python3-nbclient, jupyter-nbconvert): run it with /usr/bin/python3.
"""
import argparse
import atexit
import os
import re
import sys
import time
from pathlib import Path

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
except ImportError as e:  # one clear line instead of a traceback
    sys.exit(f"ERROR: {e.name} not importable by {sys.executable}: install packages python3-nbclient "
             "jupyter-nbconvert (ci/setup.sh does), and run this with /usr/bin/python3")

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def natural_key(path):
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", path.name)]


def first_line(source):
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:80]
    return ""


def summarize(err):
    """One line for a cell error. rapaio reports every Java exception as ename 'EvalException' and every
    compile error as 'CompilerException' (empty evalue); the real story is in its traceback lines."""
    lines = [ANSI.sub("", line).strip() for line in (err.traceback or "").splitlines()]
    # nbclient's traceback text repeats the cell source between dashed lines; look after it.
    if lines.count("------------------") >= 2:
        lines = lines[len(lines) - lines[::-1].index("------------------"):]
    lines = [l for l in lines if l and not l.startswith(("|", "at ", "Compile error")) and l != err.ename + ":"]
    if err.ename == "EvalException" and lines:
        return lines[0]  # e.g. "java.lang.ArrayIndexOutOfBoundsException: Index 5 out of bounds for length 2"
    if err.ename == "CompilerException" and lines:
        return "compile error: " + "; ".join(lines[:3])
    return f"{err.ename}: {err.evalue}".strip(": ")


def dirty_cells(nb):
    """Numbers (1-based, all cells counted) of code cells that carry outputs or an execution count."""
    return [i for i, c in enumerate(nb.cells, 1)
            if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]


# Magics every Java kernel the course supports has (the course kernel, IJava, JJava): nothing else, so
# a notebook never depends on the course kernel.
PORTABLE_MAGICS = ("%jars", "%maven")


def non_portable_magics(nb):
    """(cell number, line) for each magic line that is not %jars or %maven (cells counted from 1)."""
    found = []
    for i, c in enumerate(nb.cells, 1):
        if c.cell_type != "code":
            continue
        for line in c.source.splitlines():
            word = line.strip().split(" ", 1)[0]
            if word.startswith("%") and word not in PORTABLE_MAGICS:
                found.append((i, line.strip()[:60]))
    return found


def export_html(nb, path):
    try:
        from nbconvert import HTMLExporter
        body, _ = HTMLExporter().from_notebook_node(nb)
        path.write_text(body, encoding="utf-8")
        return True
    except Exception as e:  # HTML is a convenience; never hide the execution result behind it
        print(f"    warning: no HTML for {path.name}: {type(e).__name__}: {e}")
        return False


def run_one(path, args):
    """Execute one notebook; return None on success or a one-paragraph failure message."""
    nb = nbformat.read(path, as_version=4)
    n_code = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())
    print(f"\n--- {path.name}: {len(nb.cells)} cells, {n_code} to run")
    client = NotebookClient(
        nb,
        kernel_name=args.kernel,  # ignore the author's kernelspec name; the course kernel is "java"
        timeout=args.timeout or None,
        startup_timeout=args.startup_timeout,
        allow_errors=False,
        record_timing=False,  # keeps executed copies diffable
        resources={"metadata": {"path": str(path.parent)}},  # kernel cwd = notebook folder
    )
    current = {"index": None}
    # nbclient hook: remember which cell runs, so errors (even timeouts/crashes) can name it.
    client.on_cell_execute = lambda cell, cell_index, **_: current.update(index=cell_index)
    failure = None
    args.out.mkdir(parents=True, exist_ok=True)
    log_path = args.out / (path.stem + ".kernel.log")
    t0 = time.monotonic()
    try:
        # The kernel's own stdout/stderr (start-up and logging lines) go to a log file, not the console.
        with open(log_path, "wb") as log:
            client.execute(stdout=log, stderr=log)
    except (CellExecutionError, CellTimeoutError, DeadKernelError, RuntimeError, TimeoutError) as e:
        i = current["index"]
        where = (f"cell {i + 1} of {len(nb.cells)} (`{first_line(nb.cells[i].source)}`)"
                 if i is not None else "kernel start-up")
        if isinstance(e, CellExecutionError):
            what = summarize(e)
            detail = ANSI.sub("", e.traceback).strip()
        else:
            what = f"{type(e).__name__}: {(str(e).strip().splitlines() or [''])[0]}"
            detail = ""
        failure = f"{path.name}: {where} failed: {ANSI.sub('', what)}"
        if not detail and not isinstance(e, CellTimeoutError):  # JVM died or never started: see its log
            detail = ANSI.sub("", log_path.read_text(encoding="utf-8", errors="replace")).strip()
            detail = "\n".join(detail.splitlines()[-20:])
            if detail:
                detail = f"(last lines of {log_path.name})\n{detail}"
        if detail:
            failure += "\n" + "\n".join("    | " + line for line in detail.splitlines()[-40:])
    finally:
        # nbclient leaves an atexit cleanup registered when the kernel never came up; it would only
        # print a confusing AssertionError at exit.
        atexit.unregister(client._cleanup_kernel)
    elapsed = time.monotonic() - t0

    # Save what ran, also after a failure: the executed copy shows the error in place.
    out_nb = args.out / path.name
    nbformat.write(nb, out_nb)
    html = export_html(nb, out_nb.with_suffix(".html"))
    saved = f"{out_nb.relative_to(ROOT) if out_nb.is_relative_to(ROOT) else out_nb}" + (" (+ .html)" if html else "")
    print(f"    {'FAILED' if failure else 'ok'} in {elapsed:.1f} s -> {saved}")
    return failure


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "course",
                    help="where executed copies and HTML go (default: target/course)")
    ap.add_argument("--fast", action="store_true", help="set DL_FAST=1 for the kernels (train on subsets)")
    ap.add_argument("--kernel", default="java", help="kernelspec name (default: java)")
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("DL_CELL_TIMEOUT", "1800")),
                    help="seconds per cell, 0 = none (default: $DL_CELL_TIMEOUT or 1800)")
    ap.add_argument("--startup-timeout", type=int, default=120, help="seconds for the kernel to start")
    ap.add_argument("--check-clean", action="store_true",
                    help="first fail if any notebook was saved with outputs (they are committed without)")
    ap.add_argument("--fail-fast", action="store_true", help="stop after the first failing notebook")
    args = ap.parse_args()
    args.out = args.out.resolve()
    sys.stdout.reconfigure(line_buffering=True)  # progress lines in order with errors, also in CI logs

    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"), key=natural_key)
    if not paths:
        print("No notebooks in notebooks/ yet: nothing to run.")
        return 0
    if args.fast:
        os.environ["DL_FAST"] = "1"  # the kernel inherits our environment
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"ERROR: no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2

    if args.check_clean:
        dirty = {}
        for p in paths:
            cells = dirty_cells(nbformat.read(p, as_version=4))
            if cells:
                dirty[p.name] = cells
        if dirty:
            for name, cells in dirty.items():
                print(f"ERROR: {name} was saved with outputs (cells {', '.join(map(str, cells))}); "
                      "notebooks are committed without outputs.", file=sys.stderr)
            print("Fix: /usr/bin/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb", file=sys.stderr)
            return 1
        # Portability: the course's notebooks, exercises and solutions use only %jars and %maven.
        bad = []
        for p in sorted(set(paths) | {q for d in ("notebooks", "exercises", "solutions")
                                      for q in (ROOT / d).glob("*.ipynb")}):
            for cell, line in non_portable_magics(nbformat.read(p, as_version=4)):
                bad.append(f"{p.relative_to(ROOT) if p.is_relative_to(ROOT) else p} cell {cell}: {line}")
        if bad:
            for b in bad:
                print(f"ERROR: magic other than {' or '.join(PORTABLE_MAGICS)} (IJava/JJava lack it): {b}",
                      file=sys.stderr)
            return 1

    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
        KernelSpecManager().get_kernel_spec(args.kernel)
    except NoSuchKernel:
        print(f"ERROR: no Jupyter kernel named '{args.kernel}': run ci/setup.sh (it installs the Java kernel)",
              file=sys.stderr)
        return 1

    mode = "fast mode (DL_FAST=1)" if os.environ.get("DL_FAST") == "1" else "full mode"
    print(f"Running {len(paths)} notebook(s) on kernel '{args.kernel}', {mode}, output in {args.out}")
    failures = []
    try:
        for p in paths:
            failure = run_one(p, args)
            if failure:
                failures.append(failure)
                print("    " + failure.splitlines()[0])
                if args.fail_fast:
                    break
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130

    print()
    if failures:
        print(f"{len(failures)} of {len(paths)} notebook(s) FAILED:", file=sys.stderr)
        for f in failures:
            print("ERROR: " + f, file=sys.stderr)
        return 1
    print(f"All {len(paths)} notebook(s) ran without errors.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

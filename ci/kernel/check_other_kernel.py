#!/usr/bin/python3
"""Tables, confusion matrices and small tensors come out as HTML in JJava as in the course kernel.

    PYTHONNOUSERSITE=1 /usr/bin/python3 ci/kernel/check_other_kernel.py [--jjava-jar JAR] [--no-course-kernel]

Runs one small notebook (a %jars line, then a tensor, a confusion matrix and a Tablesaw table as cell
values, a large tensor, and a println) through nbclient and requires, for each kernel: text/html plus
text/plain for the three small values, text/plain only for the large tensor, and the printed line on
standard output. Kernels:

- JJava: with --jjava-jar (or DL_JJAVA_JAR) the real kernel, a JJava jar (org.dflib.jjava 1.0-a6 or later,
  the jar its kernelspec runs); otherwise ci/kernel/jjava/MiniJJava.java, JJava's own kernel library
  (org.dflib.jjava:jjava-jupyter 1.0-a6 from Maven Central: the protocol, the Renderer, the extension
  loading on %jars) with JShell. Maven Central does not serve JJava's kernel jar to this course's CI;
  the library is the part that finds and calls dl.viz.JJavaDisplay.
- the course kernel (kernelspec "java"), unless --no-course-kernel or it is not installed; there shift-tab
  (an inspect_request on Tensor.randn) must also show the library's Javadoc, not just the signature.

Each kernel gets its kernelspec in a temporary JUPYTER_PATH; nothing installed is changed. Skipped with one
line (exit 0) when jjava-jupyter cannot be fetched. Needs lib/target/dl-lib-all.jar. About 30 s.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient
except ImportError as e:
    sys.exit(f"ERROR: {e.name} not importable by {sys.executable}: install python3-nbclient and run this "
             "with PYTHONNOUSERSITE=1 /usr/bin/python3")

ROOT = Path(__file__).resolve().parent.parent.parent
MINI = ROOT / "ci" / "kernel" / "jjava"
JAR = ROOT / "lib" / "target" / "dl-lib-all.jar"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# The options the README asks any Java kernel's JVM for: the Vector API and drawing without a display.
JVM_OPTIONS = ["--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true"]

CELLS = {
    # Exactly the notebooks' first line: the kernel starts in notebooks/.
    "jars": "%jars ../lib/target/dl-lib-all.jar",
    "tensor": "dl.tensor.Tensor.of(new double[][] {{1, 2}, {3, 4}})",
    "confusion": "dl.train.ConfusionMatrix.of(new int[] {0, 1, 1}, new int[] {0, 1, 0}, 2)",
    "table": 'dl.viz.Tables.of("runs", java.util.Map.of("acc", new double[] {0.5, 0.75}))',
    "large": "dl.tensor.Tensor.zeros(3, 3, 3)",
    "print": 'System.out.println("printed " + (6 * 7));',
}
HTML = {"tensor": "dl-tensor", "confusion": "dl-confusion", "table": "dl-table"}


def mvn(*args):
    # sed-free: Debian's Maven prints stray ANSI resets even with -B -q; they do not matter here.
    return subprocess.run(["mvn", "-B", "-q", *args], capture_output=True, text=True)


def build_mini(work):
    """Compiles MiniJJava against jjava-jupyter; returns its class path, or None if Maven cannot fetch it."""
    cp_file = work / "classpath.txt"
    r = mvn("-f", str(MINI / "pom.xml"), "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath",
            f"-Dmdep.outputFile={cp_file}")
    if r.returncode != 0 or not cp_file.is_file():
        return None
    deps = cp_file.read_text().strip()
    classes = work / "classes"
    subprocess.run(["javac", "--release", "17", "-nowarn", "-cp", deps, "-d", str(classes),
                    str(MINI / "MiniJJava.java")], check=True)
    return os.pathsep.join([str(classes), deps])


def write_spec(jupyter_path, name, argv, env=None):
    kdir = jupyter_path / "kernels" / name
    kdir.mkdir(parents=True)
    spec = {"argv": argv, "display_name": name, "language": "java", "interrupt_mode": "message",
            "env": env or {}}
    (kdir / "kernel.json").write_text(json.dumps(spec, indent=1))


def run(kernel_name, jupyter_path, log):
    """Outputs of each cell, by name, executed in kernel_name from a kernelspec under jupyter_path; the
    kernel's own output (start-up lines, logs) goes to the open file log."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS.values()]
    os.environ["JUPYTER_PATH"] = str(jupyter_path)
    client = NotebookClient(nb, kernel_name=kernel_name, timeout=60, startup_timeout=60,
                            kernel_manager_kwargs={"kernel_spec_manager": KernelSpecManager()},
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute(stdout=log, stderr=log)
    return {name: cell.outputs for name, cell in zip(CELLS, nb.cells)}


def course_kernel_javadoc(log):
    """Problems with shift-tab (inspect_request) in the course kernel: besides the signature, the Javadoc of
    the course library must come back (ci/kernel/patch, RapaioExecutionControl)."""
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="java", cwd=str(ROOT / "notebooks"), stdout=log, stderr=log)
    try:
        kc.execute_interactive(CELLS["jars"], timeout=60, output_hook=lambda msg: None)
        code = "dl.tensor.Tensor.randn("
        msg_id = kc.inspect(code, len(code) - 1)
        reply = kc.get_shell_msg(timeout=30)
        if reply["parent_header"].get("msg_id") != msg_id:
            return [f"inspect: expected the reply to our inspect_request, got a {reply['msg_type']}"]
        text = ANSI.sub("", reply["content"].get("data", {}).get("text/plain", ""))
        lines = [line for line in text.splitlines() if line.strip()]
        docs = [line for line in lines if "Tensor.randn(" not in line]
        if not lines:
            return [f"inspect {code!r}: expected its signature and Javadoc, got {reply['content']}"]
        if not docs:
            return [f"inspect {code!r}: signatures only, no Javadoc (kernelspec without -Ddl.kernel.sources and "
                    f"--add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED? re-run ci/kernel/install.sh): {lines}"]
        return []
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def check(label, outputs):
    """Problems found in one kernel's outputs (empty list: all as required)."""
    problems = []

    def data(name):
        found = [o.get("data", {}) for o in outputs[name] if o.output_type in ("execute_result", "display_data")]
        return found[0] if found else {}

    for name, css in HTML.items():
        d = data(name)
        if css not in d.get("text/html", ""):
            problems.append(f"{name}: expected text/html with class {css}, got {sorted(d) or 'no value'}")
        if not d.get("text/plain"):
            problems.append(f"{name}: expected its text (text/plain) beside the HTML, got {sorted(d)}")
    large = data("large")
    if "text/html" in large or not large.get("text/plain", "").startswith("tensor([[["):
        problems.append(f"large: expected its text only (text/plain), got {sorted(large) or 'no value'}")
    printed = "".join(o.get("text", "") for o in outputs["print"] if o.output_type == "stream")
    if "printed 42" not in printed:
        problems.append(f"print: expected 'printed 42' on standard output, got {printed!r}")
    for name in CELLS:
        for o in outputs[name]:
            if o.output_type == "error":
                problems.append(f"{name}: {o.ename}: {o.evalue}")
    return [f"{label}: {p}" for p in problems]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jjava-jar", default=os.environ.get("DL_JJAVA_JAR"),
                    help="a JJava kernel jar to check instead of MiniJJava (env DL_JJAVA_JAR)")
    ap.add_argument("--no-course-kernel", action="store_true", help="check JJava only")
    args = ap.parse_args()
    if not JAR.is_file():
        sys.exit(f"ERROR: {JAR.relative_to(ROOT)} missing: build the library first (mvn -B -q -pl lib package)")

    java = shutil.which("java")
    work = Path(tempfile.mkdtemp(prefix="dl-other-kernel-"))
    try:
        jupyter_path = work / "jupyter"
        kernels = []
        if args.jjava_jar:
            # JJava's own kernelspec runs its jar with jdk.jshell opened to it.
            write_spec(jupyter_path, "jjava", [java, "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED",
                                               *JVM_OPTIONS, "-jar", args.jjava_jar, "{connection_file}"])
            kernels.append(("JJava (" + Path(args.jjava_jar).name + ")", "jjava"))
        else:
            cp = build_mini(work)
            if cp is None:
                print("    SKIPPED: Maven could not fetch org.dflib.jjava:jjava-jupyter:1.0-a6 (offline?): "
                      "JJava display not checked")
                return 0
            write_spec(jupyter_path, "mini-jjava", [java, *JVM_OPTIONS, "-cp", cp, "MiniJJava", "{connection_file}"])
            kernels.append(("JJava's kernel library (MiniJJava)", "mini-jjava"))
        if not args.no_course_kernel:
            course = KernelSpecManager().find_kernel_specs().get("java")
            if course and "dl-course" in Path(course, "kernel.json").read_text():
                kernels.append(("course kernel", "java"))
            else:
                print("    course kernel not installed (ci/kernel/install.sh): checking JJava only")

        problems = []
        for label, name in kernels:
            t0 = time.monotonic()
            log_path = work / f"{name}.log"
            with open(log_path, "w") as log:
                # The course kernel's spec stays where install.sh put it; JUPYTER_PATH only adds ours.
                found = check(label, run(name, jupyter_path, log))
            print(f"    {label}: {len(CELLS)} cells in {time.monotonic() - t0:.1f} s")
            if found:
                print(f"    {label}'s own output:", *log_path.read_text().splitlines()[-40:], sep="\n      ")
            problems += found
        if any(name == "java" for _, name in kernels):
            t0 = time.monotonic()
            with open(work / "javadoc.log", "w") as log:
                found = [f"course kernel: {p}" for p in course_kernel_javadoc(log)]
            print(f"    course kernel: shift-tab on Tensor.randn( in {time.monotonic() - t0:.1f} s")
            problems += found
        if problems:
            print("ERROR: rich display or Javadoc not as the course needs:", *problems, sep="\n    ")
            return 1
        print(f"    tensor, confusion matrix and table as text/html + text/plain in {len(kernels)} kernel(s); "
              "large tensor as text" + ("; Javadoc on shift-tab in the course kernel" if len(kernels) > 1 else ""))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

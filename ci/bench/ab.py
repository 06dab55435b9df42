"""Interleaved A/B of two builds of the library on the same dl.bench.Workloads rows.

Two JVMs serve the workloads (A: the old classes, B: the new), each warmed up on a row first; then
requests alternate A, B, A, B, ... and each adjacent pair gives the ratio A's time / B's time (above
1: B is faster). Prints per row the medians, the ratio's median and range, and the load average.

  # the old build: a benchmarks.jar built from the base commit; the new: lib classes put first
  python3 ci/bench/ab.py /tmp/base-benchmarks.jar lib/target/dl-lib.jar:/tmp/base-benchmarks.jar \
      THREADS PAIRS CALLS train_resnet8 train_lenet5 conv_16_16_28_3_1_1_fwdbwd

With AB_CPU=1 each side answers the CPU time of its calling thread per call instead of the wall time
(dl.bench.CpuTimeServe, taken from ci/bench/target/classes on both sides; the library's classes still
come from each side's class path). Use it with THREADS=1, where that thread does all the work: it
moves much less with other jobs on a shared machine. It also takes rows gemm_N (an N×N product).
"""
import os
import statistics
import subprocess
import sys

cpa, cpb, threads, pairs, calls = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
works = sys.argv[6:]
env = dict(os.environ, DL_THREADS=threads)


CPU = os.environ.get('AB_CPU') == '1'
BENCH_CLASSES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'target', 'classes')


def start(cp):
    main = ['dl.bench.CpuTimeServe'] if CPU else ['dl.bench.Workloads', 'serve']
    if CPU:
        cp = BENCH_CLASSES + os.pathsep + cp
    return subprocess.Popen(
        ['java', '--add-modules', 'jdk.incubator.vector', '-Ddl.backend=cpu', '-XX:+UseParallelGC', '-cp', cp] + main,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)


def ask(p, w, n, seconds=0):
    p.stdin.write(f'{w} {n} {seconds}\n')
    p.stdin.flush()
    while True:  # skip the backend's one-line description
        f = p.stdout.readline().split()
        if not f:
            raise SystemExit(f'ab.py: the JVM serving {w} ended')
        if f[0] == w:
            return float(f[1])


def load():
    return ' '.join(open('/proc/loadavg').read().split()[:3])


A, B = start(cpa), start(cpb)
print(f'load average {load()}, {threads} thread(s), {pairs} pairs of {calls} calls' + (', thread CPU time' if CPU else ', wall time'), flush=True)
for w in works:
    for p in (A, B):
        ask(p, w, calls, 2.0)  # warm-up
    ra, rb, ratios = [], [], []
    for _ in range(pairs):
        a, b = ask(A, w, calls), ask(B, w, calls)
        ra.append(a)
        rb.append(b)
        ratios.append(a / b)
    print(f'{w}: A {statistics.median(ra):.3f} ms, B {statistics.median(rb):.3f} ms per call; '
          f'A/B median {statistics.median(ratios):.2f}, range {min(ratios):.2f}-{max(ratios):.2f}',
          flush=True)
print(f'load average {load()}', flush=True)
A.stdin.close()
B.stdin.close()
A.wait()
B.wait()

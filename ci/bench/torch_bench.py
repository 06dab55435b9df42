#!/usr/bin/python3
"""The JMH workloads of ci/bench in PyTorch, and the side-by-side table (issue #8).

Run by ci/bench/compare.sh, which builds and runs the JMH benchmarks first; by hand:

    /usr/bin/python3 ci/bench/torch_bench.py --threads 2 [--quick] \
        [--jmh target/bench/jmh.json] [--jmh-plain target/bench/jmh-plain.json] \
        [--out target/bench/compare.md]
    /usr/bin/python3 ci/bench/torch_bench.py --interleaved --threads 2 [--quick] [--repeats 5] \
        [--only REGEX] --java-cmd "java --add-modules jdk.incubator.vector -Ddl.backend=cpu \
        -cp ci/bench/target/benchmarks.jar dl.bench.Workloads"

With --interleaved (issue #17; compare.sh --interleaved) it runs training end to end, SGEMM at
256, 512 and 1024, every convolution shape of LeNet-5 and ResNet-8 and batch norm, alternating
each workload between this process (PyTorch) and a JVM serving dl.bench.Workloads (ours), and
reports median ratios and ranges.

Every workload mirrors one JMH benchmark (same shapes, float32, same optimizer settings) and is
timed the way JMH's average-time mode does it: warm-up iterations, then measurement iterations of a
fixed duration, each giving the mean time per call; the score is the mean over iterations.

FLOP counts (also in the Java benchmarks' Javadoc):
  SGEMM n:        2·n³
  conv, one pass: 2·N·C_out·OH·OW·C_in·kh·kw; forward = 1 pass, forward+backward = 3 passes
                  (weight and input gradients), 2 for LeNet's first layer (no input gradient).
"""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time

# name -> (N, C_in, C_out, H=W, k, pad, bias, input_grad); batch 64 everywhere
CONV = {
    "lenet1": (64, 1, 6, 28, 5, 2, True, False),
    "lenet2": (64, 6, 16, 14, 5, 0, True, True),
    "resnet": (64, 64, 64, 14, 3, 1, False, True),
}
CONV_LABEL = {
    "lenet1": "conv 1→6 5×5, 28×28 pad 2 (LeNet c1)",
    "lenet2": "conv 6→16 5×5, 14×14 (LeNet c3)",
    "resnet": "conv 64→64 3×3, 14×14 pad 1 (ResNet)",
}


def conv_flops(name, backward):
    n, cin, cout, hw, k, pad, _, input_grad = CONV[name]
    out = hw + 2 * pad - k + 1
    one = 2.0 * n * cout * out * out * cin * k * k
    return one * ((3 if input_grad else 2) if backward else 1)


def timeit(fn, warmups, iters, seconds):
    """JMH-style time per call in ms as (best, mean) over iterations of (iteration time / calls)."""
    for _ in range(warmups):
        _iteration(fn, seconds)
    scores = [_iteration(fn, seconds) for _ in range(iters)]
    return min(scores), sum(scores) / len(scores)


def _iteration(fn, seconds):
    calls, t0 = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        t = time.perf_counter() - t0
        if t >= seconds:
            return t / calls * 1e3


def torch_workloads(threads, quick, wanted=None):
    """ms per call as (best, mean) for each workload key, or only for the keys in wanted."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    w, i, r = (2, 3, 1.0) if quick else (3, 5, 2.0)
    res = {}

    def want(*keys):
        return wanted is None or any(k in wanted for k in keys)

    for n in (256, 512, 1024):
        if not want(f"gemm{n}"):
            continue
        a, b = torch.randn(n, n), torch.randn(n, n)
        with torch.no_grad():
            res[f"gemm{n}"] = timeit(lambda: torch.mm(a, b), w, i, r)

    for name, (n, cin, cout, hw, k, pad, bias, input_grad) in CONV.items():
        if not want(f"conv_{name}_fwd", f"conv_{name}_fwdbwd"):
            continue
        x = torch.randn(n, cin, hw, hw, requires_grad=input_grad)
        wt = (torch.randn(cout, cin, k, k) * 0.1).requires_grad_(True)
        bs = torch.randn(cout, requires_grad=True) if bias else None
        out = hw + 2 * pad - k + 1
        dy = torch.randn(n, cout, out, out)

        def fwd():
            return F.conv2d(x, wt, bs, padding=pad)

        def fwdbwd():
            x.grad = None
            wt.grad = None
            if bs is not None:
                bs.grad = None
            fwd().backward(dy)

        res[f"conv_{name}_fwd"] = timeit(fwd, w, i, r)
        res[f"conv_{name}_fwdbwd"] = timeit(fwdbwd, w, i, r)

    if want("pool_fwd", "pool_fwdbwd"):
        x = torch.randn(64, 16, 28, 28, requires_grad=True)
        dy = torch.randn(64, 16, 14, 14)

        def pool_fwdbwd():
            x.grad = None
            F.max_pool2d(x, 2, 2).backward(dy)

        res["pool_fwd"] = timeit(lambda: F.max_pool2d(x, 2, 2), w, i, r)
        res["pool_fwdbwd"] = timeit(pool_fwdbwd, w, i, r)
    if not want("lenet_step"):
        return res

    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    xb = torch.randn(64, 1, 28, 28)
    yb = torch.arange(64) % 10

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()

    res["lenet_step"] = timeit(step, w, i, r)
    return res


def blas_in_use():
    """The BLAS library torch actually loaded (it links the generic libblas.so.3), and for OpenBLAS
    the kernels it runs: a ratio against torch.mm means little without them. On an AMD EPYC with
    AVX-512, OpenBLAS 0.3.21's own choice ("Cooperlake") ran SGEMM 1024 1.7x as fast as the AVX2
    "Haswell" kernels that an OPENBLAS_CORETYPE in the environment forced."""
    import ctypes
    import torch
    torch.mm(torch.randn(64, 64), torch.randn(64, 64))
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            m = re.search(r"(/\S*lib(?:open)?blas\S*\.so\S*)", line)
            if m:
                libs.add(os.path.realpath(m.group(1)))
    named = []
    for lib in sorted(libs):
        if "openblas" in os.path.basename(lib):
            try:
                corename = ctypes.CDLL(lib).openblas_get_corename
                corename.restype = ctypes.c_char_p
                forced = os.environ.get("OPENBLAS_CORETYPE")
                lib += f" (OpenBLAS kernels: {corename().decode()}" + (f", OPENBLAS_CORETYPE={forced})" if forced else ")")
            except (OSError, AttributeError):
                pass  # not the OpenBLAS we know: the path alone
        named.append(lib)
    return ", ".join(named) or "unknown"


def check_products():
    """Stops with a clear message when torch.mm computes wrong results: the environment's OpenBLAS
    settings, which compare.sh unsets for the benchmark, are there because older OpenBLAS builds
    compute wrong results on some processors."""
    import torch
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(300, 1024, generator=g), torch.randn(1024, 300, generator=g)
    exact = a.double() @ b.double()
    err = ((a @ b).double() - exact).abs().max().item() / exact.abs().max().item()
    if not err < 1e-4:  # float32 with 1,024 terms: about 1e-6 here; NaN fails too
        raise SystemExit(
            f"torch_bench.py: torch.mm is wrong here (largest error {err:.2g} of the largest element) "
            f"with {blas_in_use()}; rerun with KEEP_OPENBLAS_ENV=1, or set OPENBLAS_CORETYPE yourself")


def jmh_scores(path):
    """ms/op per workload key from a JMH JSON result file."""
    if not path or not os.path.exists(path):
        return {}
    out = {}
    for r in json.load(open(path)):
        bench = r["benchmark"].rsplit(".", 2)
        cls, method = bench[-2], bench[-1]
        params = r.get("params", {})
        # best iteration (JMH's 0th percentile) and the mean over iterations
        best = r["primaryMetric"]["scorePercentiles"]["0.0"]
        score = r["primaryMetric"]["score"]
        unit = r["primaryMetric"]["scoreUnit"]
        scale = {"ms/op": 1.0, "us/op": 1e-3, "s/op": 1e3, "ns/op": 1e-6}[unit]
        if cls == "GemmBench":
            key = f"gemm{params['n']}"
        elif cls == "ConvBench":
            key = f"conv_{params['shape']}_{'fwd' if method == 'forward' else 'fwdbwd'}"
        elif cls == "MaxPoolBench":
            key = "pool_fwd" if method == "forward" else "pool_fwdbwd"
        elif cls == "LeNetStepBench":
            key = "lenet_step"
        else:
            continue
        out[key] = (best * scale, score * scale)
    return out


def cpu_info():
    text = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    info = dict(
        (k.strip(), v.strip()) for k, v in
        (line.split(":", 1) for line in text.splitlines() if ":" in line))
    cores = os.cpu_count() or 1
    flags = info.get("Flags", "").split()
    mhz, mhz_src = None, None
    if info.get("CPU max MHz"):
        mhz, mhz_src = float(info["CPU max MHz"]), "lscpu 'CPU max MHz'"
    else:
        with open("/proc/cpuinfo") as f:
            vals = [float(m.group(1)) for m in re.finditer(r"cpu MHz\s*:\s*([\d.]+)", f.read())]
        if vals:
            mhz, mhz_src = max(vals), "/proc/cpuinfo 'cpu MHz' (no max MHz reported, e.g. under a hypervisor; turbo not counted)"
    lanes = 16 if "avx512f" in flags else 8 if "avx2" in flags else 4
    isa = "AVX-512" if lanes == 16 else "AVX2" if lanes == 8 else "SSE"
    return dict(model=info.get("Model name", platform.processor()), cores=cores, mhz=mhz,
                mhz_src=mhz_src, lanes=lanes, isa=isa, fma="fma" in flags)


def peak_gflops(cores, mhz, lanes):
    # cores × clock × lanes × 2 FLOPs per FMA × 2 FMA units per core
    return cores * mhz / 1e3 * lanes * 2 * 2


# --- interleaved comparison (compare.sh --interleaved; issue #17) -------------------------------
# Each workload runs on both sides several times, alternating ours and PyTorch's, in two warm
# processes: this one (PyTorch) and a JVM running dl.bench.Workloads serve (ours). The ratio of
# each adjacent pair is taken, and the table reports the median ratio and its range.

# name -> (C_in, C_out, H=W, k, stride, pad, label); batch 64, no bias, float32
LAYERS = {
    "lenet_c1": (1, 6, 28, 5, 1, 2, "LeNet c1 1→6 5×5 28×28 pad 2"),
    "lenet_c3": (6, 16, 14, 5, 1, 0, "LeNet c3 6→16 5×5 14×14"),
    "stem": (1, 16, 28, 3, 1, 1, "ResNet stem 1→16 3×3 28×28"),
    "s1": (16, 16, 28, 3, 1, 1, "ResNet 16→16 3×3 28×28"),
    "s2down": (16, 32, 28, 3, 2, 1, "ResNet 16→32 3×3 stride 2, 28→14"),
    "s2short": (16, 32, 28, 1, 2, 0, "ResNet shortcut 16→32 1×1 stride 2, 28→14"),
    "s2": (32, 32, 14, 3, 1, 1, "ResNet 32→32 3×3 14×14"),
    "s3down": (32, 64, 14, 3, 2, 1, "ResNet 32→64 3×3 stride 2, 14→7"),
    "s3short": (32, 64, 14, 1, 2, 0, "ResNet shortcut 32→64 1×1 stride 2, 14→7"),
    "s3": (64, 64, 7, 3, 1, 1, "ResNet 64→64 3×3 7×7"),
}
BN = {"bn16": (16, 28), "bn32": (32, 14), "bn64": (64, 7)}


def conv_name(key, backward):
    cin, cout, hw, k, s, p, _ = LAYERS[key]
    return f"conv_{cin}_{cout}_{hw}_{k}_{s}_{p}_{'fwdbwd' if backward else 'fwd'}"


def interleaved_rows(quick):
    """(workload name, label, unit, work per call: images / GFLOP / None for ms, calls, seconds)."""
    steps = 30 if quick else 100
    rows = [("train_lenet5", "LeNet-5 training on MNIST (DataLoader, SGD momentum), batch 64", "images/s", 64.0, steps, 0.0),
            ("train_resnet8", "ResNet-8 training on Fashion-MNIST (DataLoader, flip + crop, SGD momentum), batch 64", "images/s", 64.0, steps, 0.0)]
    secs = 0.5 if quick else 1.5
    for n in (256, 512, 1024):
        rows.append((f"gemm_{n}", f"SGEMM {n}×{n}·{n}×{n} (Tensor.matmul / torch.mm)", "GFLOP/s", 2.0 * n ** 3 / 1e9, 3, secs))
    for key, (cin, cout, hw, k, s, p, label) in LAYERS.items():
        out = (hw + 2 * p - k) // s + 1
        one = 2.0 * 64 * cout * out * out * cin * k * k / 1e9
        rows.append((conv_name(key, False), f"conv {label}, forward", "GFLOP/s", one, 3, secs))
        rows.append((conv_name(key, True), f"conv {label}, fwd+bwd", "GFLOP/s", one * (2 if cin == 1 else 3), 3, secs))
    for key, (c, hw) in BN.items():
        rows.append((f"bn_{c}_{hw}_fwdbwd", f"batch norm {c} channels {hw}×{hw}, fwd+bwd (training)", "ms", None, 3, secs))
    return rows


def read_idx(path):
    import gzip
    import numpy as np
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find_idx(dataset, stem):
    home = os.path.expanduser("~/.cache/dl-course")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    dirs = [os.path.join(root, "data", dataset), os.path.join(home, dataset), f"/usr/share/datasets/{dataset}"]
    for d in dirs:
        for ext in ("", ".gz"):
            p = os.path.join(d, stem + ext)
            if os.path.exists(p):
                return p
    raise FileNotFoundError(f"torch_bench: {stem} of {dataset} not found in {dirs}")


def torch_workload(name):
    """A no-argument function doing one call of the workload (state kept between calls)."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    torch.manual_seed(0)
    if name.startswith("train_"):
        lenet = name == "train_lenet5"
        ds = "mnist" if lenet else "fashion-mnist"
        x = torch.from_numpy(read_idx(find_idx(ds, "train-images-idx3-ubyte")).astype("float32") / 255.0).unsqueeze(1)
        y = torch.from_numpy(read_idx(find_idx(ds, "train-labels-idx1-ubyte")).astype("int64"))
        if lenet:
            model = nn.Sequential(
                nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
        else:
            model = resnet8()
        opt = torch.optim.SGD(model.parameters(), lr=0.05 if lenet else 0.1, momentum=0.9, weight_decay=5e-4)
        model.train()
        gen = torch.Generator().manual_seed(0)
        state = {"order": torch.randperm(len(x), generator=gen), "at": 0}
        rows = torch.arange(28)

        def augment(xb):
            # random horizontal flip (p = 0.5), then a random 28×28 crop of the image padded by 2,
            # per sample: the notebook's Transforms, as batched tensor operations
            n = xb.shape[0]
            flip = torch.rand(n, generator=gen) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(-1), xb)
            padded = F.pad(xb, (2, 2, 2, 2))
            oy = torch.randint(0, 5, (n,), generator=gen)
            ox = torch.randint(0, 5, (n,), generator=gen)
            r = (oy[:, None] + rows)[:, :, None]
            c = (ox[:, None] + rows)[:, None, :]
            return padded[torch.arange(n)[:, None, None], 0, r, c].unsqueeze(1)

        def step():
            # the next batch of a shuffling loader, indexing the tensors directly (PyTorch's fast
            # path; torch.utils.data.DataLoader's per-sample collation would be slower)
            if state["at"] + 64 > len(x):
                state["order"], state["at"] = torch.randperm(len(x), generator=gen), 0
            idx = state["order"][state["at"]: state["at"] + 64]
            state["at"] += 64
            xb, yb = x[idx], y[idx]
            if not lenet:
                xb = augment(xb)
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.item()
            loss.backward()
            opt.step()
        return step
    f = name.split("_")
    if f[0] == "gemm":
        n = int(f[1])
        a, b = torch.randn(n, n), torch.randn(n, n)
        return lambda: torch.mm(a, b)
    if f[0] == "conv":
        cin, cout, hw, k, s, p = map(int, f[1:7])
        backward = f[7] == "fwdbwd"
        x = torch.randn(64, cin, hw, hw, requires_grad=backward and cin > 1)
        w = (torch.randn(cout, cin, k, k) * 0.1).requires_grad_(backward)
        out = (hw + 2 * p - k) // s + 1
        dy = torch.randn(64, cout, out, out)
        if not backward:
            def fwd():
                with torch.no_grad():
                    return F.conv2d(x, w, None, s, p)
            return fwd

        def fwdbwd():
            x.grad = None
            w.grad = None
            F.conv2d(x, w, None, s, p).backward(dy)
        return fwdbwd
    if f[0] == "bn":
        c, hw = int(f[1]), int(f[2])
        bn = nn.BatchNorm2d(c)
        bn.train()
        x = torch.randn(64, c, hw, hw, requires_grad=True)
        dy = torch.randn(64, c, hw, hw)

        def bnstep():
            x.grad = None
            bn.zero_grad()
            bn(x).backward(dy)
        return bnstep
    raise ValueError(f"torch_bench: unknown workload {name}")


def resnet8():
    import torch.nn as nn

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.f = nn.Sequential(
                nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
            self.short = (nn.Identity() if stride == 1 and cin == cout else
                          nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)))

        def forward(self, x):
            return (self.f(x) + self.short(x)).relu()

    return nn.Sequential(
        nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
        Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


def time_torch(fn, calls, seconds):
    t0 = time.perf_counter()
    done = 0
    while done < calls or time.perf_counter() - t0 < seconds:
        fn()
        done += 1
    return (time.perf_counter() - t0) / done * 1e3


def interleaved(args):
    import statistics
    import torch
    torch.set_num_threads(args.threads)
    cmd = args.java_cmd.split()
    jvm = subprocess.Popen(cmd + ["serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def ours(name, calls, seconds):
        jvm.stdin.write(f"{name} {calls} {seconds}\n")
        jvm.stdin.flush()
        while True:  # skip what the library prints on the way (e.g. where it found a data set)
            line = jvm.stdout.readline()
            if not line:
                raise RuntimeError(f"torch_bench: the JVM ({' '.join(cmd)}) ended while running {name}")
            f = line.split()
            if len(f) == 2 and f[0] == name:
                return float(f[1])
            print("  (ours) " + line.rstrip(), file=sys.stderr)

    rows = interleaved_rows(args.quick)
    if args.only:
        rows = [r for r in rows if re.search(args.only, r[0])]
    load_before = args.load_before or " ".join(open("/proc/loadavg").read().split()[:3])
    results = []
    for name, label, unit, work, calls, secs in rows:
        fn = torch_workload(name)
        # warm-up: the JIT on our side, caches and allocator on both (not recorded)
        warm = max(calls // 3, 1) if name.startswith("train_") else calls
        ours(name, warm, secs)
        time_torch(fn, warm, secs)
        o, t = [], []
        for _ in range(args.repeats):
            o.append(ours(name, calls, secs))
            t.append(time_torch(fn, calls, secs))
        ratios = [tt / oo for oo, tt in zip(o, t)]
        results.append((label, unit, work, o, t, ratios))
        print(f"{name}: ours {['%.3f' % v for v in o]} ms, torch {['%.3f' % v for v in t]} ms, "
              f"ratio median {statistics.median(ratios):.2f}", file=sys.stderr, flush=True)
    jvm.stdin.close()
    jvm.wait()

    def val(ms, work):
        if work is None:
            return f"{ms:.2f}"
        v = work / (ms / 1e3)
        return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"

    lines = ["| workload | unit | ours (median) | PyTorch (median) | ratio, median | ratio, range |",
             "|---|---|---:|---:|---:|---:|"]
    for label, unit, work, o, t, ratios in results:
        lines.append(f"| {label} | {unit} | {val(statistics.median(o), work)} | {val(statistics.median(t), work)} | "
                     f"{statistics.median(ratios):.2f} | {min(ratios):.2f}–{max(ratios):.2f} |")
    cpu = cpu_info()
    load_after = " ".join(open("/proc/loadavg").read().split()[:3])
    header = [
        f"Measured {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} on {cpu['model']} ({cpu['isa']}), {cpu['cores']} cores, "
        f"{args.threads} threads on both sides; command: `{args.command}`.",
        f"Ours: {args.java} {args.backend}".rstrip() + f". PyTorch {torch.__version__} (OMP_WAIT_POLICY="
        f"{os.environ.get('OMP_WAIT_POLICY', 'unset')}), BLAS {blas_in_use()}.",
        f"Each row: {args.repeats} runs per side, interleaved (ours, PyTorch, ours, …) after a warm-up run of each; "
        f"ratio = PyTorch's time ÷ ours for each adjacent pair (above 1: we are faster), median and range over the pairs; "
        f"the ours/PyTorch columns are medians. Load average before / after: {load_before} / {load_after}.",
    ]
    report = "\n".join(header) + "\n\n" + "\n".join(lines) + "\n"
    print(report)
    if args.out:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        with open(args.out, "w") as f:
            f.write(report)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--jmh", help="JMH JSON results (ours)")
    ap.add_argument("--jmh-plain", help="JMH JSON results with -Ddl.simd=false")
    ap.add_argument("--out", help="write the markdown report here too")
    ap.add_argument("--java", default="", help="JDK description for the header")
    ap.add_argument("--backend", default="", help="our backend's description for the header")
    ap.add_argument("--load-before", default="")
    ap.add_argument("--interleaved", action="store_true",
                    help="alternate each workload with ours (a JVM started with --java-cmd ... serve)")
    ap.add_argument("--java-cmd", help="the command line of dl.bench.Workloads, without 'serve'")
    ap.add_argument("--repeats", type=int, default=5, help="runs per side for --interleaved")
    ap.add_argument("--only", help="a regular expression: only the workloads it finds (--interleaved)")
    ap.add_argument("--command", default="", help="the command to print in the header")
    args = ap.parse_args()
    check_products()
    if args.interleaved:
        interleaved(args)
        return

    import torch
    ours = jmh_scores(args.jmh)
    # with JMH results, only the workloads they cover (a BENCH subset in compare.sh)
    torch_ms = torch_workloads(args.threads, args.quick, set(ours) or None)
    blas = blas_in_use()
    plain = jmh_scores(args.jmh_plain)
    cpu = cpu_info()
    load_after = open("/proc/loadavg").read().split()[:3]

    rows = []  # (workload, unit, key, work) where work turns ms into the unit (higher is better)
    for n in (256, 512, 1024):
        rows.append((f"SGEMM {n}×{n}·{n}×{n} (Tensor.matmul / torch.mm)", "GFLOP/s", f"gemm{n}", 2.0 * n ** 3 / 1e9))
    for name in CONV:
        rows.append((CONV_LABEL[name] + ", forward", "GFLOP/s", f"conv_{name}_fwd", conv_flops(name, False) / 1e9))
        rows.append((CONV_LABEL[name] + ", fwd+bwd", "GFLOP/s", f"conv_{name}_fwdbwd", conv_flops(name, True) / 1e9))
    rows.append(("max pool 2×2, [64,16,28,28], forward", "ms", "pool_fwd", None))
    rows.append(("max pool 2×2, [64,16,28,28], fwd+bwd", "ms", "pool_fwdbwd", None))
    rows.append(("LeNet-5 training step, batch 64 (SGD momentum)", "images/s", "lenet_step", 64.0))

    def one(ms, work):
        if work is None:
            return f"{ms:.2f}"
        v = work / (ms / 1e3)
        return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"

    def fmt(r, work):  # best iteration, then the mean over iterations in parentheses
        return "–" if r is None else f"{one(r[0], work)} ({one(r[1], work)})"

    head = ["workload", "unit", "ours", "PyTorch", "ratio"] + (["ours, plain loops"] if plain else [])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * (len(head) - 2)]
    for label, unit, key, work in rows:
        o, t = ours.get(key), torch_ms.get(key)
        ratio = f"{t[0] / o[0]:.2f}" if o and t else "–"  # throughput ratio = time ratio inverted
        cells = [label, unit, fmt(o, work), fmt(t, work), ratio]
        if plain:
            cells.append(fmt(plain.get(key), work))
        lines.append("| " + " | ".join(cells) + " |")

    peak = peak_gflops(cpu["cores"], cpu["mhz"], cpu["lanes"]) if cpu["mhz"] else None
    peak_thr = peak_gflops(args.threads, cpu["mhz"], cpu["lanes"]) if cpu["mhz"] else None
    notes = []
    notes.append("Each cell: the best measurement iteration, then the mean over iterations in parentheses; "
                 "on a shared machine the best is the steadier figure, so the ratio uses it.")
    notes.append("ratio = ours ÷ PyTorch in throughput (for the max-pool rows: PyTorch's time ÷ ours); above 1 means we are faster.")
    if peak:
        notes.append(
            f"FP32 peak estimate: {cpu['cores']} cores × {cpu['mhz'] / 1e3:.2f} GHz × {cpu['lanes']} lanes ({cpu['isa']}) "
            f"× 2 FLOPs per FMA × 2 FMA units = {peak:.0f} GFLOP/s"
            + (f" ({peak_thr:.0f} for the {args.threads} threads used)" if args.threads != cpu["cores"] else "")
            + f". Assumptions: clock from {cpu['mhz_src']}; two FMA units per core; "
            f"with AVX2 only (8 lanes) it would be {peak / cpu['lanes'] * 8:.0f}.")
    g_o, g_t = ours.get("gemm1024"), torch_ms.get("gemm1024")
    g_o, g_t = g_o and g_o[0], g_t and g_t[0]
    if g_o and peak_thr:
        gf = 2.0 * 1024 ** 3 / 1e9 / (g_o / 1e3)
        s = f"Our SGEMM 1024: {gf:.1f} GFLOP/s = {100 * gf / peak_thr:.0f}% of that peak"
        if g_t:
            s += f" and {100 * g_t / g_o:.0f}% of PyTorch's torch.mm ({2.0 * 1024 ** 3 / 1e9 / (g_t / 1e3):.1f} GFLOP/s, BLAS: {blas})"
        notes.append(s + ".")
    header = [
        f"Measured {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} on {cpu['model']}, "
        f"{cpu['cores']} cores, {args.threads} threads on both sides"
        + ("; quick mode (short iterations)" if args.quick else "") + ".",
        f"Ours: {args.java} {args.backend}".rstrip() + f". PyTorch {torch.__version__} (intra-op threads {torch.get_num_threads()}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}), BLAS {blas}.",
        f"Load average before / after: {args.load_before or '?'} / {' '.join(load_after)}.",
    ]
    report = "\n".join(header) + "\n\n" + "\n".join(lines) + "\n\n" + "\n".join("- " + n for n in notes) + "\n"
    print(report)
    if args.out:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        with open(args.out, "w") as f:
            f.write(report)
    if not ours:
        print("(no JMH results given: run ci/bench/compare.sh for the side-by-side table)", file=sys.stderr)


if __name__ == "__main__":
    main()

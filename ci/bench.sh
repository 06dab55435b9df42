#!/usr/bin/env bash
# Reproduces the README's results table on this machine.
#   bash ci/bench.sh mnist [epochs]    softmax regression and the 784-200-10 MLP on full MNIST (10 epochs)
#   bash ci/bench.sh lenet [epochs]    LeNet-5 on MNIST (8 epochs)
#   bash ci/bench.sh resnet [epochs]   a small ResNet on Fashion-MNIST with augmentation
#   bash ci/bench.sh opencl [quick]    CPU vs OpenCL backend: GEMM GFLOP/s, LeNet-5/ResNet images/s
#   bash ci/bench.sh compare [--quick] [--plain] [--memory]
#                                      JMH benchmarks side by side with PyTorch (ci/bench/compare.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
what="${1:-mnist}"
# compare builds what it needs itself and needs no data sets
[[ "$what" == compare ]] && exec bash ci/bench/compare.sh "${@:2}"
case "$what" in
  mnist|lenet|resnet|opencl) ;;
  *)
    echo "ERROR: unknown benchmark '$what' (known: mnist, lenet, resnet, opencl, compare)" >&2
    exit 2
    ;;
esac
bash ci/setup.sh
# The mains live in the benchmark module (ci/bench, dl.bench), not in the library's jar.
echo "==> building the benchmarks (mvn -Pbench package -pl ci/bench -am)"
mvn -B -q -Pbench package -DskipTests -pl ci/bench -am
JAR=ci/bench/target/benchmarks.jar
case "$what" in
  mnist)
    echo "==> MNIST targets (dl.bench.MnistTargets), $(nproc) cores, $(java -version 2>&1 | head -1)"
    java --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp "$JAR" dl.bench.MnistTargets "${2:-10}"
    ;;
  lenet|resnet)
    echo "==> CNN targets (dl.bench.CnnTargets $what), $(nproc) cores, $(java -version 2>&1 | head -1)"
    java --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp "$JAR" dl.bench.CnnTargets "$what" ${2:+"$2"}
    ;;
  opencl)
    echo "==> Backends (dl.bench.BackendBench), $(nproc) cores, $(java -version 2>&1 | head -1)"
    java -cp "$JAR" dl.bench.BackendBench ${2:+"$2"}
    ;;
esac

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
bash ci/setup.sh
case "$what" in
  mnist)
    echo "==> MNIST targets (dl.examples.MnistTargets), $(nproc) cores, $(java -version 2>&1 | head -1)"
    java --add-modules jdk.incubator.vector -cp lib/target/dl-lib-all.jar dl.examples.MnistTargets "${2:-10}"
    ;;
  lenet|resnet)
    echo "==> CNN targets (dl.examples.CnnTargets $what), $(nproc) cores, $(java -version 2>&1 | head -1)"
    java --add-modules jdk.incubator.vector -cp lib/target/dl-lib-all.jar dl.examples.CnnTargets "$what" ${2:+"$2"}
    ;;
  opencl)
    echo "==> Backends (dl.examples.BackendBench), $(nproc) cores, $(java -version 2>&1 | head -1)"
    java -cp lib/target/dl-lib-all.jar dl.examples.BackendBench ${2:+"$2"}
    ;;
  *)
    echo "ERROR: unknown benchmark '$what' (known: mnist, lenet, resnet, opencl)" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Reproduces the README's results table on this machine.
#   bash ci/bench.sh mnist    softmax regression and the 784-200-10 MLP on full MNIST, 10 epochs each
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
what="${1:-mnist}"
bash ci/setup.sh
case "$what" in
  mnist)
    echo "==> MNIST targets (dl.examples.MnistTargets), $(nproc) cores, $(java -version 2>&1 | head -1)"
    java -cp lib/target/dl-lib-all.jar dl.examples.MnistTargets "${2:-10}"
    ;;
  *)
    echo "ERROR: unknown benchmark '$what' (known: mnist)" >&2
    exit 2
    ;;
esac

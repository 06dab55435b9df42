package dl.autograd;

import dl.nn.functional.Conv;
import dl.nn.functional.F;
import dl.nn.functional.Norm;
import dl.nn.functional.Pool;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The one table of differentiable ops. Each row names the op, the shapes and value domain of its
 * inputs, the library call, and an independent reference. The forward test, the gradient check and
 * (later) backend parity tests all iterate over this table, so a new op gets all of them by adding
 * one row.
 */
final class OpTable {
  private OpTable() {}

  /** Where inputs are drawn from, chosen away from kinks (relu at 0, abs at 0, max ties). */
  enum Domain {
    ANY(-2, 2),
    POSITIVE(0.5, 2.5),
    AWAY_FROM_ZERO(0.2, 2.0); // sign is randomised per element
    final double low, high;

    Domain(double low, double high) {
      this.low = low;
      this.high = high;
    }
  }

  /** One row. {@code constants} lists inputs that are data (indices, masks), not checked. */
  record OpCase(
      String name,
      int[][] shapes,
      Domain domain,
      Function<Tensor[], Tensor> op,
      Function<Ref[], Ref> reference,
      int[] constants,
      Function<Integer, Tensor> constant) {
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(name).append(' ');
      for (int[] s : shapes) sb.append(java.util.Arrays.toString(s));
      return sb.toString();
    }
  }

  static OpCase row(
      String name,
      int[][] shapes,
      Domain domain,
      Function<Tensor[], Tensor> op,
      Function<Ref[], Ref> ref) {
    return new OpCase(name, shapes, domain, op, ref, new int[0], null);
  }

  static int[][] s(int[]... shapes) {
    return shapes;
  }

  static int[] d(int... dims) {
    return dims;
  }

  static List<OpCase> cases() {
    List<OpCase> c = new ArrayList<>();
    // ---- elementwise binary, with broadcasting in the second row of each
    c.add(
        row(
            "add",
            s(d(3, 4), d(3, 4)),
            Domain.ANY,
            t -> t[0].add(t[1]),
            r -> r[0].zip(r[1], Double::sum)));
    c.add(
        row(
            "add broadcast",
            s(d(2, 1, 3), d(4, 1)),
            Domain.ANY,
            t -> t[0].add(t[1]),
            r -> r[0].zip(r[1], Double::sum)));
    c.add(
        row(
            "sub broadcast",
            s(d(4, 3), d(3)),
            Domain.ANY,
            t -> t[0].sub(t[1]),
            r -> r[0].zip(r[1], (a, b) -> a - b)));
    c.add(
        row(
            "mul",
            s(d(3, 4), d(3, 4)),
            Domain.ANY,
            t -> t[0].mul(t[1]),
            r -> r[0].zip(r[1], (a, b) -> a * b)));
    c.add(
        row(
            "mul broadcast scalar",
            s(d(2, 3), d()),
            Domain.ANY,
            t -> t[0].mul(t[1]),
            r -> r[0].zip(r[1], (a, b) -> a * b)));
    c.add(
        row(
            "div",
            s(d(3, 4), d(4)),
            Domain.POSITIVE,
            t -> t[0].div(t[1]),
            r -> r[0].zip(r[1], (a, b) -> a / b)));
    c.add(
        row(
            "maximum",
            s(d(3, 4), d(1, 4)),
            Domain.ANY,
            t -> t[0].maximum(t[1]),
            r -> r[0].zip(r[1], Math::max)));
    c.add(
        row(
            "minimum",
            s(d(3, 4), d(3, 4)),
            Domain.ANY,
            t -> t[0].minimum(t[1]),
            r -> r[0].zip(r[1], Math::min)));
    c.add(
        row(
            "pow tensor",
            s(d(3, 2), d(2)),
            Domain.POSITIVE,
            t -> t[0].pow(t[1]),
            r -> r[0].zip(r[1], Math::pow)));
    // ---- elementwise unary
    c.add(row("neg", s(d(5)), Domain.ANY, t -> t[0].neg(), r -> r[0].map(x -> -x)));
    c.add(row("pow 3", s(d(2, 3)), Domain.ANY, t -> t[0].pow(3), r -> r[0].map(x -> x * x * x)));
    c.add(
        row(
            "pow -1.5",
            s(d(2, 3)),
            Domain.POSITIVE,
            t -> t[0].pow(-1.5),
            r -> r[0].map(x -> Math.pow(x, -1.5))));
    c.add(row("sqrt", s(d(4)), Domain.POSITIVE, t -> t[0].sqrt(), r -> r[0].map(Math::sqrt)));
    c.add(row("exp", s(d(2, 3)), Domain.ANY, t -> t[0].exp(), r -> r[0].map(Math::exp)));
    c.add(row("log", s(d(2, 3)), Domain.POSITIVE, t -> t[0].log(), r -> r[0].map(Math::log)));
    c.add(row("sin", s(d(2, 3)), Domain.ANY, t -> t[0].sin(), r -> r[0].map(Math::sin)));
    c.add(row("cos", s(d(2, 3)), Domain.ANY, t -> t[0].cos(), r -> r[0].map(Math::cos)));
    c.add(row("tanh", s(d(2, 3)), Domain.ANY, t -> t[0].tanh(), r -> r[0].map(Math::tanh)));
    c.add(
        row(
            "sigmoid",
            s(d(2, 3)),
            Domain.ANY,
            t -> t[0].sigmoid(),
            r -> r[0].map(x -> 1 / (1 + Math.exp(-x)))));
    c.add(
        row(
            "relu",
            s(d(3, 4)),
            Domain.AWAY_FROM_ZERO,
            t -> t[0].relu(),
            r -> r[0].map(x -> Math.max(x, 0))));
    c.add(row("abs", s(d(3, 4)), Domain.AWAY_FROM_ZERO, t -> t[0].abs(), r -> r[0].map(Math::abs)));
    c.add(
        row(
            "clamp",
            s(d(3, 4)),
            Domain.AWAY_FROM_ZERO,
            t -> t[0].clamp(-1.1, 1.3),
            r -> r[0].map(x -> Math.min(Math.max(x, -1.1), 1.3))));
    c.add(row("square", s(d(3)), Domain.ANY, t -> t[0].square(), r -> r[0].map(x -> x * x)));
    // ---- reductions over one and several axes
    c.add(
        row(
            "sum all",
            s(d(2, 3, 4)),
            Domain.ANY,
            t -> t[0].sum(),
            r -> r[0].reduce(d(0, 1, 2), 0, Double::sum)));
    c.add(
        row(
            "sum axes 0,2",
            s(d(2, 3, 4)),
            Domain.ANY,
            t -> t[0].sum(d(0, 2), false),
            r -> r[0].reduce(d(0, 2), 0, Double::sum)));
    c.add(
        row(
            "sum axis -1 keepdim",
            s(d(2, 3)),
            Domain.ANY,
            t -> t[0].sum(-1, true).reshape(2),
            r -> r[0].reduce(d(1), 0, Double::sum)));
    c.add(
        row(
            "mean axes 1,2",
            s(d(2, 3, 4)),
            Domain.ANY,
            t -> t[0].mean(d(1, 2), false),
            r -> r[0].reduce(d(1, 2), 0, Double::sum).map(x -> x / 12)));
    c.add(
        row(
            "max axis 1",
            s(d(3, 5)),
            Domain.ANY,
            t -> t[0].max(1),
            r -> r[0].reduce(d(1), Double.NEGATIVE_INFINITY, Math::max)));
    c.add(
        row(
            "max axes 0,1",
            s(d(3, 2, 2)),
            Domain.ANY,
            t -> t[0].max(d(0, 1), false),
            r -> r[0].reduce(d(0, 1), Double.NEGATIVE_INFINITY, Math::max)));
    c.add(
        row(
            "min all",
            s(d(4, 3)),
            Domain.ANY,
            t -> t[0].min(),
            r -> r[0].reduce(d(0, 1), Double.POSITIVE_INFINITY, Math::min)));
    c.add(
        row(
            "var axis 0 unbiased",
            s(d(5, 3)),
            Domain.ANY,
            t -> t[0].var(d(0), false, true),
            r -> variance(r[0], 5, 3, true)));
    c.add(
        row(
            "var axis 0 biased",
            s(d(5, 3)),
            Domain.ANY,
            t -> t[0].var(d(0), false, false),
            r -> variance(r[0], 5, 3, false)));
    c.add(
        row(
            "logSumExp axis 1",
            s(d(3, 4)),
            Domain.ANY,
            t -> t[0].logSumExp(1, false),
            r -> r[0].map(Math::exp).reduce(d(1), 0, Double::sum).map(Math::log)));
    c.add(row("softmax axis 1", s(d(3, 4)), Domain.ANY, t -> t[0].softmax(1), r -> softmax(r[0])));
    c.add(
        row(
            "logSoftmax axis 1",
            s(d(3, 4)),
            Domain.ANY,
            t -> t[0].logSoftmax(1),
            r -> softmax(r[0]).map(Math::log)));
    // ---- matrix products
    c.add(
        row(
            "matmul 2d",
            s(d(3, 4), d(4, 2)),
            Domain.ANY,
            t -> t[0].matmul(t[1]),
            r -> r[0].matmul2d(r[1])));
    c.add(
        row(
            "matmul vector·matrix",
            s(d(4), d(4, 3)),
            Domain.ANY,
            t -> t[0].matmul(t[1]),
            r -> flat(new Ref(r[0].data(), d(1, 4)).matmul2d(r[1]))));
    c.add(
        row(
            "matmul matrix·vector",
            s(d(3, 4), d(4)),
            Domain.ANY,
            t -> t[0].matmul(t[1]),
            r -> flat(r[0].matmul2d(new Ref(r[1].data(), d(4, 1))))));
    c.add(
        row(
            "matmul dot",
            s(d(5), d(5)),
            Domain.ANY,
            t -> t[0].matmul(t[1]),
            r ->
                new Ref(
                    new Ref(r[0].data(), d(1, 5)).matmul2d(new Ref(r[1].data(), d(5, 1))).data(),
                    d())));
    c.add(
        row(
            "matmul batched broadcast",
            s(d(2, 3, 4), d(4, 2)),
            Domain.ANY,
            t -> t[0].matmul(t[1]),
            r -> batched(r[0], r[1])));
    c.add(
        row(
            "matmul transposed operand",
            s(d(4, 3), d(4, 2)),
            Domain.ANY,
            t -> t[0].t().matmul(t[1]),
            r -> r[0].transpose2d().matmul2d(r[1])));
    // ---- shape ops
    c.add(
        row(
            "reshape",
            s(d(2, 6)),
            Domain.ANY,
            t -> t[0].reshape(3, -1).mul(t[0].reshape(3, 4)),
            r -> new Ref(r[0].map(x -> x * x).data(), d(3, 4))));
    c.add(
        row(
            "transpose then reshape",
            s(d(2, 3)),
            Domain.ANY,
            t -> t[0].t().reshape(6),
            r -> flat(r[0].transpose2d())));
    c.add(
        row(
            "permute",
            s(d(2, 3, 4)),
            Domain.ANY,
            t -> t[0].permute(2, 0, 1).contiguous().reshape(24),
            r -> permute201(r[0])));
    c.add(
        row(
            "expand",
            s(d(3, 1)),
            Domain.ANY,
            t -> t[0].expand(3, 4).mul(Tensor.arange(4).float64()),
            r -> r[0].zip(new Ref(new double[] {0, 1, 2, 3}, d(4)), (a, b) -> a * b)));
    c.add(
        row(
            "slice with step",
            s(d(3, 7)),
            Domain.ANY,
            t -> t[0].slice(1, 1, 7, 2),
            r -> sliceCols(r[0], 1, 7, 2)));
    c.add(
        row(
            "narrow then select",
            s(d(4, 3)),
            Domain.ANY,
            t -> t[0].narrow(0, 1, 2).select(1, 2),
            r -> new Ref(new double[] {r[0].data()[5], r[0].data()[8]}, d(2))));
    c.add(
        row(
            "squeeze unsqueeze",
            s(d(3, 1)),
            Domain.ANY,
            t -> t[0].squeeze(1).unsqueeze(0).mul(2),
            r -> new Ref(r[0].map(x -> 2 * x).data(), d(1, 3))));
    c.add(
        row(
            "cat axis 1",
            s(d(2, 2), d(2, 3)),
            Domain.ANY,
            t -> Tensor.cat(1, t[0], t[1]),
            r -> catCols(r[0], r[1])));
    c.add(
        row(
            "stack axis 0",
            s(d(3), d(3)),
            Domain.ANY,
            t -> Tensor.stack(0, t[0], t[1]),
            r -> new Ref(concat(r[0].data(), r[1].data()), d(2, 3))));
    // ---- index ops (the index is a constant input)
    c.add(
        new OpCase(
            "gather axis 1",
            s(d(3, 4), d(3, 2)),
            Domain.ANY,
            t -> t[0].gather(1, t[1]),
            r -> gatherRows(r[0], new int[][] {{3, 0}, {1, 1}, {2, 0}}),
            new int[] {1},
            i -> Tensor.of(new double[][] {{3, 0}, {1, 1}, {2, 0}})));
    c.add(
        new OpCase(
            "where",
            s(d(2, 3), d(2, 3), d(3)),
            Domain.ANY,
            t -> Tensor.where(t[0], t[1], t[2]),
            r -> whereRef(new double[] {1, 0, 1, 0, 0, 1}, r[1], r[2]),
            new int[] {0},
            i -> Tensor.of(new double[][] {{1, 0, 1}, {0, 0, 1}})));
    c.add(
        row(
            "indexSelect rows with repeats",
            s(d(4, 3)),
            Domain.ANY,
            t -> t[0].indexSelect(0, 2, 0, 2),
            r ->
                new Ref(
                    concat(
                        concat(
                            java.util.Arrays.copyOfRange(r[0].data(), 6, 9),
                            java.util.Arrays.copyOfRange(r[0].data(), 0, 3)),
                        java.util.Arrays.copyOfRange(r[0].data(), 6, 9)),
                    d(3, 3))));
    // ---- layers and losses from dl.nn.functional
    c.add(
        row(
            "linear",
            s(d(4, 3), d(2, 3), d(2)),
            Domain.ANY,
            t -> F.linear(t[0], t[1], t[2]),
            r -> r[0].matmul2d(r[1].transpose2d()).zip(r[2], Double::sum)));
    c.add(
        row(
            "leakyRelu",
            s(d(3, 4)),
            Domain.AWAY_FROM_ZERO,
            t -> F.leakyRelu(t[0], 0.1),
            r -> r[0].map(x -> x > 0 ? x : 0.1 * x)));
    c.add(
        row(
            "prelu per channel",
            s(d(2, 3, 2), d(3)),
            Domain.AWAY_FROM_ZERO,
            t -> F.prelu(t[0], t[1]),
            r -> {
              double[] out = new double[12];
              for (int i = 0; i < 12; i++) {
                double x = r[0].data()[i];
                out[i] = x > 0 ? x : r[1].data()[(i / 2) % 3] * x;
              }
              return new Ref(out, d(2, 3, 2));
            }));
    c.add(
        row(
            "mseLoss",
            s(d(4, 2), d(4, 2)),
            Domain.ANY,
            t -> F.mseLoss(t[0], t[1]),
            r ->
                r[0].zip(r[1], (a, b) -> (a - b) * (a - b))
                    .reduce(d(0, 1), 0, Double::sum)
                    .map(x -> x / 8)));
    c.add(
        row(
            "binaryCrossEntropyWithLogits",
            s(d(5), d(5)),
            Domain.ANY,
            t -> F.binaryCrossEntropyWithLogits(t[0], t[1].sigmoid()),
            r ->
                r[0].zip(
                        r[1].map(v -> 1 / (1 + Math.exp(-v))),
                        (z, y) ->
                            -(y * Math.log(1 / (1 + Math.exp(-z)))
                                + (1 - y) * Math.log(1 - 1 / (1 + Math.exp(-z)))))
                    .reduce(d(0), 0, Double::sum)
                    .map(v -> v / 5)));
    c.add(
        row(
            "binaryCrossEntropy",
            s(d(5), d(5)),
            Domain.ANY,
            t -> F.binaryCrossEntropy(t[0].sigmoid(), t[1].sigmoid()),
            r ->
                r[0].map(v -> 1 / (1 + Math.exp(-v)))
                    .zip(
                        r[1].map(v -> 1 / (1 + Math.exp(-v))),
                        (p, y) -> -(y * Math.log(p) + (1 - y) * Math.log(1 - p)))
                    .reduce(d(0), 0, Double::sum)
                    .map(v -> v / 5)));
    c.add(
        new OpCase(
            "crossEntropy class indices",
            s(d(4, 3), d(4)),
            Domain.ANY,
            t -> F.crossEntropy(t[0], t[1]),
            r -> crossEntropyRef(r[0], new int[] {2, 0, 1, 2}),
            new int[] {1},
            i -> Tensor.of(2, 0, 1, 2)));
    c.add(
        row(
            "crossEntropy one-hot (soft) targets",
            s(d(4, 3), d(4, 3)),
            Domain.ANY,
            t -> F.crossEntropy(t[0], t[1].softmax(1)),
            r -> {
              Ref p = softmax(r[0]).map(Math::log), q = softmax(r[1]);
              return p.zip(q, (lp, y) -> -lp * y).reduce(d(0, 1), 0, Double::sum).map(v -> v / 4);
            }));
    // ---- convolution and pooling (dl.nn.functional.Conv), against NaiveConv's loops
    int[] one = {1, 1};
    c.add(
        row(
            "conv2d basic",
            s(d(2, 3, 5, 5), d(4, 3, 3, 3), d(4)),
            Domain.ANY,
            t -> Conv.conv2d(t[0], t[1], t[2], one, Conv.pad(0, 0), one, 1),
            r -> NaiveConv.conv2d(r[0], r[1], r[2], one, new int[4], one, 1)));
    c.add(
        row(
            "conv2d stride 2 padding 1",
            s(d(1, 3, 7, 9), d(5, 3, 3, 3), d(5)),
            Domain.ANY,
            t -> Conv.conv2d(t[0], t[1], t[2], new int[] {2, 2}, Conv.pad(1, 1), one, 1),
            r ->
                NaiveConv.conv2d(
                    r[0], r[1], r[2], new int[] {2, 2}, new int[] {1, 1, 1, 1}, one, 1)));
    c.add(
        row(
            "conv2d dilation 2, non-square kernel",
            s(d(2, 2, 7, 8), d(3, 2, 3, 2), d(3)),
            Domain.ANY,
            t ->
                Conv.conv2d(
                    t[0],
                    t[1],
                    t[2],
                    new int[] {1, 2},
                    new int[] {1, 0, 2, 1},
                    new int[] {2, 1},
                    1),
            r ->
                NaiveConv.conv2d(
                    r[0],
                    r[1],
                    r[2],
                    new int[] {1, 2},
                    new int[] {1, 0, 2, 1},
                    new int[] {2, 1},
                    1)));
    c.add(
        row(
            "conv2d groups 2, no bias",
            s(d(2, 4, 5, 6), d(6, 2, 3, 3)),
            Domain.ANY,
            t -> Conv.conv2d(t[0], t[1], null, one, Conv.pad(1, 1), one, 2),
            r -> NaiveConv.conv2d(r[0], r[1], null, one, new int[] {1, 1, 1, 1}, one, 2)));
    c.add(
        row(
            "conv2d depthwise, odd channels",
            s(d(1, 3, 6, 5), d(3, 1, 3, 3), d(3)),
            Domain.ANY,
            t -> Conv.conv2d(t[0], t[1], t[2], new int[] {2, 1}, Conv.pad(1, 0), one, 3),
            r ->
                NaiveConv.conv2d(
                    r[0], r[1], r[2], new int[] {2, 1}, new int[] {1, 1, 0, 0}, one, 3)));
    c.add(
        row(
            "conv2d of a permuted (strided) input",
            s(d(5, 5, 1, 2), d(2, 2, 2, 2)),
            Domain.ANY,
            t -> Conv.conv2d(t[0].permute(2, 3, 0, 1), t[1], null, one, Conv.pad(0, 0), one, 1),
            r -> NaiveConv.conv2d(permute2301(r[0]), r[1], null, one, new int[4], one, 1)));
    c.add(
        row(
            "convTranspose2d stride 2 padding 1 outputPadding 1",
            s(d(2, 3, 3, 4), d(3, 2, 3, 3), d(2)),
            Domain.ANY,
            t ->
                Conv.convTranspose2d(
                    t[0], t[1], t[2], new int[] {2, 2}, Conv.pad(1, 1), one, one, 1),
            r -> NaiveConv.convTranspose2d(r[0], r[1], r[2], 2, 1, 1, 1, 1)));
    c.add(
        row(
            "convTranspose2d dilation 2 groups 2",
            s(d(1, 4, 3, 3), d(4, 1, 2, 2)),
            Domain.ANY,
            t ->
                Conv.convTranspose2d(
                    t[0], t[1], null, one, Conv.pad(0, 0), new int[] {0, 0}, new int[] {2, 2}, 2),
            r -> NaiveConv.convTranspose2d(r[0], r[1], null, 1, 0, 0, 2, 2)));
    c.add(
        row(
            "maxPool2d 2x2",
            s(d(2, 3, 4, 6)),
            Domain.ANY,
            t -> Pool.maxPool2d(t[0], new int[] {2, 2}, new int[] {2, 2}, Conv.pad(0, 0), one),
            r -> NaiveConv.pool(r[0], 2, 2, 0, 1, true)));
    c.add(
        row(
            "maxPool2d 3x3 stride 2 padding 1",
            s(d(1, 2, 7, 7)),
            Domain.ANY,
            t -> Pool.maxPool2d(t[0], new int[] {3, 3}, new int[] {2, 2}, Conv.pad(1, 1), one),
            r -> NaiveConv.pool(r[0], 3, 2, 1, 1, true)));
    c.add(
        row(
            "maxPool2d dilation 2",
            s(d(1, 1, 6, 6)),
            Domain.ANY,
            t ->
                Pool.maxPool2d(
                    t[0], new int[] {2, 2}, new int[] {1, 1}, Conv.pad(0, 0), new int[] {2, 2}),
            r -> NaiveConv.pool(r[0], 2, 1, 0, 2, true)));
    // Max unpooling (the Scatter primitive); the indices are data. Repeated indices (overlapping
    // windows that chose one pixel, so equal values) are covered by the PyTorch fixtures: with
    // different values the overwritten one has a numerical gradient of 0, so they are not used
    // here.
    c.add(
        new OpCase(
            "maxUnpool2d",
            s(d(1, 1, 2, 2), d(1, 1, 2, 2)),
            Domain.ANY,
            t -> Pool.maxUnpool2d(t[0], t[1], 4, 4),
            r -> {
              double[] out = new double[16];
              int[] at = {5, 6, 9, 15};
              for (int i = 0; i < 4; i++) out[at[i]] = r[0].data()[i];
              return new Ref(out, d(1, 1, 4, 4));
            },
            new int[] {1},
            i -> Tensor.of(5, 6, 9, 15).reshape(1, 1, 2, 2)));
    c.add(
        row(
            "avgPool2d 3x3 stride 2 padding 1",
            s(d(2, 2, 5, 5)),
            Domain.ANY,
            t -> Pool.avgPool2d(t[0], new int[] {3, 3}, new int[] {2, 2}, Conv.pad(1, 1)),
            r -> NaiveConv.pool(r[0], 3, 2, 1, 1, false)));
    c.add(
        row(
            "adaptiveAvgPool2d global",
            s(d(2, 3, 4, 5)),
            Domain.ANY,
            t -> Pool.adaptiveAvgPool2d(t[0], 1, 1),
            r ->
                new Ref(
                    r[0].reduce(d(2, 3), 0, Double::sum).map(v -> v / 20).data(), d(2, 3, 1, 1))));
    c.add(
        row(
            "batchNorm training",
            s(d(4, 3, 2, 2), d(3), d(3)),
            Domain.ANY,
            t ->
                Norm.batchNorm(
                    t[0],
                    Tensor.zeros(dl.DType.FLOAT64, 3),
                    Tensor.ones(dl.DType.FLOAT64, 3),
                    t[1],
                    t[2],
                    true,
                    0.1,
                    1e-5),
            r -> batchNormRef(r[0], r[1], r[2])));
    c.add(
        row(
            "batchNorm eval",
            s(d(2, 3, 2, 2)),
            Domain.ANY,
            t ->
                Norm.batchNorm(
                    t[0],
                    Tensor.of(0.5, -1, 2).float64(),
                    Tensor.of(4, 0.25, 1).float64(),
                    null,
                    null,
                    false,
                    0.1,
                    0),
            r -> {
              double[] m = {0.5, -1, 2}, v = {4, 0.25, 1};
              double[] out = r[0].data().clone();
              for (int i = 0; i < out.length; i++)
                out[i] = (out[i] - m[(i / 4) % 3]) / Math.sqrt(v[(i / 4) % 3]);
              return new Ref(out, r[0].shape());
            }));
    c.add(
        row(
            "localResponseNorm size 3",
            s(d(2, 4, 2, 2)),
            Domain.ANY,
            t -> Norm.localResponseNorm(t[0], 3, 0.5, 0.75, 2),
            r -> lrnRef(r[0], 3, 0.5, 0.75, 2)));
    // ---- composites the course leans on
    c.add(
        row(
            "logistic regression loss",
            s(d(4, 3), d(3)),
            Domain.ANY,
            t -> t[0].matmul(t[1]).sigmoid().log().neg().mean(),
            r -> {
              Ref z = r[0].matmul2d(new Ref(r[1].data(), d(3, 1)));
              return z.map(x -> -Math.log(1 / (1 + Math.exp(-x))))
                  .reduce(d(0, 1), 0, Double::sum)
                  .map(x -> x / 4);
            }));
    return c;
  }

  static Ref crossEntropyRef(Ref logits, int[] labels) {
    Ref p = softmax(logits);
    int c = logits.shape()[1];
    double sum = 0;
    for (int i = 0; i < labels.length; i++) sum -= Math.log(p.data()[i * c + labels[i]]);
    return new Ref(new double[] {sum / labels.length}, d());
  }

  static Ref permute2301(Ref x) {
    int a = x.shape()[0], b = x.shape()[1], c = x.shape()[2], e = x.shape()[3];
    double[] out = new double[x.numel()];
    for (int i = 0; i < a; i++)
      for (int j = 0; j < b; j++)
        for (int k = 0; k < c; k++)
          for (int l = 0; l < e; l++)
            out[((k * e + l) * a + i) * b + j] = x.data()[((i * b + j) * c + k) * e + l];
    return new Ref(out, d(c, e, a, b));
  }

  static Ref batchNormRef(Ref x, Ref gamma, Ref beta) {
    int n = x.shape()[0], c = x.shape()[1], hw = x.shape()[2] * x.shape()[3];
    double[] out = new double[x.numel()];
    for (int ch = 0; ch < c; ch++) {
      double mean = 0, var = 0;
      for (int i = 0; i < n; i++)
        for (int p = 0; p < hw; p++) mean += x.data()[(i * c + ch) * hw + p];
      mean /= n * hw;
      for (int i = 0; i < n; i++)
        for (int p = 0; p < hw; p++) var += Math.pow(x.data()[(i * c + ch) * hw + p] - mean, 2);
      var /= n * hw;
      for (int i = 0; i < n; i++)
        for (int p = 0; p < hw; p++) {
          int k = (i * c + ch) * hw + p;
          out[k] =
              gamma.data()[ch] * (x.data()[k] - mean) / Math.sqrt(var + 1e-5) + beta.data()[ch];
        }
    }
    return new Ref(out, x.shape());
  }

  static Ref lrnRef(Ref x, int size, double alpha, double beta, double k) {
    int n = x.shape()[0], c = x.shape()[1], hw = x.shape()[2] * x.shape()[3];
    double[] out = new double[x.numel()];
    for (int i = 0; i < n; i++)
      for (int ch = 0; ch < c; ch++)
        for (int p = 0; p < hw; p++) {
          double sum = 0;
          for (int j = ch - size / 2; j <= ch + (size - 1) / 2; j++)
            if (j >= 0 && j < c) sum += Math.pow(x.data()[(i * c + j) * hw + p], 2);
          int at = (i * c + ch) * hw + p;
          out[at] = x.data()[at] / Math.pow(k + alpha / size * sum, beta);
        }
    return new Ref(out, x.shape());
  }

  static Ref flat(Ref r) {
    return new Ref(r.data(), d(r.numel()));
  }

  static double[] concat(double[] a, double[] b) {
    double[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  static Ref variance(Ref x, int rows, int cols, boolean unbiased) {
    double[] out = new double[cols];
    for (int j = 0; j < cols; j++) {
      double mean = 0;
      for (int i = 0; i < rows; i++) mean += x.data()[i * cols + j];
      mean /= rows;
      double ss = 0;
      for (int i = 0; i < rows; i++) ss += Math.pow(x.data()[i * cols + j] - mean, 2);
      out[j] = ss / (unbiased ? rows - 1 : rows);
    }
    return new Ref(out, d(cols));
  }

  static Ref softmax(Ref x) {
    int rows = x.shape()[0], cols = x.shape()[1];
    double[] out = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      double z = 0;
      for (int j = 0; j < cols; j++) z += Math.exp(x.data()[i * cols + j]);
      for (int j = 0; j < cols; j++) out[i * cols + j] = Math.exp(x.data()[i * cols + j]) / z;
    }
    return new Ref(out, x.shape());
  }

  static Ref batched(Ref a, Ref b) {
    int batches = a.shape()[0], m = a.shape()[1], k = a.shape()[2];
    double[] out = new double[0];
    for (int i = 0; i < batches; i++) {
      Ref ai = new Ref(java.util.Arrays.copyOfRange(a.data(), i * m * k, (i + 1) * m * k), d(m, k));
      out = concat(out, ai.matmul2d(b).data());
    }
    return new Ref(out, d(batches, m, b.shape()[1]));
  }

  static Ref permute201(Ref x) {
    int a = x.shape()[0], b = x.shape()[1], c = x.shape()[2];
    double[] out = new double[a * b * c];
    int p = 0;
    for (int k = 0; k < c; k++)
      for (int i = 0; i < a; i++)
        for (int j = 0; j < b; j++) out[p++] = x.data()[(i * b + j) * c + k];
    return new Ref(out, d(a * b * c));
  }

  static Ref sliceCols(Ref x, int start, int end, int step) {
    int rows = x.shape()[0], cols = x.shape()[1];
    int[] picked = IntStream.iterate(start, j -> j < end, j -> j + step).toArray();
    double[] out = new double[rows * picked.length];
    for (int i = 0; i < rows; i++)
      for (int j = 0; j < picked.length; j++)
        out[i * picked.length + j] = x.data()[i * cols + picked[j]];
    return new Ref(out, d(rows, picked.length));
  }

  static Ref catCols(Ref a, Ref b) {
    int rows = a.shape()[0], ca = a.shape()[1], cb = b.shape()[1];
    double[] out = new double[rows * (ca + cb)];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < ca; j++) out[i * (ca + cb) + j] = a.data()[i * ca + j];
      for (int j = 0; j < cb; j++) out[i * (ca + cb) + ca + j] = b.data()[i * cb + j];
    }
    return new Ref(out, d(rows, ca + cb));
  }

  static Ref gatherRows(Ref x, int[][] index) {
    int cols = x.shape()[1], k = index[0].length;
    double[] out = new double[index.length * k];
    for (int i = 0; i < index.length; i++)
      for (int j = 0; j < k; j++) out[i * k + j] = x.data()[i * cols + index[i][j]];
    return new Ref(out, d(index.length, k));
  }

  static Ref whereRef(double[] cond, Ref a, Ref b) {
    int[] shape = a.shape();
    double[] out = new double[cond.length];
    for (int i = 0; i < cond.length; i++) {
      int[] idx = Ref.unravel(i, shape);
      out[i] = cond[i] != 0 ? a.at(idx) : b.at(idx);
    }
    return new Ref(out, shape);
  }
}

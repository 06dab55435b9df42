package dl.backend.opencl;

import dl.DType;
import dl.backend.BinaryOp;
import dl.backend.ReduceOp;
import dl.backend.UnaryOp;
import dl.backend.View;
import dl.backend.opencl.Launcher.Local;

/**
 * The elementwise family on the device: fill, copy, unary and binary ops, where, reductions, and
 * gather/scatter (kernels in elementwise.cl, copy.cl, reduce.cl and conv.cl). An op's code in the
 * kernels is its enum position, defined there as a name ({@link ProgramCache#OP_CODES}).
 */
final class ClElementwise {
  private final OpRunner runner;
  private final Launcher launcher;

  ClElementwise(OpRunner runner) {
    this.runner = runner;
    this.launcher = runner.launcher;
  }

  void fill(View out, double value) {
    DType t = out.dtype();
    runner.run(
        "fill",
        runner.fits(out),
        () ->
            launcher.run1d(
                runner.kernel("elementwise.cl", t, "fill"),
                out.numel(),
                runner.cl(out),
                Launcher.compact(out),
                OpRunner.scalarArg(t, value),
                out.numel()),
        new View[] {out},
        0,
        (cpu, v) -> cpu.fill(v[0], value));
  }

  void copy(View src, View dst) {
    int n = dst.numel();
    runner.run(
        "copy",
        runner.fits(src, dst),
        () -> {
          if (n == 0) return;
          if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous())
            runner.memory.copy(runner.cl(src), src.offset(), runner.cl(dst), dst.offset(), n);
          else
            launcher.run1d(
                runner.programs.kernel(
                    "copy.cl", runner.copyDefines(src.dtype(), dst.dtype()), "copy"),
                n,
                runner.cl(src),
                Launcher.compact(src),
                runner.cl(dst),
                Launcher.compact(dst),
                n);
        },
        new View[] {src, dst},
        1,
        (cpu, v) -> cpu.copy(v[0], v[1]));
  }

  void unary(UnaryOp op, View in, View out) {
    runner.run(
        "unary " + op,
        runner.fits(in, out) && in.dtype() == out.dtype(),
        () ->
            launcher.run1d(
                runner.kernel("elementwise.cl", out.dtype(), "unary"),
                out.numel(),
                op.ordinal(),
                runner.cl(in),
                Launcher.compact(in),
                runner.cl(out),
                Launcher.compact(out),
                out.numel()),
        new View[] {in, out},
        1,
        (cpu, v) -> cpu.unary(op, v[0], v[1]));
  }

  void binary(BinaryOp op, View a, View b, View out) {
    DType t = out.dtype();
    runner.run(
        "binary " + op,
        runner.fits(a, b, out),
        () -> {
          View a2 = asType(a, t), b2 = asType(b, t);
          launcher.run1d(
              runner.kernel("elementwise.cl", t, "binary"),
              out.numel(),
              op.ordinal(),
              runner.cl(a2),
              Launcher.compact(a2),
              runner.cl(b2),
              Launcher.compact(b2),
              runner.cl(out),
              Launcher.compact(out),
              out.numel());
        },
        new View[] {a, b, out},
        2,
        (cpu, v) -> cpu.binary(op, v[0], v[1], v[2]));
  }

  void where(View cond, View a, View b, View out) {
    DType t = out.dtype();
    runner.run(
        "where",
        runner.fits(cond, a, b, out),
        () -> {
          View c2 = asType(cond, t), a2 = asType(a, t), b2 = asType(b, t);
          launcher.run1d(
              runner.kernel("elementwise.cl", t, "where_"),
              out.numel(),
              runner.cl(c2),
              Launcher.compact(c2),
              runner.cl(a2),
              Launcher.compact(a2),
              runner.cl(b2),
              Launcher.compact(b2),
              runner.cl(out),
              Launcher.compact(out),
              out.numel());
        },
        new View[] {cond, a, b, out},
        3,
        (cpu, v) -> cpu.where(v[0], v[1], v[2], v[3]));
  }

  // ---------------------------------------------------------------- reductions

  /** Work-items per group for reductions that give each output element a whole group. */
  private int reduceGroup() {
    int g = 1;
    while (g * 2 <= Math.min(256, runner.device.maxWorkGroup())) g *= 2;
    return g;
  }

  void reduce(ReduceOp op, View in, View out) {
    int nout = out.numel();
    if (nout == 0) return;
    int nred = in.numel() / nout;
    if (in.numel() == 0) {
      fill(out, op.identity());
      return;
    }
    DType t = out.dtype();
    runner.run(
        "reduce " + op,
        runner.fits(in, out) && in.dtype() == t,
        () -> {
          if (nred >= 128) {
            int group = reduceGroup();
            int accBytes = runner.device.fp64() ? 8 : 4;
            launcher.run(
                runner.kernel("reduce.cl", t, "reduce_groups"),
                new long[] {(long) nout * group},
                new long[] {group},
                op.ordinal(),
                runner.cl(in),
                Launcher.full(in),
                runner.cl(out),
                Launcher.full(out),
                nout,
                nred,
                new Local((long) group * accBytes));
          } else {
            launcher.run1d(
                runner.kernel("reduce.cl", t, "reduce_rows"),
                nout,
                op.ordinal(),
                runner.cl(in),
                Launcher.full(in),
                runner.cl(out),
                Launcher.full(out),
                nout,
                nred);
          }
        },
        new View[] {in, out},
        1,
        (cpu, v) -> cpu.reduce(op, v[0], v[1]));
  }

  void argReduce(ReduceOp op, View in, int axis, View out) {
    int nout = out.numel();
    runner.run(
        "argReduce " + op,
        op != ReduceOp.SUM && runner.fits(in, out) && in.dtype() == out.dtype(),
        () ->
            launcher.run1d(
                runner.kernel("reduce.cl", out.dtype(), "arg_reduce"),
                nout,
                op.ordinal(),
                runner.cl(in),
                Launcher.full(in),
                runner.cl(out),
                Launcher.full(out),
                axis,
                nout),
        new View[] {in, out},
        1,
        (cpu, v) -> cpu.argReduce(op, v[0], axis, v[1]));
  }

  // ---------------------------------------------------------------- gathers and scatters

  void gather(View in, int axis, View index, View out) {
    DType t = out.dtype();
    runner.run(
        "gather",
        runner.fits(in, index, out) && in.dtype() == t,
        () -> {
          View i2 = asType(index, t);
          launcher.run1d(
              runner.kernel("conv.cl", t, "gather"),
              out.numel(),
              runner.cl(in),
              Launcher.full(in),
              axis,
              runner.cl(i2),
              Launcher.compact(i2),
              runner.cl(out),
              Launcher.full(out),
              out.numel(),
              runner.clearedErrorFlag());
        },
        runner::errorFlagSet,
        new View[] {in, index, out},
        2,
        (cpu, v) -> cpu.gather(v[0], axis, v[1], v[2]));
  }

  /** {@code scatterAdd} when {@code accumulate}, else {@code scatter} (the last write wins). */
  void scatter(String op, View src, int axis, View index, View out, boolean accumulate) {
    DType t = out.dtype();
    int len = index.shape()[axis];
    if (index.numel() == 0) return;
    int lines = index.numel() / len;
    runner.run(
        op,
        runner.fits(src, index, out) && src.dtype() == t,
        () -> {
          View i2 = asType(index, t);
          launcher.run1d(
              runner.kernel("conv.cl", t, "scatter"),
              lines,
              accumulate ? 1 : 0,
              runner.cl(src),
              Launcher.full(src),
              axis,
              runner.cl(i2),
              Launcher.full(i2),
              runner.cl(out),
              Launcher.full(out),
              lines,
              runner.clearedErrorFlag());
        },
        runner::errorFlagSet,
        new View[] {src, index, out},
        2,
        (cpu, v) -> {
          if (accumulate) cpu.scatterAdd(v[0], axis, v[1], v[2]);
          else cpu.scatter(v[0], axis, v[1], v[2]);
        });
  }

  // ---------------------------------------------------------------- conversions

  /** {@code v} itself if it has type {@code t}, else a converted contiguous copy on the device. */
  View asType(View v, DType t) {
    if (v.dtype() == t) return v;
    return copyInto(v, t);
  }

  /** {@code v} itself if contiguous, else a contiguous copy on the device. */
  View dense(View v) {
    if (v.isContiguous()) return v;
    return copyInto(v, v.dtype());
  }

  private View copyInto(View v, DType t) {
    View c = View.contiguous(runner.allocate(t, v.numel()), v.shape());
    copy(v, c);
    return c;
  }
}

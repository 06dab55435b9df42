package dl.backend.opencl;

import dl.DType;
import dl.backend.ConvGeometry;
import dl.backend.View;
import dl.backend.opencl.Launcher.Struct;

/**
 * The sliding-window family on the device: unfold (im2col), fold (col2im) and max pooling (kernels
 * in conv.cl). Convolution itself is the interface's unfold-and-multiply.
 */
final class ClWindows {
  private final OpRunner runner;
  private final Launcher launcher;

  ClWindows(OpRunner runner) {
    this.runner = runner;
    this.launcher = runner.launcher;
  }

  /** The kernels' {@code geom_t}, field by field in its order. */
  private static Struct geometry(ConvGeometry g) {
    return new Struct(
        new int[] {
          g.n(),
          g.c(),
          g.h(),
          g.w(),
          g.kh(),
          g.kw(),
          g.strideH(),
          g.strideW(),
          g.padTop(),
          g.padBottom(),
          g.padLeft(),
          g.padRight(),
          g.dilationH(),
          g.dilationW(),
          g.outH(),
          g.outW()
        });
  }

  void im2col(View in, ConvGeometry g, View out) {
    if (!out.isContiguous())
      throw new IllegalArgumentException("im2col: output must be contiguous");
    DType t = out.dtype();
    long total = (long) g.rows() * g.columns();
    runner.run(
        "im2col",
        runner.fits(in, out) && in.dtype() == t,
        () ->
            launcher.run1d(
                runner.kernel("conv.cl", t, "im2col"),
                total,
                runner.cl(in),
                Launcher.full(in),
                runner.cl(out),
                out.offset(),
                geometry(g),
                (int) total),
        new View[] {in, out},
        1,
        (cpu, v) -> cpu.im2col(v[0], g, v[1]));
  }

  void col2im(View cols, ConvGeometry g, View out) {
    if (!cols.isContiguous() || !out.isContiguous())
      throw new IllegalArgumentException("col2im: columns and output must be contiguous");
    DType t = out.dtype();
    int total = g.n() * g.c() * g.h() * g.w();
    runner.run(
        "col2im",
        runner.fits(cols, out) && cols.dtype() == t,
        () ->
            launcher.run1d(
                runner.kernel("conv.cl", t, "col2im"),
                total,
                runner.cl(cols),
                cols.offset(),
                runner.cl(out),
                out.offset(),
                geometry(g),
                total),
        new View[] {cols, out},
        1,
        (cpu, v) -> cpu.col2im(v[0], g, v[1]));
  }

  void maxPool2d(View in, ConvGeometry g, View out, View indices) {
    if (!out.isContiguous() || !indices.isContiguous())
      throw new IllegalArgumentException("maxPool2d: output and indices must be contiguous");
    DType t = out.dtype();
    int total = g.n() * g.c() * g.outH() * g.outW();
    runner.run(
        "maxPool2d",
        runner.fits(in, out, indices) && in.dtype() == t && indices.dtype() == t,
        () ->
            launcher.run1d(
                runner.kernel("conv.cl", t, "max_pool"),
                total,
                runner.cl(in),
                Launcher.full(in),
                runner.cl(out),
                out.offset(),
                runner.cl(indices),
                indices.offset(),
                geometry(g),
                total),
        new View[] {in, out, indices},
        1,
        (cpu, v) -> cpu.maxPool2d(v[0], g, v[1], v[2]));
  }
}

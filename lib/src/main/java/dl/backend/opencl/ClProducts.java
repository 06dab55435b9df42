package dl.backend.opencl;

import dl.DType;
import dl.backend.View;

/** The matrix product on the device: the tiled, batched kernel of gemm.cl. */
final class ClProducts {
  private final OpRunner runner;
  private final ClElementwise elementwise;

  /** Tile sizes for gemm.cl; {@code -Ddl.opencl.gemm=TS,WPT,TK} overrides them (for tuning). */
  private final GemmTiles tiles;

  ClProducts(OpRunner runner, ClElementwise elementwise, GemmTiles tiles) {
    this.runner = runner;
    this.elementwise = elementwise;
    this.tiles = tiles;
  }

  /** Compiler options for gemm.cl over elements of type {@code t}: the type and the tile sizes. */
  String defines(DType t) {
    return runner.defines(t) + tiles.defines();
  }

  void matmul(View a, View b, View out) {
    int r = out.rank();
    int m = out.shape()[r - 2], n = out.shape()[r - 1], k = a.shape()[r - 1];
    int batches = out.numel() / Math.max(1, m * n);
    if (out.numel() == 0) return;
    if (k == 0) {
      elementwise.fill(out, 0);
      return;
    }
    DType t = out.dtype();
    int ts = tiles.ts(), threads = GemmTiles.THREADS;
    runner.run(
        "matmul",
        runner.fits(a, b, out)
            && a.dtype() == t
            && b.dtype() == t
            && runner.device.maxWorkGroup() >= threads * threads,
        () ->
            runner.launcher.run(
                runner.programs.kernel("gemm.cl", defines(t), "gemm"),
                new long[] {
                  (long) (n + ts - 1) / ts * threads, (long) (m + ts - 1) / ts * threads, batches
                },
                new long[] {threads, threads, 1},
                m,
                n,
                k,
                runner.cl(a),
                Launcher.batch(a),
                a.strides()[r - 2],
                a.strides()[r - 1],
                runner.cl(b),
                Launcher.batch(b),
                b.strides()[r - 2],
                b.strides()[r - 1],
                runner.cl(out),
                Launcher.batch(out),
                out.strides()[r - 2],
                out.strides()[r - 1]),
        new View[] {a, b, out},
        2,
        (cpu, v) -> cpu.matmul(v[0], v[1], v[2]));
  }
}

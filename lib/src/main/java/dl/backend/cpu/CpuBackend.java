package dl.backend.cpu;

import dl.backend.Backend;
import dl.backend.BinaryOp;
import dl.backend.Buffer;
import dl.backend.ConvGeometry;
import dl.backend.DType;
import dl.backend.ReduceOp;
import dl.backend.UnaryOp;
import dl.backend.View;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Kernels as Java loops over heap arrays. Strided views are walked row by row, with axes merged
 * where the layout allows ({@link Strided}). With the Vector API module, the float32 matrix product
 * ({@link SimdGemm}) and the common elementwise rows ({@link SimdOps}) use explicit SIMD; without
 * it, plain loops. Convolution goes image by image: each thread unfolds one image into a buffer it
 * keeps and multiplies it while it is in cache. Matrix products (in tiles), elementwise ops (by
 * rows), images and batch norm's per-channel loops (by channel) are split across a shared pool,
 * with the calling thread taking chunks too; every output element is computed by one thread in a
 * fixed order (a weight gradient sums images in fixed groups of four), so results are identical for
 * any thread count.
 */
public final class CpuBackend implements Backend {

  /** Below this many multiply-adds a product runs on the calling thread: forking costs more. */
  private static final long PARALLEL_WORK = 1L << 15;

  private final ForkJoinPool pool;
  private final int threads;
  private final boolean simd;

  public CpuBackend() {
    this(configuredThreads());
  }

  public CpuBackend(int threads) {
    this(threads, SIMD_AVAILABLE);
  }

  /**
   * A backend on {@code threads} threads; {@code simd} picks the Vector API matrix product (only
   * honoured when the JVM has the {@code jdk.incubator.vector} module).
   */
  public CpuBackend(int threads, boolean simd) {
    if (threads < 1)
      throw new IllegalArgumentException("CpuBackend: threads must be >= 1, got " + threads);
    this.threads = threads;
    this.simd = simd && SIMD_AVAILABLE;
    this.pool = threads == 1 ? null : new ForkJoinPool(threads);
  }

  /**
   * True when the JVM was started with {@code --add-modules jdk.incubator.vector} (and {@code
   * -Ddl.simd=false} was not given), so float32 matrix products use explicit SIMD.
   */
  public static final boolean SIMD_AVAILABLE = simdAvailable();

  /**
   * Why float32 matrix products do not use SIMD, as advice a person can follow; empty when they do.
   */
  public static String noSimdReason() {
    return noSimdReason(
        SIMD_AVAILABLE,
        System.getProperty("dl.simd", ""),
        ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
  }

  static String noSimdReason(boolean available, String simdProperty, boolean vectorModule) {
    if (available) return "";
    if ("false".equalsIgnoreCase(simdProperty)) return "turned off by -Ddl.simd=false";
    if (!vectorModule) return "start Java with --add-modules jdk.incubator.vector for SIMD";
    return "this JDK's Vector API is not the one the SIMD kernels were written for";
  }

  private static boolean simdAvailable() {
    if ("false".equalsIgnoreCase(System.getProperty("dl.simd", ""))) return false;
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
    try {
      return SimdGemm.width() > 0;
    } catch (LinkageError e) { // a JDK whose Vector API differs: the plain loops still work
      return false;
    }
  }

  /** Thread count from {@code -Ddl.threads} or {@code DL_THREADS}, else one per core. */
  static int configuredThreads() {
    String value = System.getProperty("dl.threads", System.getenv("DL_THREADS"));
    if (value != null && !value.isBlank()) {
      try {
        int n = Integer.parseInt(value.trim());
        if (n >= 1) return n;
      } catch (NumberFormatException ignored) {
        // fall through to the default, which is always valid
      }
      System.err.println(
          "dl: ignoring DL_THREADS/dl.threads=" + value + " (want a positive integer)");
    }
    return Runtime.getRuntime().availableProcessors();
  }

  public int threads() {
    return threads;
  }

  /** Whether float32 matrix products use the Vector API kernels. */
  public boolean simd() {
    return simd;
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public String describe() {
    return "cpu: Java kernels on "
        + threads
        + " thread"
        + (threads == 1 ? "" : "s")
        + (simd
            ? ", matrix products with " + SimdGemm.lanes() + "-lane SIMD (Vector API)"
            : ", plain-loop matrix products ("
                + (SIMD_AVAILABLE ? "SIMD turned off for this backend" : noSimdReason())
                + ")");
  }

  private static HostBuffer host(View v) {
    Buffer b = v.buffer();
    if (b instanceof HostBuffer h) return h;
    throw new IllegalArgumentException(
        "cpu backend: buffer belongs to backend '"
            + b.backend().name()
            + "', not the CPU; move it with to(device) first");
  }

  @Override
  public Buffer allocate(DType dtype, int size) {
    if (size < 0) throw new IllegalArgumentException("allocate: negative size " + size);
    return dtype == DType.FLOAT32
        ? new HostBuffer(this, new float[size])
        : new HostBuffer(this, new double[size]);
  }

  @Override
  public Buffer fromArray(float[] data) {
    return new HostBuffer(this, data.clone());
  }

  @Override
  public Buffer fromArray(double[] data) {
    return new HostBuffer(this, data.clone());
  }

  @Override
  public double[] toDoubleArray(View view) {
    HostBuffer in = host(view);
    double[] result = new double[view.numel()];
    int[] pos = {0};
    int s = Strided.inner(view.strides());
    Strided.rows(
        view.shape(),
        new int[][] {view.strides()},
        new int[] {view.offset()},
        (off, n) -> {
          for (int i = 0, o = off[0]; i < n; i++, o += s) result[pos[0]++] = in.get(o);
        });
    return result;
  }

  @Override
  public float[] toFloatArray(View view) {
    HostBuffer in = host(view);
    if (in.f != null && view.isContiguous() && view.offset() == 0 && view.numel() == in.size())
      return in.f.clone();
    float[] result = new float[view.numel()];
    int[] pos = {0};
    int s = Strided.inner(view.strides());
    Strided.rows(
        view.shape(),
        new int[][] {view.strides()},
        new int[] {view.offset()},
        (off, n) -> {
          for (int i = 0, o = off[0]; i < n; i++, o += s) result[pos[0]++] = (float) in.get(o);
        });
    return result;
  }

  @Override
  public void fill(View out, double value) {
    HostBuffer o = host(out);
    int s = Strided.inner(out.strides());
    eachRow(
        out.shape(),
        new int[][] {out.strides()},
        new int[] {out.offset()},
        (off, n) -> {
          for (int i = 0, p = off[0]; i < n; i++, p += s) o.set(p, value);
        });
  }

  @Override
  public void copy(View src, View dst) {
    HostBuffer a = host(src), o = host(dst);
    int sa = Strided.inner(src.strides()), so = Strided.inner(dst.strides());
    if (a.f != null && o.f != null) {
      eachRow(
          dst.shape(),
          new int[][] {src.strides(), dst.strides()},
          new int[] {src.offset(), dst.offset()},
          (off, n) -> {
            if (sa == 1 && so == 1) System.arraycopy(a.f, off[0], o.f, off[1], n);
            else
              for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += sa, q += so) o.f[q] = a.f[p];
          });
      return;
    }
    eachRow(
        dst.shape(),
        new int[][] {src.strides(), dst.strides()},
        new int[] {src.offset(), dst.offset()},
        (off, n) -> {
          for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += sa, q += so) o.set(q, a.get(p));
        });
  }

  @Override
  public void unary(UnaryOp op, View in, View out) {
    HostBuffer a = host(in), o = host(out);
    int sa = Strided.inner(in.strides()), so = Strided.inner(out.strides());
    eachRow(
        out.shape(),
        new int[][] {in.strides(), out.strides()},
        new int[] {in.offset(), out.offset()},
        (off, n) -> {
          if (a.f != null && o.f != null && op == UnaryOp.RELU) {
            float[] x = a.f, y = o.f;
            if (sa == 1 && so == 1 && simd) SimdOps.relu(x, off[0], y, off[1], n);
            else if (sa == 1 && so == 1)
              for (int i = 0, p = off[0], q = off[1]; i < n; i++) y[q + i] = Math.max(x[p + i], 0f);
            else
              for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += sa, q += so)
                y[q] = Math.max(x[p], 0f);
          } else if (a.f != null && o.f != null && op == UnaryOp.STEP) {
            // ReLU's derivative, on every backward pass through a ReLU
            float[] x = a.f, y = o.f;
            if (sa == 1 && so == 1 && simd) SimdOps.step(x, off[0], y, off[1], n);
            else
              for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += sa, q += so)
                y[q] = x[p] > 0f ? 1f : 0f;
          } else if (a.f != null && o.f != null) {
            float[] x = a.f, y = o.f;
            for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += sa, q += so)
              y[q] = (float) op.apply(x[p]);
          } else {
            for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += sa, q += so)
              o.set(q, op.apply(a.get(p)));
          }
        });
  }

  @Override
  public void binary(BinaryOp op, View av, View bv, View out) {
    HostBuffer a = host(av), b = host(bv), o = host(out);
    int sa = Strided.inner(av.strides()),
        sb = Strided.inner(bv.strides()),
        so = Strided.inner(out.strides());
    boolean floats = a.f != null && b.f != null && o.f != null;
    if (floats
        && out.isContiguous()
        && (av.isContiguous() || av.numel() == 1 && isScalarView(av))
        && (bv.isContiguous() || isScalarView(bv))) {
      // Whole tensors in one flat row: the common case of same-shape or tensor-with-scalar
      // operands.
      int n = out.numel();
      int unitA = isScalarView(av) ? 0 : 1, unitB = isScalarView(bv) ? 0 : 1;
      if (simd && SimdOps.handles(op)) {
        // Large tensors are split over the pool like any other elementwise op.
        int chunks = n < PARALLEL_ELEMENTS ? 1 : threads * 4;
        forChunks(
            chunks,
            t -> {
              int from = (int) ((long) n * t / chunks), to = (int) ((long) n * (t + 1) / chunks);
              SimdOps.binary(
                  op,
                  a.f,
                  av.offset() + from * unitA,
                  unitA,
                  b.f,
                  bv.offset() + from * unitB,
                  unitB,
                  o.f,
                  out.offset() + from,
                  to - from);
            });
        return;
      }
      if (fastFloatRow(
          op,
          a.f,
          av.offset(),
          isScalarView(av) ? 0 : 1,
          b.f,
          bv.offset(),
          isScalarView(bv) ? 0 : 1,
          o.f,
          out.offset(),
          n)) return;
    }
    eachRow(
        out.shape(),
        new int[][] {av.strides(), bv.strides(), out.strides()},
        new int[] {av.offset(), bv.offset(), out.offset()},
        (off, n) -> {
          if (floats
              && so == 1
              && simd
              && SimdOps.binary(op, a.f, off[0], sa, b.f, off[1], sb, o.f, off[2], n)) return;
          if (floats
              && so == 1
              && fastFloatRow(op, a.f, off[0], sa, b.f, off[1], sb, o.f, off[2], n)) return;
          for (int i = 0, p = off[0], q = off[1], r = off[2];
              i < n;
              i++, p += sa, q += sb, r += so) {
            o.set(r, op.apply(a.get(p), b.get(q)));
          }
        });
  }

  // NOTE: the four arithmetic ops dominate training; a dedicated float loop avoids the per-element
  // enum dispatch and float/double branch of the generic path.
  private static boolean fastFloatRow(
      BinaryOp op, float[] a, int pa, int sa, float[] b, int pb, int sb, float[] o, int po, int n) {
    // NOTE: with zero offsets and unit strides the loops below are plain o[i] = a[i] ∘ b[i], which
    // HotSpot vectorises; with offsets it must assume o and a may overlap and stays scalar.
    if (pa == 0 && po == 0 && sa == 1 && (sb == 0 || pb == 0 && sb == 1)) {
      if (sb == 1) {
        switch (op) {
          case ADD -> {
            for (int i = 0; i < n; i++) o[i] = a[i] + b[i];
            return true;
          }
          case SUB -> {
            for (int i = 0; i < n; i++) o[i] = a[i] - b[i];
            return true;
          }
          case MUL -> {
            for (int i = 0; i < n; i++) o[i] = a[i] * b[i];
            return true;
          }
          case DIV -> {
            for (int i = 0; i < n; i++) o[i] = a[i] / b[i];
            return true;
          }
          default -> {
            return false;
          }
        }
      }
      float v = b[pb];
      switch (op) {
        case ADD -> {
          for (int i = 0; i < n; i++) o[i] = a[i] + v;
          return true;
        }
        case SUB -> {
          for (int i = 0; i < n; i++) o[i] = a[i] - v;
          return true;
        }
        case MUL -> {
          for (int i = 0; i < n; i++) o[i] = a[i] * v;
          return true;
        }
        case DIV -> {
          for (int i = 0; i < n; i++) o[i] = a[i] / v;
          return true;
        }
        default -> {
          return false;
        }
      }
    }
    // NOTE: unit and zero strides get their own loops: without the stride multiplies the JIT
    // unrolls them, about 2–3× faster than the general strided loop on broadcast rows (batch norm's
    // per-channel scale and shift).
    if (sa == 1 && sb == 1) {
      switch (op) {
        case ADD -> {
          for (int i = 0; i < n; i++) o[po + i] = a[pa + i] + b[pb + i];
        }
        case SUB -> {
          for (int i = 0; i < n; i++) o[po + i] = a[pa + i] - b[pb + i];
        }
        case MUL -> {
          for (int i = 0; i < n; i++) o[po + i] = a[pa + i] * b[pb + i];
        }
        case DIV -> {
          for (int i = 0; i < n; i++) o[po + i] = a[pa + i] / b[pb + i];
        }
        default -> {
          return false;
        }
      }
      return true;
    }
    if (sa == 1 && sb == 0) {
      float v = b[pb];
      switch (op) {
        case ADD -> {
          for (int i = 0; i < n; i++) o[po + i] = a[pa + i] + v;
        }
        case SUB -> {
          for (int i = 0; i < n; i++) o[po + i] = a[pa + i] - v;
        }
        case MUL -> {
          for (int i = 0; i < n; i++) o[po + i] = a[pa + i] * v;
        }
        case DIV -> {
          for (int i = 0; i < n; i++) o[po + i] = a[pa + i] / v;
        }
        default -> {
          return false;
        }
      }
      return true;
    }
    if (sa == 0 && sb == 1) {
      float v = a[pa];
      switch (op) {
        case ADD -> {
          for (int i = 0; i < n; i++) o[po + i] = v + b[pb + i];
        }
        case SUB -> {
          for (int i = 0; i < n; i++) o[po + i] = v - b[pb + i];
        }
        case MUL -> {
          for (int i = 0; i < n; i++) o[po + i] = v * b[pb + i];
        }
        case DIV -> {
          for (int i = 0; i < n; i++) o[po + i] = v / b[pb + i];
        }
        default -> {
          return false;
        }
      }
      return true;
    }
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) o[po + i] = a[pa + i * sa] + b[pb + i * sb];
      }
      case SUB -> {
        for (int i = 0; i < n; i++) o[po + i] = a[pa + i * sa] - b[pb + i * sb];
      }
      case MUL -> {
        for (int i = 0; i < n; i++) o[po + i] = a[pa + i * sa] * b[pb + i * sb];
      }
      case DIV -> {
        for (int i = 0; i < n; i++) o[po + i] = a[pa + i * sa] / b[pb + i * sb];
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** True when every element of the view is the same buffer element (a broadcast scalar). */
  private static boolean isScalarView(View v) {
    for (int st : v.strides()) if (st != 0) return false;
    return true;
  }

  @Override
  public void where(View cond, View av, View bv, View out) {
    HostBuffer c = host(cond), a = host(av), b = host(bv), o = host(out);
    int sc = Strided.inner(cond.strides()),
        sa = Strided.inner(av.strides()),
        sb = Strided.inner(bv.strides()),
        so = Strided.inner(out.strides());
    eachRow(
        out.shape(),
        new int[][] {cond.strides(), av.strides(), bv.strides(), out.strides()},
        new int[] {cond.offset(), av.offset(), bv.offset(), out.offset()},
        (off, n) -> {
          for (int i = 0, pc = off[0], pa = off[1], pb = off[2], po = off[3];
              i < n;
              i++, pc += sc, pa += sa, pb += sb, po += so) {
            o.set(po, c.get(pc) != 0 ? a.get(pa) : b.get(pb));
          }
        });
  }

  @Override
  public void reduce(ReduceOp op, View in, View out) {
    HostBuffer a = host(in), o = host(out);
    int[] inShape = in.shape(), outShape = out.shape();
    // Accumulate in double whatever the storage type, then round once: sums of many float32
    // values would otherwise lose digits. The walk is sequential, so the order is fixed.
    double[] acc = new double[out.numel()];
    Arrays.fill(acc, op.identity());
    int[] accStrides = View.rowMajorStrides(outShape);
    for (int d = 0; d < inShape.length; d++) if (outShape[d] == 1) accStrides[d] = 0;
    int sa = Strided.inner(in.strides()), sacc = Strided.inner(accStrides);
    Strided.rows(
        inShape,
        new int[][] {in.strides(), accStrides},
        new int[] {in.offset(), 0},
        (off, n) -> {
          if (a.f != null && op == ReduceOp.SUM) {
            // NOTE: the sums behind mean, batch norm and every broadcast gradient; a plain float
            // loop skips the generic path's per-element dispatch. Same order, same result.
            float[] f = a.f;
            if (sacc == 0) {
              // Four interleaved partial sums hide the add latency (4× faster than one chain);
              // the grouping depends only on the row, so the result is still fixed.
              double r0 = 0, r1 = 0, r2 = 0, r3 = 0;
              int i = 0, p = off[0];
              for (; i + 3 < n; i += 4, p += 4 * sa) {
                r0 += f[p];
                r1 += f[p + sa];
                r2 += f[p + 2 * sa];
                r3 += f[p + 3 * sa];
              }
              for (; i < n; i++, p += sa) r0 += f[p];
              acc[off[1]] += (r0 + r1) + (r2 + r3);
            } else {
              for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += sa, q += sacc)
                acc[q] += f[p];
            }
          } else if (sacc == 0) {
            double r = acc[off[1]];
            for (int i = 0, p = off[0]; i < n; i++, p += sa) r = op.combine(r, a.get(p));
            acc[off[1]] = r;
          } else {
            for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += sa, q += sacc)
              acc[q] = op.combine(acc[q], a.get(p));
          }
        });
    int[] pos = {0};
    int so = Strided.inner(out.strides());
    Strided.rows(
        outShape,
        new int[][] {out.strides()},
        new int[] {out.offset()},
        (off, n) -> {
          for (int i = 0, q = off[0]; i < n; i++, q += so) o.set(q, acc[pos[0]++]);
        });
  }

  @Override
  public void argReduce(ReduceOp op, View in, int axis, View out) {
    HostBuffer a = host(in), o = host(out);
    int len = in.shape()[axis], step = in.strides()[axis];
    int sa = Strided.inner(in.strides()), so = Strided.inner(out.strides());
    Strided.rows(
        out.shape(),
        new int[][] {in.strides(), out.strides()},
        new int[] {in.offset(), out.offset()},
        (off, n) -> {
          for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += sa, q += so) {
            int best = 0;
            double bestValue = a.get(p);
            for (int t = 1; t < len && !Double.isNaN(bestValue); t++) {
              double v = a.get(p + t * step);
              if (op.combine(bestValue, v) != bestValue || Double.isNaN(v)) {
                best = t;
                bestValue = v;
              }
            }
            o.set(q, best);
          }
        });
  }

  @Override
  public void matmul(View av, View bv, View out) {
    HostBuffer a = host(av), b = host(bv), o = host(out);
    int r = out.rank();
    int m = out.shape()[r - 2], n = out.shape()[r - 1], k = av.shape()[r - 1];
    int[] batchShape = Arrays.copyOf(out.shape(), r - 2);
    int batches = 1;
    for (int s : batchShape) batches *= s;
    int[][] batchOffsets = new int[batches][];
    int[] next = {0};
    // Enumerate batch offsets by walking the batch axes with a trailing unit axis appended.
    int[] walkShape = Arrays.copyOf(batchShape, r - 1);
    walkShape[r - 2] = 1;
    Strided.rowsAsGiven(
        walkShape,
        new int[][] {
          prefix(av.strides(), r - 1), prefix(bv.strides(), r - 1), prefix(out.strides(), r - 1)
        },
        new int[] {av.offset(), bv.offset(), out.offset()},
        (off, len) -> batchOffsets[next[0]++] = off.clone());
    boolean floats = a.f != null && b.f != null && o.f != null;
    int rsA = av.strides()[r - 2],
        csA = av.strides()[r - 1],
        rsB = bv.strides()[r - 2],
        csB = bv.strides()[r - 1];
    int rsO = out.strides()[r - 2], csO = out.strides()[r - 1];
    for (int[] offs : batchOffsets) {
      if (floats && simd) {
        simdMatmul(a.f, offs[0], rsA, csA, b.f, offs[1], rsB, csB, o.f, offs[2], rsO, csO, m, n, k);
      } else if (floats) {
        float[][] pa = rowsFloat(a.f, offs[0], rsA, csA, m, k);
        float[][] pb = rowsFloat(b.f, offs[1], rsB, csB, k, n);
        float[][] c = new float[m][n];
        parallelTiles(
            m,
            n,
            16,
            (long) m * n * k,
            (i0, i1, j0, j1) -> gemmFloat(pa, pb, c, i0, i1, j0, j1, k));
        for (int i = 0; i < m; i++) {
          int s = offs[2] + i * rsO;
          if (csO == 1) System.arraycopy(c[i], 0, o.f, s, n);
          else for (int j = 0; j < n; j++) o.f[s + j * csO] = c[i][j];
        }
      } else {
        double[][] pa = rowsDouble(a, offs[0], rsA, csA, m, k);
        double[][] pb = rowsDouble(b, offs[1], rsB, csB, k, n);
        double[][] c = new double[m][n];
        parallelRows(m, (long) m * n * k, (i0, i1) -> gemmRowsDouble(pa, pb, c, i0, i1, k, n));
        for (int i = 0; i < m; i++)
          for (int j = 0; j < n; j++) o.set(offs[2] + i * rsO + j * csO, c[i][j]);
      }
    }
  }

  private static int[] prefix(int[] a, int len) {
    int[] p = Arrays.copyOf(a, len);
    p[len - 1] = 0;
    return p;
  }

  /** Elementwise ops over fewer elements than this run on the calling thread. */
  private static final int PARALLEL_ELEMENTS = 1 << 16;

  /**
   * {@link Strided#rows} split over the pool by rows, for ops where every output element is written
   * once (elementwise ops, copies), so the split cannot change any result.
   */
  private void eachRow(int[] shape, int[][] strides, int[] base, Strided.RowVisitor visitor) {
    Strided.Plan plan = Strided.plan(shape, strides);
    int rows = plan.rows();
    if (pool == null || rows < 2 || (long) rows * plan.rowLength() < PARALLEL_ELEMENTS) {
      Strided.walk(plan, base, visitor, 0, rows);
      return;
    }
    int chunks = Math.min(rows, threads * 4);
    forChunks(
        chunks,
        c ->
            Strided.walk(
                plan,
                base,
                visitor,
                (int) ((long) rows * c / chunks),
                (int) ((long) rows * (c + 1) / chunks)));
  }

  /**
   * Runs {@code body} for chunks 0 … chunks − 1 on the calling thread and the pool together: each
   * thread claims the next chunk until none is left, and the call returns once every chunk has
   * finished (rethrowing the first failure). Which thread runs a chunk never changes its result.
   *
   * <p>NOTE: the calling thread works instead of only waiting, and never waits for a pool thread
   * that wakes up after the work is gone: handing each op to the pool and blocking on it cost tens
   * of microseconds in thread wake-ups, and a training step runs hundreds of ops.
   */
  private void forChunks(int chunks, IntConsumer body) {
    if (pool == null || chunks < 2) {
      for (int c = 0; c < chunks; c++) body.accept(c);
      return;
    }
    AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller = Thread.currentThread();
    Runnable work =
        () -> {
          for (int c; (c = next.getAndIncrement()) < chunks; ) {
            try {
              body.accept(c);
            } catch (Throwable t) {
              failure.compareAndSet(null, t);
            } finally {
              if (done.incrementAndGet() == chunks) LockSupport.unpark(caller);
            }
          }
        };
    for (int helper = 1; helper < Math.min(threads, chunks); helper++) pool.execute(work);
    work.run();
    // The other threads are finishing their last chunk: spin briefly, then sleep until woken.
    for (int spins = 0; done.get() < chunks; spins++) {
      if (spins < 2000) Thread.onSpinWait();
      else LockSupport.parkNanos(this, 200_000);
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException e) throw e;
    if (t instanceof Error e) throw e;
    if (t != null) throw new IllegalStateException(t);
  }

  private interface RowRange {
    void run(int from, int to);
  }

  private void parallelRows(int rows, long work, RowRange body) {
    if (pool == null || work < PARALLEL_WORK || rows < 2) {
      body.run(0, rows);
      return;
    }
    int chunks = Math.min(rows, threads * 4);
    forChunks(
        chunks,
        c -> body.run((int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks)));
  }

  private interface Tile {
    void run(int rowFrom, int rowTo, int colFrom, int colTo);
  }

  /**
   * Splits an m × n output into tiles for the pool: rows in blocks of four (the GEMM kernel's
   * unit), and, when there are too few row blocks to keep every thread busy (a convolution's
   * 16-channel output has four), columns as well. Each output element belongs to exactly one tile.
   */
  private void simdMatmul(
      float[] a,
      int aOffset,
      int rsA,
      int csA,
      float[] b,
      int bOffset,
      int rsB,
      int csB,
      float[] o,
      int oOffset,
      int rsO,
      int csO,
      int m,
      int n,
      int k) {
    // Both kernels read A along its rows; a transposed A (the weights in an input gradient, small)
    // is copied. B is read in place when its rows (NN) or its columns (NT) are contiguous.
    if (csA != 1 && k != 1) {
      float[] rows = new float[m * k];
      for (int i = 0; i < m; i++)
        for (int p = 0; p < k; p++) rows[i * k + p] = a[aOffset + i * rsA + p * csA];
      a = rows;
      aOffset = 0;
      rsA = k;
    }
    boolean nt = csB != 1 && (rsB == 1 || k == 1);
    if (csB != 1 && !nt) {
      float[] rows = new float[k * n];
      for (int p = 0; p < k; p++)
        for (int j = 0; j < n; j++) rows[p * n + j] = b[bOffset + p * rsB + j * csB];
      b = rows;
      bOffset = 0;
      rsB = n;
    }
    boolean direct = csO == 1;
    float[] c = direct ? o : new float[m * n];
    int cStart = direct ? oOffset : 0, ldc = direct ? rsO : n;
    float[] aIn = a, bIn = b;
    int aAt = aOffset, lda = rsA, bAt = bOffset, ldb = nt ? csB : rsB;
    long work = (long) m * n * k;
    if (nt) {
      parallelTiles(
          m,
          n,
          2,
          work,
          (i0, i1, j0, j1) ->
              SimdGemm.multiplyNT(aIn, aAt, lda, bIn, bAt, ldb, c, cStart, ldc, k, i0, i1, j0, j1));
    } else if (SimdGemm.packs(m, ldb)) {
      int blocks = (n + SimdGemm.width() - 1) / SimdGemm.width();
      float[] packed = new float[SimdGemm.packedSize(k, n)];
      int chunks = (long) k * n < PARALLEL_ELEMENTS ? 1 : Math.min(blocks, threads * 4);
      forChunks(
          chunks,
          t ->
              SimdGemm.packB(
                  bIn, bAt, ldb, k, n, blocks * t / chunks, blocks * (t + 1) / chunks, packed));
      parallelTiles(
          m,
          blocks,
          1,
          work,
          (i0, i1, q0, q1) ->
              SimdGemm.multiplyPackedNN(
                  aIn, aAt, lda, packed, c, cStart, ldc, k, n, i0, i1, q0, q1));
    } else {
      int blocks = (n + SimdGemm.width() - 1) / SimdGemm.width();
      parallelTiles(
          m,
          blocks,
          1,
          work,
          (i0, i1, q0, q1) ->
              SimdGemm.multiplyNN(
                  aIn, aAt, lda, bIn, bAt, ldb, c, cStart, ldc, k, n, i0, i1, q0, q1, null));
    }
    if (!direct)
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) o[oOffset + i * rsO + j * csO] = c[i * n + j];
  }

  private void parallelTiles(int m, int n, int grain, long work, Tile body) {
    if (pool == null || work < PARALLEL_WORK) {
      body.run(0, m, 0, n);
      return;
    }
    int tasks = threads * 4;
    int rowBlocks = (m + 3) / 4;
    int rowChunks = Math.min(rowBlocks, tasks);
    int colChunks = Math.max(1, Math.min(tasks / rowChunks, n / grain));
    forChunks(
        rowChunks * colChunks,
        t -> {
          int r = t / colChunks, c = t % colChunks;
          int i0 = Math.min(m, 4 * (int) ((long) rowBlocks * r / rowChunks));
          int i1 = Math.min(m, 4 * (int) ((long) rowBlocks * (r + 1) / rowChunks));
          // Column cuts on multiples of the grain keep vector loops whole.
          int j0 = c == 0 ? 0 : cut(n, c, colChunks, grain);
          int j1 = c == colChunks - 1 ? n : cut(n, c + 1, colChunks, grain);
          if (i0 < i1 && j0 < j1) body.run(i0, i1, j0, j1);
        });
  }

  private static int cut(int n, int c, int chunks, int grain) {
    return (int) ((long) n * c / chunks) / grain * grain;
  }

  // C[i, j] = Σ_p A[i, p] · B[p, j] for rows [i0, i1) and columns [j0, j1). The inner loop runs
  // along a row of B and a row of C with the same index, which the JIT turns into AVX instructions.
  // NOTE: rows are separate arrays because HotSpot does not vectorise c[ci + j] += x * b[bp + j]
  // when both indices carry an offset into arrays of one type (measured on JDK 17: about 5 GFLOP/s
  // with offsets, 20–30 without). Four rows of A share each pass over a row of B. Every C element
  // still sums over p in order, so results do not depend on tiling or threads.
  private static void gemmFloat(
      float[][] a, float[][] b, float[][] c, int i0, int i1, int j0, int j1, int k) {
    int i = i0;
    for (; i + 3 < i1; i += 4) {
      float[] c0 = c[i], c1 = c[i + 1], c2 = c[i + 2], c3 = c[i + 3];
      float[] a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
      for (int p = 0; p < k; p++) {
        float x0 = a0[p], x1 = a1[p], x2 = a2[p], x3 = a3[p];
        float[] bp = b[p];
        for (int j = j0; j < j1; j++) {
          float bv = bp[j];
          c0[j] += x0 * bv;
          c1[j] += x1 * bv;
          c2[j] += x2 * bv;
          c3[j] += x3 * bv;
        }
      }
    }
    for (; i < i1; i++) {
      float[] ci = c[i], ai = a[i];
      for (int p = 0; p < k; p++) {
        float x = ai[p];
        float[] bp = b[p];
        for (int j = j0; j < j1; j++) ci[j] += x * bp[j];
      }
    }
  }

  private static void gemmRowsDouble(
      double[][] a, double[][] b, double[][] c, int from, int to, int k, int n) {
    for (int i = from; i < to; i++) {
      double[] ci = c[i], ai = a[i];
      for (int p = 0; p < k; p++) {
        double x = ai[p];
        double[] bp = b[p];
        for (int j = 0; j < n; j++) ci[j] += x * bp[j];
      }
    }
  }

  /** The rows × cols matrix at offset with the given strides, one Java array per row. */
  private static float[][] rowsFloat(
      float[] src, int offset, int rowStride, int colStride, int rows, int cols) {
    float[][] dst = new float[rows][cols];
    if (colStride == 1) {
      for (int i = 0; i < rows; i++) System.arraycopy(src, offset + i * rowStride, dst[i], 0, cols);
      return dst;
    }
    // NOTE: a transposed operand (the weight gradient's im2col columns) is gathered in 32 × 32
    // tiles so each source cache line is used 32 times before it is evicted.
    for (int i0 = 0; i0 < rows; i0 += 32) {
      int i1 = Math.min(rows, i0 + 32);
      for (int j0 = 0; j0 < cols; j0 += 32) {
        int j1 = Math.min(cols, j0 + 32);
        for (int i = i0; i < i1; i++) {
          float[] d = dst[i];
          int s = offset + i * rowStride;
          for (int j = j0; j < j1; j++) d[j] = src[s + j * colStride];
        }
      }
    }
    return dst;
  }

  private static double[][] rowsDouble(
      HostBuffer src, int offset, int rowStride, int colStride, int rows, int cols) {
    double[][] dst = new double[rows][cols];
    for (int i = 0; i < rows; i++)
      for (int j = 0; j < cols; j++) dst[i][j] = src.get(offset + i * rowStride + j * colStride);
    return dst;
  }

  @Override
  public void gather(View in, int axis, View index, View out) {
    HostBuffer a = host(in), idx = host(index), o = host(out);
    int[] inBase = in.strides().clone();
    inBase[axis] = 0;
    int limit = in.shape()[axis], step = in.strides()[axis];
    int si = Strided.inner(index.strides()),
        so = Strided.inner(out.strides()),
        sa = Strided.inner(inBase);
    Strided.rows(
        out.shape(),
        new int[][] {index.strides(), out.strides(), inBase},
        new int[] {index.offset(), out.offset(), in.offset()},
        (off, n) -> {
          for (int i = 0, p = off[0], q = off[1], s = off[2];
              i < n;
              i++, p += si, q += so, s += sa) {
            int t = checkedIndex("gather", idx.get(p), limit, axis);
            o.set(q, a.get(s + t * step));
          }
        });
  }

  @Override
  public void scatterAdd(View src, int axis, View index, View out) {
    scatter("scatterAdd", src, axis, index, out, true);
  }

  @Override
  public void scatter(View src, int axis, View index, View out) {
    scatter("scatter", src, axis, index, out, false);
  }

  /**
   * Writes (or adds, when {@code accumulate}) each source element at its index along {@code axis}.
   */
  private void scatter(String op, View src, int axis, View index, View out, boolean accumulate) {
    HostBuffer a = host(src), idx = host(index), o = host(out);
    int[] outBase = out.strides().clone();
    outBase[axis] = 0;
    int limit = out.shape()[axis], step = out.strides()[axis];
    int si = Strided.inner(index.strides()),
        ss = Strided.inner(src.strides()),
        so = Strided.inner(outBase);
    Strided.rows(
        index.shape(),
        new int[][] {index.strides(), src.strides(), outBase},
        new int[] {index.offset(), src.offset(), out.offset()},
        (off, n) -> {
          if (a.f != null && o.f != null && idx.f != null) {
            // float32 (max pooling's backward pass): the same loop on the arrays themselves
            float[] src0 = a.f, out0 = o.f, index0 = idx.f;
            for (int i = 0, p = off[0], q = off[1], s = off[2];
                i < n;
                i++, p += si, q += ss, s += so) {
              int target = s + checkedIndex(op, index0[p], limit, axis) * step;
              out0[target] = accumulate ? out0[target] + src0[q] : src0[q];
            }
            return;
          }
          for (int i = 0, p = off[0], q = off[1], s = off[2];
              i < n;
              i++, p += si, q += ss, s += so) {
            int target = s + checkedIndex(op, idx.get(p), limit, axis) * step;
            o.set(target, accumulate ? o.get(target) + a.get(q) : a.get(q));
          }
        });
  }

  private static int checkedIndex(String op, double value, int limit, int axis) {
    int t = (int) value;
    if (t != value || t < 0 || t >= limit) {
      throw new IllegalArgumentException(
          op
              + ": index "
              + value
              + " out of range for axis "
              + axis
              + " of size "
              + limit
              + " (want an integer in [0, "
              + limit
              + "))");
    }
    return t;
  }

  // ---------------------------------------------------------------- sliding windows

  @Override
  public void im2col(View in, ConvGeometry g, View out) {
    HostBuffer x = host(in), o = host(out);
    if (!out.isContiguous())
      throw new IllegalArgumentException("im2col: output must be contiguous");
    int oh = g.outH(), ow = g.outW(), cols = g.columns(), khw = g.kh() * g.kw(), l = oh * ow;
    int[] st = in.strides();
    int base = in.offset();
    // Each thread fills whole rows (one channel and kernel offset each), so no two write together.
    parallelRows(
        g.rows(),
        (long) g.rows() * cols,
        (r0, r1) -> {
          if (x.f != null && o.f != null) {
            for (int n = 0; n < g.n(); n++)
              unfoldImage(x.f, base + n * st[0], st, g, r0, r1, o.f, out.offset() + n * l, cols);
            return;
          }
          for (int r = r0; r < r1; r++) {
            int c = r / khw, ki = (r / g.kw()) % g.kh(), kj = r % g.kw();
            int at = out.offset() + r * cols;
            for (int n = 0; n < g.n(); n++) {
              for (int y = 0; y < oh; y++) {
                int ih = y * g.strideH() - g.padTop() + ki * g.dilationH();
                int row = base + n * st[0] + c * st[1] + ih * st[2];
                for (int xo = 0; xo < ow; xo++) {
                  int iw = xo * g.strideW() - g.padLeft() + kj * g.dilationW();
                  boolean inside = ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w();
                  o.set(at++, inside ? x.get(row + iw * st[3]) : 0);
                }
              }
            }
          }
        });
  }

  /**
   * One image's windows as columns: rows r ∈ [r0, r1) of its unfolded matrix (one per channel,
   * kernel row and kernel column) go to {@code out[outStart + r·ld + y·OW + x]}; {@code base} is
   * the image's first element in {@code x}, whose strides are {@code st}.
   */
  private static void unfoldImage(
      float[] x,
      int base,
      int[] st,
      ConvGeometry g,
      int r0,
      int r1,
      float[] out,
      int outStart,
      int ld) {
    int oh = g.outH(), ow = g.outW(), khw = g.kh() * g.kw(), sw = g.strideW();
    for (int r = r0; r < r1; r++) {
      int c = r / khw, ki = (r / g.kw()) % g.kh(), kj = r % g.kw();
      // Output columns [lo, hi) read inside the image; the rest are padding.
      int off = kj * g.dilationW() - g.padLeft();
      int lo = firstInside(off, sw, ow), hi = endInside(off, sw, g.w(), ow, lo);
      int at = outStart + r * ld;
      for (int y = 0; y < oh; y++, at += ow) {
        int ih = y * g.strideH() - g.padTop() + ki * g.dilationH();
        if (ih < 0 || ih >= g.h()) {
          Arrays.fill(out, at, at + ow, 0f);
          continue;
        }
        int row = base + c * st[1] + ih * st[2];
        for (int xo = 0; xo < lo; xo++) out[at + xo] = 0f; // a pixel or two: no call
        if (sw == 1 && st[3] == 1) {
          System.arraycopy(x, row + lo + off, out, at + lo, hi - lo);
        } else {
          for (int xo = lo, p = row + (lo * sw + off) * st[3]; xo < hi; xo++, p += sw * st[3])
            out[at + xo] = x[p];
        }
        for (int xo = hi; xo < ow; xo++) out[at + xo] = 0f;
      }
    }
  }

  // The output columns xo of one kernel column whose input column iw = xo·sw + off lies inside
  // [0, w) are [firstInside, endInside); the others read the padding.
  private static int firstInside(int off, int sw, int ow) {
    return Math.min(ow, off >= 0 ? 0 : (-off + sw - 1) / sw);
  }

  private static int endInside(int off, int sw, int w, int ow, int first) {
    int last = w - 1 - off; // largest xo·sw inside the image
    return last < 0 ? first : Math.max(first, Math.min(ow, last / sw + 1));
  }

  @Override
  public void col2im(View colsView, ConvGeometry g, View out) {
    HostBuffer cols = host(colsView), o = host(out);
    if (!colsView.isContiguous() || !out.isContiguous()) {
      throw new IllegalArgumentException("col2im: columns and output must be contiguous");
    }
    int oh = g.outH(), ow = g.outW(), ncols = g.columns(), khw = g.kh() * g.kw(), l = oh * ow;
    int hw = g.h() * g.w(), chw = g.c() * hw;
    // NOTE: split by channel: every input element belongs to one channel, so each is summed by a
    // single thread in a fixed order and the result does not depend on the thread count.
    parallelRows(
        g.c(),
        (long) g.rows() * ncols,
        (c0, c1) -> {
          if (o.f != null && cols.f != null) {
            for (int n = 0; n < g.n(); n++)
              foldImage(
                  cols.f, colsView.offset() + n * l, ncols, g, c0, c1, o.f, out.offset() + n * chw);
            return;
          }
          for (int c = c0; c < c1; c++) {
            for (int k = 0; k < khw; k++) {
              int ki = k / g.kw(), kj = k % g.kw();
              int at = colsView.offset() + (c * khw + k) * ncols;
              for (int n = 0; n < g.n(); n++) {
                for (int y = 0; y < oh; y++) {
                  int ih = y * g.strideH() - g.padTop() + ki * g.dilationH();
                  int row = out.offset() + n * chw + c * hw + ih * g.w();
                  for (int xo = 0; xo < ow; xo++, at++) {
                    int iw = xo * g.strideW() - g.padLeft() + kj * g.dilationW();
                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                    o.set(row + iw, o.get(row + iw) + cols.get(at));
                  }
                }
              }
            }
          }
        });
  }

  /**
   * The adjoint of {@link #unfoldImage}: adds the rows of channels [c0, c1) of one image's columns
   * ({@code cols[colsStart + r·ld + y·OW + x]}) back into the image at {@code out[base + c·H·W +
   * ih·W + iw]}. Each input element sums its contributions over kernel offsets, then output rows,
   * in order, however images and channels are split.
   */
  private static void foldImage(
      float[] cols, int colsStart, int ld, ConvGeometry g, int c0, int c1, float[] out, int base) {
    int oh = g.outH(), ow = g.outW(), khw = g.kh() * g.kw(), hw = g.h() * g.w();
    int sw = g.strideW();
    for (int c = c0; c < c1; c++) {
      for (int k = 0; k < khw; k++) {
        int ki = k / g.kw(), kj = k % g.kw();
        int off = kj * g.dilationW() - g.padLeft();
        int lo = firstInside(off, sw, ow), hi = endInside(off, sw, g.w(), ow, lo);
        int at = colsStart + (c * khw + k) * ld;
        for (int y = 0; y < oh; y++, at += ow) {
          int ih = y * g.strideH() - g.padTop() + ki * g.dilationH();
          if (ih < 0 || ih >= g.h()) continue;
          int row = base + c * hw + ih * g.w();
          if (sw == 1) {
            int shift = row + off; // column xo goes to out[shift + xo]: one unit-stride loop
            for (int xo = lo; xo < hi; xo++) out[shift + xo] += cols[at + xo];
          } else {
            for (int xo = lo, q = row + lo * sw + off; xo < hi; xo++, q += sw)
              out[q] += cols[at + xo];
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- convolution, one image at a
  // time
  // NOTE: the batch-wide default unfolds all N images into one matrix (N·OH·OW columns, tens of
  // megabytes for a ResNet layer) and then reads it back, from memory, for the product. One image's
  // windows fit in the core's cache, so each thread unfolds an image into a scratch buffer it keeps
  // and multiplies it right away. The products are the same kernel with the same order of terms,
  // so forward and input-gradient results equal the batch-wide ones bit for bit.

  /** Images per partial sum of a weight gradient: a constant, so sums never depend on threads. */
  private static final int IMAGES_PER_SUM = 4;

  private static final int COLUMNS = 0, PANEL = 1, PRODUCT = 2;
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[3][]);

  /**
   * This thread's reusable buffer {@code slot} with room for {@code size} floats (contents stale).
   */
  private static float[] scratch(int slot, int size) {
    float[][] mine = SCRATCH.get();
    if (mine[slot] == null || mine[slot].length < size) mine[slot] = new float[size];
    return mine[slot];
  }

  private boolean perImage(View... views) {
    if (!simd) return false;
    for (View v : views) {
      if (v == null) continue;
      if (host(v).f == null) return false;
    }
    return true;
  }

  @Override
  public void conv2d(View x, View weight, ConvGeometry g, int groups, View out) {
    if (!perImage(x, weight, out) || !weight.isContiguous() || !out.isContiguous()) {
      Backend.super.conv2d(x, weight, g, groups, out);
      return;
    }
    float[] xs = host(x).f, w = host(weight).f, y = host(out).f;
    int cout = weight.shape()[0], cog = cout / groups, kg = g.rows() / groups;
    int l = g.outH() * g.outW(), blocks = (l + SimdGemm.width() - 1) / SimdGemm.width();
    int[] st = x.strides();
    parallelRows(
        g.n(),
        (long) g.n() * cout * kg * l,
        (i0, i1) -> {
          float[] cols = scratch(COLUMNS, g.rows() * l),
              panel = scratch(PANEL, kg * SimdGemm.width());
          for (int i = i0; i < i1; i++) {
            unfoldImage(xs, x.offset() + i * st[0], st, g, 0, g.rows(), cols, 0, l);
            // Y_q = W_q · cols_q, written straight into the image's output channels
            for (int q = 0; q < groups; q++)
              SimdGemm.multiplyNN(
                  w,
                  weight.offset() + q * cog * kg,
                  kg,
                  cols,
                  q * kg * l,
                  l,
                  y,
                  out.offset() + (i * cout + q * cog) * l,
                  l,
                  kg,
                  l,
                  0,
                  cog,
                  0,
                  blocks,
                  panel);
          }
        });
  }

  @Override
  public void conv2dBackward(
      View gOut, View x, View weight, ConvGeometry g, int groups, View gx, View gw) {
    if (!perImage(gOut, x, weight, gx, gw)
        || !gOut.isContiguous()
        || !weight.isContiguous()
        || (gx != null && !gx.isContiguous())
        || (gw != null && !gw.isContiguous())) {
      Backend.super.conv2dBackward(gOut, x, weight, g, groups, gx, gw);
      return;
    }
    float[] dy = host(gOut).f, w = host(weight).f;
    int n = g.n(), cout = weight.shape()[0], cog = cout / groups, kg = g.rows() / groups;
    int l = g.outH() * g.outW(), chw = g.c() * g.h() * g.w(), width = SimdGemm.width();
    long work = (long) n * cout * kg * l;
    if (gx != null) {
      // ∂L/∂X_i = col2im(W_qᵀ · ∂L/∂Y_i,q): Wᵀ is copied once, row-major, for the product.
      float[] wT = new float[groups * kg * cog];
      for (int q = 0; q < groups; q++)
        for (int o = 0; o < cog; o++)
          for (int p = 0; p < kg; p++)
            wT[(q * kg + p) * cog + o] = w[weight.offset() + (q * cog + o) * kg + p];
      float[] dx = host(gx).f;
      int blocks = (l + width - 1) / width;
      parallelRows(
          n,
          work,
          (i0, i1) -> {
            float[] gCols = scratch(COLUMNS, g.rows() * l), panel = scratch(PANEL, cog * width);
            for (int i = i0; i < i1; i++) {
              for (int q = 0; q < groups; q++)
                SimdGemm.multiplyNN(
                    wT,
                    q * kg * cog,
                    cog,
                    dy,
                    gOut.offset() + (i * cout + q * cog) * l,
                    l,
                    gCols,
                    q * kg * l,
                    l,
                    cog,
                    l,
                    0,
                    kg,
                    0,
                    blocks,
                    panel);
              int image = gx.offset() + i * chw;
              Arrays.fill(dx, image, image + chw, 0f);
              foldImage(gCols, 0, l, g, 0, g.c(), dx, image);
            }
          });
    }
    if (gw != null) {
      // ∂L/∂W_q = Σ_i ∂L/∂Y_i,q · cols_i,qᵀ, summed image by image within fixed groups of
      // IMAGES_PER_SUM, then over the groups in order.
      int sums = (n + IMAGES_PER_SUM - 1) / IMAGES_PER_SUM, size = cout * kg;
      float[] partial = new float[sums * size];
      int[] st = x.strides();
      float[] xs = host(x).f;
      parallelRows(
          sums,
          work,
          (s0, s1) -> {
            float[] cols = scratch(COLUMNS, g.rows() * l), panel = scratch(PANEL, l * width);
            float[] product = scratch(PRODUCT, size);
            for (int s = s0; s < s1; s++) {
              for (int i = s * IMAGES_PER_SUM; i < Math.min(n, (s + 1) * IMAGES_PER_SUM); i++) {
                unfoldImage(xs, x.offset() + i * st[0], st, g, 0, g.rows(), cols, 0, l);
                boolean first = i == s * IMAGES_PER_SUM;
                float[] into = first ? partial : product;
                int at = first ? s * size : 0;
                for (int q = 0; q < groups; q++)
                  SimdGemm.multiplyNTPacked(
                      dy,
                      gOut.offset() + (i * cout + q * cog) * l,
                      l,
                      cols,
                      q * kg * l,
                      l,
                      into,
                      at + q * cog * kg,
                      kg,
                      l,
                      kg,
                      0,
                      cog,
                      panel);
                if (!first) for (int j = 0; j < size; j++) partial[s * size + j] += product[j];
              }
            }
          });
      float[] dw = host(gw).f;
      for (int j = 0; j < size; j++) {
        float sum = partial[j];
        for (int s = 1; s < sums; s++) sum += partial[s * size + j];
        dw[gw.offset() + j] = sum;
      }
    }
  }

  /**
   * {@link #maxPool2d} for one float32 plane (rows {@code sh}, columns {@code sw} apart from {@code
   * base}), with the same rules for padding, ties and NaN.
   */
  private static void maxPlane(
      float[] x,
      int base,
      int sh,
      int sw,
      ConvGeometry g,
      float[] out,
      int at,
      float[] idx,
      int idxAt) {
    int oh = g.outH(), ow = g.outW(), kh = g.kh(), kw = g.kw(), h = g.h(), w = g.w();
    int strideH = g.strideH(), strideW = g.strideW(), dh = g.dilationH(), dw = g.dilationW();
    if (kh == 2
        && kw == 2
        && strideH == 2
        && strideW == 2
        && dh == 1
        && dw == 1
        && g.padTop() == 0
        && g.padLeft() == 0
        && 2 * oh <= h
        && 2 * ow <= w) {
      // The usual 2×2, stride-2 pooling, without branches on the data (the general loop's were
      // mispredicted half the time; this runs about 5× faster). The maximum comes from Math.max;
      // the window's first element equal to it (−0 equals +0) is the one the rule above keeps,
      // and if the maximum is NaN, the first NaN is.
      for (int y = 0; y < oh; y++) {
        for (int xo = 0; xo < ow; xo++, at++, idxAt++) {
          int p = base + 2 * y * sh + 2 * xo * sw, first = 2 * y * w + 2 * xo;
          float v0 = x[p], v1 = x[p + sw], v2 = x[p + sh], v3 = x[p + sh + sw];
          float max = Math.max(Math.max(v0, v1), Math.max(v2, v3));
          int corner; // 0, 1, 2, 3: top left, top right, bottom left, bottom right
          if (max == max) {
            corner = v2 == max ? 2 : 3;
            corner = v1 == max ? 1 : corner;
            corner = v0 == max ? 0 : corner;
          } else {
            corner = v0 != v0 ? 0 : v1 != v1 ? 1 : v2 != v2 ? 2 : 3;
          }
          int right = corner & 1, bottom = corner >> 1;
          out[at] = x[p + bottom * sh + right * sw];
          idx[idxAt] = first + bottom * w + right;
        }
      }
      return;
    }
    for (int y = 0; y < oh; y++) {
      int top = y * strideH - g.padTop();
      for (int xo = 0; xo < ow; xo++, at++, idxAt++) {
        int left = xo * strideW - g.padLeft();
        float best = Float.NEGATIVE_INFINITY;
        int bestIndex = -1;
        for (int ki = 0, ih = top; ki < kh; ki++, ih += dh) {
          if (ih < 0 || ih >= h) continue;
          for (int kj = 0, iw = left; kj < kw; kj++, iw += dw) {
            if (iw < 0 || iw >= w) continue;
            float v = x[base + ih * sh + iw * sw];
            // v > best, or v is NaN and best is not (NaN wins, as in PyTorch); the first wins ties
            if (bestIndex < 0 || (!(v <= best) && best == best)) {
              best = v;
              bestIndex = ih * w + iw;
            }
          }
        }
        out[at] = best;
        idx[idxAt] = bestIndex;
      }
    }
  }

  @Override
  public void maxPool2d(View in, ConvGeometry g, View out, View indices) {
    HostBuffer x = host(in), o = host(out), idx = host(indices);
    if (!out.isContiguous() || !indices.isContiguous()) {
      throw new IllegalArgumentException("maxPool2d: output and indices must be contiguous");
    }
    int oh = g.outH(), ow = g.outW();
    int[] st = in.strides();
    parallelRows(
        g.n() * g.c(),
        (long) g.n() * g.c() * oh * ow * g.kh() * g.kw(),
        (p0, p1) -> {
          for (int plane = p0; plane < p1; plane++) {
            int n = plane / g.c(), c = plane % g.c();
            int base = in.offset() + n * st[0] + c * st[1];
            int at = plane * oh * ow;
            if (x.f != null && o.f != null && idx.f != null) {
              maxPlane(
                  x.f, base, st[2], st[3], g, o.f, out.offset() + at, idx.f, indices.offset() + at);
              continue;
            }
            for (int y = 0; y < oh; y++) {
              for (int xo = 0; xo < ow; xo++, at++) {
                double best = Double.NEGATIVE_INFINITY;
                int bestIndex = -1;
                for (int ki = 0; ki < g.kh(); ki++) {
                  int ih = y * g.strideH() - g.padTop() + ki * g.dilationH();
                  if (ih < 0 || ih >= g.h()) continue;
                  for (int kj = 0; kj < g.kw(); kj++) {
                    int iw = xo * g.strideW() - g.padLeft() + kj * g.dilationW();
                    if (iw < 0 || iw >= g.w()) continue;
                    double v = x.get(base + ih * st[2] + iw * st[3]);
                    if (v > best || bestIndex < 0 || (Double.isNaN(v) && !Double.isNaN(best))) {
                      best = v;
                      bestIndex = ih * g.w() + iw;
                    }
                  }
                }
                o.set(out.offset() + at, best);
                idx.set(indices.offset() + at, bestIndex);
              }
            }
          }
        });
  }

  // ------------------------------------------------------------------ batch normalisation
  // NOTE: fused per-channel loops. Each channel is handled by one thread, reading its N planes in
  // order, so sums are the same for any thread count. Accumulation is in double; the mean is
  // subtracted before squaring (two passes), which keeps the variance accurate when |mean| ≫ std.

  /** The axes after 1 of each operand, merged, for walking one (sample, channel) plane. */
  private static Strided.Plan plane(View... views) {
    int rank = views[0].rank();
    int[][] strides = new int[views.length][];
    for (int k = 0; k < views.length; k++)
      strides[k] = Arrays.copyOfRange(views[k].strides(), 2, rank);
    return Strided.plan(Arrays.copyOfRange(views[0].shape(), 2, rank), strides);
  }

  /** Offset of element (sample, channel, 0, …) of a view [N, C, …]. */
  private static int planeStart(View v, int sample, int channel) {
    return v.offset() + sample * v.strides()[0] + channel * v.strides()[1];
  }

  private static int innerStride(Strided.Plan plan, int operand) {
    int[] st = plan.strides()[operand];
    return st.length == 0 ? 0 : st[st.length - 1];
  }

  @Override
  public void channelMoments(View x, View mean, View var) {
    HostBuffer xb = host(x), mb = host(mean), vb = host(var);
    int n = x.shape()[0], channels = x.shape()[1];
    Strided.Plan plane = plane(x);
    int sx = innerStride(plane, 0), rows = plane.rows();
    double count = (double) x.numel() / channels;
    parallelRows(
        channels,
        x.numel(),
        (c0, c1) -> {
          double[] acc = new double[1];
          for (int c = c0; c < c1; c++) {
            acc[0] = 0;
            for (int i = 0; i < n; i++) {
              int[] base = {planeStart(x, i, c)};
              Strided.walk(
                  plane,
                  base,
                  (off, len) -> {
                    double sum = 0;
                    if (xb.f != null)
                      for (int j = 0, p = off[0]; j < len; j++, p += sx) sum += xb.f[p];
                    else for (int j = 0, p = off[0]; j < len; j++, p += sx) sum += xb.d[p];
                    acc[0] += sum;
                  },
                  0,
                  rows);
            }
            double mu = acc[0] / count;
            acc[0] = 0;
            for (int i = 0; i < n; i++) {
              int[] base = {planeStart(x, i, c)};
              Strided.walk(
                  plane,
                  base,
                  (off, len) -> {
                    double sum = 0;
                    if (xb.f != null)
                      for (int j = 0, p = off[0]; j < len; j++, p += sx) {
                        double d = xb.f[p] - mu;
                        sum += d * d;
                      }
                    else
                      for (int j = 0, p = off[0]; j < len; j++, p += sx) {
                        double d = xb.d[p] - mu;
                        sum += d * d;
                      }
                    acc[0] += sum;
                  },
                  0,
                  rows);
            }
            mb.set(mean.offset() + c * mean.strides()[0], mu);
            vb.set(var.offset() + c * var.strides()[0], acc[0] / count);
          }
        });
  }

  @Override
  public void channelAffine(
      View x, View center, View scale, View shift, View g, View gScale, View out) {
    HostBuffer xb = host(x), ob = host(out), gb = g == null ? null : host(g);
    HostBuffer cb = host(center), sb = host(scale), hb = host(shift);
    HostBuffer kb = gScale == null ? null : host(gScale);
    int n = x.shape()[0], channels = x.shape()[1];
    Strided.Plan plane = g == null ? plane(x, out) : plane(x, out, g);
    int sx = innerStride(plane, 0), so = innerStride(plane, 1);
    int sg = g == null ? 0 : innerStride(plane, 2), rows = plane.rows();
    boolean floats = xb.f != null && ob.f != null && (gb == null || gb.f != null);
    parallelRows(
        channels,
        x.numel(),
        (c0, c1) -> {
          for (int c = c0; c < c1; c++) {
            double ce = cb.get(center.offset() + c * center.strides()[0]);
            double sc = sb.get(scale.offset() + c * scale.strides()[0]);
            double sh = hb.get(shift.offset() + c * shift.strides()[0]);
            double gs = kb == null ? 0 : kb.get(gScale.offset() + c * gScale.strides()[0]);
            float cef = (float) ce, scf = (float) sc, shf = (float) sh, gsf = (float) gs;
            for (int i = 0; i < n; i++) {
              int[] base =
                  g == null
                      ? new int[] {planeStart(x, i, c), planeStart(out, i, c)}
                      : new int[] {planeStart(x, i, c), planeStart(out, i, c), planeStart(g, i, c)};
              Strided.walk(
                  plane,
                  base,
                  (off, len) -> {
                    int p = off[0], q = off[1], r = g == null ? 0 : off[2];
                    if (floats && simd && sx == 1 && so == 1 && (gb == null || sg == 1)) {
                      if (gb == null) SimdOps.affine(xb.f, p, ob.f, q, len, cef, scf, shf);
                      else SimdOps.affine(xb.f, p, ob.f, q, len, cef, scf, shf, gb.f, r, gsf);
                    } else if (floats && gb == null) {
                      float[] xf = xb.f, of = ob.f;
                      for (int j = 0; j < len; j++, p += sx, q += so)
                        of[q] = (xf[p] - cef) * scf + shf;
                    } else if (floats) {
                      float[] xf = xb.f, of = ob.f, gf = gb.f;
                      for (int j = 0; j < len; j++, p += sx, q += so, r += sg)
                        of[q] = (xf[p] - cef) * scf + shf + gf[r] * gsf;
                    } else {
                      for (int j = 0; j < len; j++, p += sx, q += so, r += sg) {
                        double v = (xb.get(p) - ce) * sc + sh;
                        if (gb != null) v += gb.get(r) * gs;
                        ob.set(q, v);
                      }
                    }
                  },
                  0,
                  rows);
            }
          }
        });
  }

  @Override
  public void channelGradSums(View g, View x, View center, View sumG, View sumGX) {
    HostBuffer gb = host(g), xb = host(x), cb = host(center);
    HostBuffer ab = host(sumG), bb = host(sumGX);
    int n = x.shape()[0], channels = x.shape()[1];
    Strided.Plan plane = plane(g, x);
    int sg = innerStride(plane, 0), sx = innerStride(plane, 1), rows = plane.rows();
    boolean floats = gb.f != null && xb.f != null;
    parallelRows(
        channels,
        x.numel(),
        (c0, c1) -> {
          double[] acc = new double[2];
          for (int c = c0; c < c1; c++) {
            double ce = cb.get(center.offset() + c * center.strides()[0]);
            acc[0] = 0;
            acc[1] = 0;
            for (int i = 0; i < n; i++) {
              int[] base = {planeStart(g, i, c), planeStart(x, i, c)};
              Strided.walk(
                  plane,
                  base,
                  (off, len) -> {
                    double s0 = 0, s1 = 0;
                    int p = off[0], q = off[1];
                    if (floats)
                      for (int j = 0; j < len; j++, p += sg, q += sx) {
                        double gv = gb.f[p];
                        s0 += gv;
                        s1 += gv * (xb.f[q] - ce);
                      }
                    else
                      for (int j = 0; j < len; j++, p += sg, q += sx) {
                        double gv = gb.get(p);
                        s0 += gv;
                        s1 += gv * (xb.get(q) - ce);
                      }
                    acc[0] += s0;
                    acc[1] += s1;
                  },
                  0,
                  rows);
            }
            ab.set(sumG.offset() + c * sumG.strides()[0], acc[0]);
            bb.set(sumGX.offset() + c * sumGX.strides()[0], acc[1]);
          }
        });
  }
}

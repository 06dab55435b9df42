package dl.backend.cpu;

import dl.Check;
import dl.backend.BinaryOp;
import dl.backend.ReduceOp;
import dl.backend.UnaryOp;
import dl.backend.View;
import java.util.Arrays;

/**
 * Elementwise kernels (fill, copy, unary and binary ops, where), reductions and index gathers and
 * scatters. Three tiers, fastest first: Vector API rows ({@link SimdOps}) for float32 when the
 * module is present; plain float loops for the four arithmetic ops, which HotSpot vectorises by
 * itself; and the generic loop over any dtype and stride. Rows are split over the threads.
 */
final class ElementwiseKernels {
  private final Parallel par;
  private final boolean simd;

  ElementwiseKernels(Parallel par, boolean simd) {
    this.par = par;
    this.simd = simd;
  }

  public void fill(View out, double value) {
    HostBuffer o = HostBuffer.of(out);
    int s = Strided.inner(out.strides());
    par.eachRow(
        out.shape(),
        new int[][] {out.strides()},
        new int[] {out.offset()},
        (off, n) -> {
          for (int i = 0, p = off[0]; i < n; i++, p += s) o.set(p, value);
        });
  }

  void copy(View src, View dst) {
    HostBuffer a = HostBuffer.of(src), o = HostBuffer.of(dst);
    int sa = Strided.inner(src.strides()), so = Strided.inner(dst.strides());
    if (a.f != null && o.f != null) {
      par.eachRow(
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
    par.eachRow(
        dst.shape(),
        new int[][] {src.strides(), dst.strides()},
        new int[] {src.offset(), dst.offset()},
        (off, n) -> {
          for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += sa, q += so) o.set(q, a.get(p));
        });
  }

  void unary(UnaryOp op, View in, View out) {
    HostBuffer a = HostBuffer.of(in), o = HostBuffer.of(out);
    int sa = Strided.inner(in.strides()), so = Strided.inner(out.strides());
    par.eachRow(
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

  void binary(BinaryOp op, View av, View bv, View out) {
    HostBuffer a = HostBuffer.of(av), b = HostBuffer.of(bv), o = HostBuffer.of(out);
    int sa = Strided.inner(av.strides()),
        sb = Strided.inner(bv.strides()),
        so = Strided.inner(out.strides());
    boolean floats = a.f != null && b.f != null && o.f != null;
    if (floats
        && out.isContiguous()
        && (av.isContiguous() || av.numel() == 1 && av.isBroadcastScalar())
        && (bv.isContiguous() || bv.isBroadcastScalar())) {
      // Whole tensors in one flat row: the common case of same-shape or tensor-with-scalar
      // operands.
      int n = out.numel();
      int unitA = av.isBroadcastScalar() ? 0 : 1, unitB = bv.isBroadcastScalar() ? 0 : 1;
      if (simd && SimdOps.handles(op)) {
        // Large tensors are split over the pool like any other elementwise op.
        int chunks = n < Parallel.ELEMENTS ? 1 : par.threads * 4;
        par.forChunks(
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
          av.isBroadcastScalar() ? 0 : 1,
          b.f,
          bv.offset(),
          bv.isBroadcastScalar() ? 0 : 1,
          o.f,
          out.offset(),
          n)) return;
    }
    par.eachRow(
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

  void where(View cond, View av, View bv, View out) {
    HostBuffer c = HostBuffer.of(cond),
        a = HostBuffer.of(av),
        b = HostBuffer.of(bv),
        o = HostBuffer.of(out);
    int sc = Strided.inner(cond.strides()),
        sa = Strided.inner(av.strides()),
        sb = Strided.inner(bv.strides()),
        so = Strided.inner(out.strides());
    par.eachRow(
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

  void reduce(ReduceOp op, View in, View out) {
    HostBuffer a = HostBuffer.of(in), o = HostBuffer.of(out);
    int[] inShape = in.shape(), outShape = out.shape();
    if (simd && op == ReduceOp.SUM && a.f != null && sumsPerChannel(in, out)) {
      channelSums(a.f, in, o, out);
      return;
    }
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

  /**
   * Whether a sum reduces a contiguous x [N, C, …] (rank 3 or more) over every axis but 1: a
   * convolution's bias gradient, or a mean per channel.
   */
  private static boolean sumsPerChannel(View in, View out) {
    int[] is = in.shape(), os = out.shape();
    if (is.length < 3 || os.length != is.length || !in.isContiguous() || os[1] != is[1])
      return false;
    for (int d = 0; d < os.length; d++) if (d != 1 && os[d] != 1) return false;
    return true;
  }

  /**
   * {@link #sumsPerChannel}'s sums, one channel per thread: each (sample, channel) plane summed by
   * {@link SimdOps#sum}'s fixed tree of float lanes, the plane sums added in double in sample
   * order, as batch norm's statistics are; so the result is the same for any thread count. NOTE:
   * the general walk is sequential, one value at a time, and took 7.5% of a LeNet-5 training step
   * on its two bias gradients.
   */
  private void channelSums(float[] f, View in, HostBuffer o, View out) {
    int n = in.shape()[0], channels = in.shape()[1];
    // The plane's length from the shape: the stride of an axis of size 1 can be anything.
    int plane = n == 0 || channels == 0 ? 0 : (int) (in.numel() / ((long) n * channels));
    par.parallelRows(
        channels,
        in.numel(),
        (c0, c1) -> {
          for (int c = c0; c < c1; c++) {
            double total = 0;
            for (int i = 0; i < n; i++)
              total +=
                  SimdOps.sum(f, in.offset() + i * in.strides()[0] + c * in.strides()[1], plane);
            o.set(out.offset() + c * out.strides()[1], total);
          }
        });
  }

  void argReduce(ReduceOp op, View in, int axis, View out) {
    HostBuffer a = HostBuffer.of(in), o = HostBuffer.of(out);
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

  void gather(View in, int axis, View index, View out) {
    HostBuffer a = HostBuffer.of(in), idx = HostBuffer.of(index), o = HostBuffer.of(out);
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

  void scatterAdd(View src, int axis, View index, View out) {
    scatter("scatterAdd", src, axis, index, out, true);
  }

  void scatter(View src, int axis, View index, View out) {
    scatter("scatter", src, axis, index, out, false);
  }

  /**
   * Writes (or adds, when {@code accumulate}) each source element at its index along {@code axis}.
   */
  private void scatter(String op, View src, int axis, View index, View out, boolean accumulate) {
    HostBuffer a = HostBuffer.of(src), idx = HostBuffer.of(index), o = HostBuffer.of(out);
    int last = out.rank() - 1;
    if (a.f != null
        && idx.f != null
        && o.f != null
        && axis == last
        && Arrays.equals(src.shape(), index.shape())
        && Arrays.equals(index.shape(), 0, last, out.shape(), 0, last)
        && src.isContiguous()
        && index.isContiguous()
        && out.isContiguous()) {
      // NOTE: max pooling's backward pass: every row of the source scatters into the same row of
      // the output, all three contiguous. One plain loop per row, in the generic walk's order;
      // rows write to rows of their own, so they are split over threads with the same results.
      int len = index.shape()[last],
          limit = out.shape()[last],
          rows = len == 0 ? 0 : index.numel() / len;
      float[] src0 = a.f, out0 = o.f, index0 = idx.f;
      int indexAt = index.offset(), srcAt = src.offset(), outAt = out.offset();
      par.parallelRows(
          rows,
          (long) rows * len,
          (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
              int p = indexAt + r * len, q = srcAt + r * len, s = outAt + r * limit;
              for (int i = 0; i < len; i++) {
                float v = index0[p + i];
                int t = (int) v;
                if (t != v || t < 0 || t >= limit) checkedIndex(op, v, limit, axis); // throws
                out0[s + t] = accumulate ? out0[s + t] + src0[q + i] : src0[q + i];
              }
            }
          });
      return;
    }
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
      throw Check.badArgument(
          op,
          "index %s out of range for axis %d of size %d (want an integer in [0, %d))",
          value,
          axis,
          limit,
          limit);
    }
    return t;
  }
}

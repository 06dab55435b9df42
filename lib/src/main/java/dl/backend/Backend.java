package dl.backend;

import dl.DType;

/**
 * The seam between tensors and the machine that computes them.
 *
 * <p>Everything speaks in named ops and {@link View}s, never in lambdas, so that the same call can
 * be a Java loop (the CPU backend) or an OpenCL kernel. Shapes arrive already checked and
 * broadcast: a binary op gets three views of the same shape, where broadcast inputs have stride 0.
 */
public interface Backend {

  /** Short name, e.g. {@code cpu}. */
  String name();

  /** One human line: what runs the kernels and why this backend was chosen. */
  String describe();

  /** A zero-filled buffer of {@code size} elements. */
  Buffer allocate(DType dtype, int size);

  /** A buffer holding a copy of {@code data}. */
  Buffer fromArray(float[] data);

  /** A buffer holding a copy of {@code data}. */
  Buffer fromArray(double[] data);

  /** The elements of {@code view} in row-major order, as doubles. */
  double[] toDoubleArray(View view);

  /** The elements of {@code view} in row-major order, as floats. */
  float[] toFloatArray(View view);

  /** {@code out[i] = value} for every element of the view. */
  void fill(View out, double value);

  /** {@code dst[i] = src[i]}; shapes are equal, dtypes may differ (the copy converts). */
  void copy(View src, View dst);

  /** {@code out[i] = op(in[i])}. */
  void unary(UnaryOp op, View in, View out);

  /** {@code out[i] = op(a[i], b[i])}. */
  void binary(BinaryOp op, View a, View b, View out);

  /** {@code out[i] = cond[i] != 0 ? a[i] : b[i]}. */
  void where(View cond, View a, View b, View out);

  /**
   * Reduces {@code in} into {@code out}, which has the same rank with size 1 on every reduced axis.
   */
  void reduce(ReduceOp op, View in, View out);

  /**
   * Index of the max ({@link ReduceOp#MAX}) or min element along {@code axis}; {@code out} has size
   * 1 there. Ties go to the first index.
   */
  void argReduce(ReduceOp op, View in, int axis, View out);

  /**
   * Batched matrix product {@code [..., m, k] x [..., k, n] -> [..., m, n]}; the batch axes of all
   * three views have equal sizes (broadcast batches arrive with stride 0).
   */
  void matmul(View a, View b, View out);

  /** {@code out[..., j, ...] = in[..., index[..., j, ...], ...]} along {@code axis}. */
  void gather(View in, int axis, View index, View out);

  /** {@code out[..., index[..., j, ...], ...] += src[..., j, ...]} along {@code axis}. */
  void scatterAdd(View src, int axis, View index, View out);

  /**
   * {@code out[..., index[..., j, ...], ...] = src[..., j, ...]} along {@code axis}; where indices
   * repeat, the last write wins.
   */
  void scatter(View src, int axis, View index, View out);

  /**
   * Unfold (im2col): copies every window of {@code in} [N, C, H, W] into a column of {@code out}
   * [C·kh·kw, N·OH·OW], with zeros where the window hangs over the padding.
   */
  void im2col(View in, ConvGeometry g, View out);

  /**
   * Fold (col2im), the adjoint of {@link #im2col}: adds every column of {@code cols} back into the
   * window it came from in {@code out} [N, C, H, W], which the caller has zeroed.
   */
  void col2im(View cols, ConvGeometry g, View out);

  /**
   * Max pooling: {@code out} [N, C, OH, OW] gets each window's maximum and {@code indices} its
   * position as a flat index ih·W + iw in the input plane (padding counts as −∞; ties go to the
   * first).
   */
  void maxPool2d(View in, ConvGeometry g, View out, View indices);

  // ------------------------------------------------------------------ convolution
  // A convolution is a matrix product over unfolded windows: per group, Y = W · im2col(X). The
  // defaults do exactly that for the whole batch at once (one large unfolded matrix and a copy into
  // NCHW order); a backend overrides them with per-image loops whose buffers stay in cache (the CPU
  // backend does).

  /**
   * Convolution forward without bias: {@code out} [N, C_out, OH, OW] (contiguous) from {@code x}
   * [N, C, H, W] and {@code weight} [C_out, C/groups, kh, kw] (contiguous). Group {@code q} maps
   * input channels [q·C/G, (q+1)·C/G) to output channels [q·C_out/G, (q+1)·C_out/G).
   */
  default void conv2d(View x, View weight, ConvGeometry g, int groups, View out) {
    int n = g.n(), cout = weight.shape()[0], cog = cout / groups, kg = g.rows() / groups;
    int l = g.outH() * g.outW(), columns = g.columns();
    View cols =
        View.contiguous(allocate(x.dtype(), g.rows() * columns), new int[] {g.rows(), columns});
    im2col(x, g, cols);
    View product =
        View.contiguous(allocate(out.dtype(), cout * columns), new int[] {cout * columns});
    matmul(
        grouped(weight, groups, cog, kg),
        new View(
            cols.buffer(),
            new int[] {groups, kg, columns},
            new int[] {kg * columns, columns, 1},
            0),
        new View(
            product.buffer(),
            new int[] {groups, cog, columns},
            new int[] {cog * columns, columns, 1},
            0));
    // product[q, o, i·L + p] is out[i, q·cog + o, p]
    copy(
        new View(
            product.buffer(),
            new int[] {groups, cog, n, l},
            new int[] {cog * columns, columns, l, 1},
            0),
        new View(
            out.buffer(),
            new int[] {groups, cog, n, l},
            new int[] {cog * l, l, cout * l, 1},
            out.offset()));
  }

  /**
   * Convolution backward: given {@code gOut} = ∂L/∂Y [N, C_out, OH, OW] (contiguous), writes ∂L/∂X
   * = col2im(Wᵀ · ∂L/∂Y) into {@code gx} and ∂L/∂W = Σ over images of ∂L/∂Y · im2col(X)ᵀ into
   * {@code gw} (either may be null when not needed; both contiguous and overwritten).
   */
  default void conv2dBackward(
      View gOut, View x, View weight, ConvGeometry g, int groups, View gx, View gw) {
    int n = g.n(), cout = weight.shape()[0], cog = cout / groups, kg = g.rows() / groups;
    int l = g.outH() * g.outW(), columns = g.columns();
    // ∂L/∂Y in the product's layout [G, cog, N·L]
    View gProduct =
        View.contiguous(allocate(gOut.dtype(), cout * columns), new int[] {cout * columns});
    copy(
        new View(
            gOut.buffer(),
            new int[] {groups, cog, n, l},
            new int[] {cog * l, l, cout * l, 1},
            gOut.offset()),
        new View(
            gProduct.buffer(),
            new int[] {groups, cog, n, l},
            new int[] {cog * columns, columns, l, 1},
            0));
    View gy =
        new View(
            gProduct.buffer(),
            new int[] {groups, cog, columns},
            new int[] {cog * columns, columns, 1},
            0);
    if (gw != null) {
      View cols =
          View.contiguous(allocate(x.dtype(), g.rows() * columns), new int[] {g.rows(), columns});
      im2col(x, g, cols);
      View colsT =
          new View(
              cols.buffer(),
              new int[] {groups, columns, kg},
              new int[] {kg * columns, 1, columns},
              0);
      matmul(gy, colsT, grouped(gw, groups, cog, kg));
    }
    if (gx != null) {
      View weightT =
          new View(
              weight.buffer(),
              new int[] {groups, kg, cog},
              new int[] {cog * kg, 1, kg},
              weight.offset());
      View gCols =
          View.contiguous(
              allocate(gOut.dtype(), g.rows() * columns), new int[] {g.rows() * columns});
      matmul(
          weightT,
          gy,
          new View(
              gCols.buffer(),
              new int[] {groups, kg, columns},
              new int[] {kg * columns, columns, 1},
              0));
      fill(gx, 0);
      col2im(
          new View(gCols.buffer(), new int[] {g.rows(), columns}, new int[] {columns, 1}, 0),
          g,
          gx);
    }
  }

  /** A contiguous [C_out, C/G, kh, kw] weight seen as [G, C_out/G, C/G·kh·kw]. */
  private static View grouped(View weight, int groups, int cog, int kg) {
    return new View(
        weight.buffer(), new int[] {groups, cog, kg}, new int[] {cog * kg, kg, 1}, weight.offset());
  }

  // ------------------------------------------------------------------ batch normalisation
  // Per-channel ops over x [N, C, …] with [C] vectors (contiguous) for the channel constants. The
  // defaults compose the ops above (several passes and temporaries), so every backend has them; a
  // backend overrides them with fused loops (the CPU backend does: one or two passes instead of
  // about twenty for a batch-norm step).

  /**
   * Batch norm's statistics: {@code mean[c]} and the biased variance {@code var[c]} of x over every
   * axis but 1.
   */
  default void channelMoments(View x, View mean, View var) {
    int count = x.numel() / x.shape()[1];
    View meanKeep = keepDims(mean, x), varKeep = keepDims(var, x);
    View inverse = scalar(x.dtype(), 1.0 / count);
    reduce(ReduceOp.SUM, x, meanKeep);
    binary(BinaryOp.MUL, meanKeep, expandTo(inverse, meanKeep.shape()), meanKeep);
    View centered = View.contiguous(allocate(x.dtype(), x.numel()), x.shape());
    binary(BinaryOp.SUB, x, perChannel(mean, x.shape()), centered);
    binary(BinaryOp.MUL, centered, centered, centered);
    reduce(ReduceOp.SUM, centered, varKeep);
    binary(BinaryOp.MUL, varKeep, expandTo(inverse, varKeep.shape()), varKeep);
  }

  /**
   * {@code out = (x − center[c]) · scale[c] + shift[c]}, plus {@code g · gScale[c]} when {@code g}
   * is not null: batch norm's forward, and with g its input gradient.
   */
  default void channelAffine(
      View x, View center, View scale, View shift, View g, View gScale, View out) {
    int[] shape = x.shape();
    binary(BinaryOp.SUB, x, perChannel(center, shape), out);
    binary(BinaryOp.MUL, out, perChannel(scale, shape), out);
    binary(BinaryOp.ADD, out, perChannel(shift, shape), out);
    if (g != null) {
      View term = View.contiguous(allocate(out.dtype(), out.numel()), shape);
      binary(BinaryOp.MUL, g, perChannel(gScale, shape), term);
      binary(BinaryOp.ADD, out, term, out);
    }
  }

  /**
   * Batch norm's backward sums over every axis but 1: {@code sumG[c] = Σ g} and {@code sumGX[c] = Σ
   * g · (x − center[c])}.
   */
  default void channelGradSums(View g, View x, View center, View sumG, View sumGX) {
    reduce(ReduceOp.SUM, g, keepDims(sumG, x));
    View term = View.contiguous(allocate(x.dtype(), x.numel()), x.shape());
    binary(BinaryOp.SUB, x, perChannel(center, x.shape()), term);
    binary(BinaryOp.MUL, term, g, term);
    reduce(ReduceOp.SUM, term, keepDims(sumGX, x));
  }

  /** A [C] vector seen as [1, C, 1, …] (the shape a reduction over all but axis 1 writes). */
  private static View keepDims(View perChannel, View x) {
    int[] shape = new int[x.rank()];
    java.util.Arrays.fill(shape, 1);
    shape[1] = x.shape()[1];
    int[] strides = new int[x.rank()];
    strides[1] = perChannel.strides()[0];
    return new View(perChannel.buffer(), shape, strides, perChannel.offset());
  }

  /** A [C] vector broadcast along every axis of {@code shape} but 1. */
  private static View perChannel(View v, int[] shape) {
    int[] strides = new int[shape.length];
    strides[1] = v.strides()[0];
    return new View(v.buffer(), shape.clone(), strides, v.offset());
  }

  private View scalar(DType dtype, double value) {
    View s = View.contiguous(allocate(dtype, 1), new int[0]);
    fill(s, value);
    return s;
  }

  private static View expandTo(View scalar, int[] shape) {
    return new View(scalar.buffer(), shape.clone(), new int[shape.length], scalar.offset());
  }
}

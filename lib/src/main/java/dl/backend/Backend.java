package dl.backend;

import dl.DType;

/**
 * The seam between tensors and the machine that computes them.
 *
 * <p>Everything speaks in named ops and {@link View}s, never in lambdas, so that the same call can
 * be a Java loop (the CPU backend) or an OpenCL kernel. Shapes arrive already checked and
 * broadcast: a binary op gets three views of the same shape, where broadcast inputs have stride 0.
 *
 * <p>These ops are enough for every layer: convolution and batch norm are composed from them in
 * their autograd ops. A backend may also implement {@link FusedConvolution} or {@link
 * FusedBatchNorm} to run those two in fewer passes.
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
}

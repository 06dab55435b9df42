package dl.backend.cpu;

import dl.DType;
import dl.backend.Backend;
import dl.backend.BinaryOp;
import dl.backend.Buffer;
import dl.backend.ConvGeometry;
import dl.backend.FusedBatchNorm;
import dl.backend.FusedConvolution;
import dl.backend.ReduceOp;
import dl.backend.UnaryOp;
import dl.backend.View;

/**
 * The CPU backend: kernels as Java loops over heap arrays, one file per op family.
 *
 * <ul>
 *   <li>{@link Parallel}: the thread pool and how work is split over it;
 *   <li>{@link ElementwiseKernels}: fill, copy, unary/binary ops, where, reductions,
 *       gather/scatter;
 *   <li>{@link ProductKernels}: matrix products ({@link SimdGemm} for float32 with the Vector API);
 *   <li>{@link WindowKernels}: unfold/fold, max pooling;
 *   <li>{@link ConvolutionKernels}: the fused image-by-image convolution, forward and backward;
 *   <li>{@link NormalizationKernels}: batch norm's per-channel loops.
 * </ul>
 *
 * <p>Strided views are walked row by row, with axes merged where the layout allows ({@link
 * Strided}). With the Vector API module, the float32 matrix product ({@link SimdGemm}) and the
 * common elementwise rows ({@link SimdOps}) use explicit SIMD; without it, plain loops. It offers
 * both fused capabilities: {@link FusedConvolution} for float32 with SIMD goes image by image (each
 * thread unfolds one image into a buffer it keeps and multiplies it while it is in cache), and
 * {@link FusedBatchNorm} runs batch norm in per-channel loops. Matrix products (in tiles),
 * elementwise ops (by rows), images and batch norm's per-channel loops (by channel) are split
 * across a shared pool, with the calling thread taking chunks too; every output element is computed
 * by one thread in a fixed order (a weight gradient sums images in fixed groups of four), so
 * results are identical for any thread count.
 */
public final class CpuBackend implements Backend, FusedConvolution, FusedBatchNorm {

  private final int threads;
  private final Parallel par;
  private final boolean simd;
  private final ElementwiseKernels elementwise;
  private final ProductKernels products;
  private final WindowKernels windows;
  private final ConvolutionKernels convolutions;
  private final NarrowConvKernels narrow; // null without SIMD
  private final NormalizationKernels normalization;

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
    this.par = new Parallel(threads);
    this.elementwise = new ElementwiseKernels(this.par, this.simd);
    this.products = new ProductKernels(par, this.simd);
    this.windows = new WindowKernels(par, this.simd);
    this.convolutions = new ConvolutionKernels(par, this.simd);
    // Only with SIMD: its static fields load the Vector API, which a JVM without the
    // jdk.incubator.vector module lacks (the backend then runs without it).
    this.narrow = this.simd ? new NarrowConvKernels(par) : null;
    this.normalization = new NormalizationKernels(par, this.simd);
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

  @Override
  public Buffer allocate(DType dtype, int size) {
    if (size < 0) throw new IllegalArgumentException("allocate: negative size " + size);
    return dtype == DType.FLOAT32
        ? new HostBuffer(this, threads > 1 ? par.fresh.take(size) : new float[size])
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
    HostBuffer in = HostBuffer.of(view);
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
    HostBuffer in = HostBuffer.of(view);
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

  // ---------------------------------------------------------------- op families

  @Override
  public void fill(View out, double value) {
    elementwise.fill(out, value);
  }

  @Override
  public void copy(View src, View dst) {
    elementwise.copy(src, dst);
  }

  @Override
  public void unary(UnaryOp op, View in, View out) {
    elementwise.unary(op, in, out);
  }

  @Override
  public void binary(BinaryOp op, View a, View b, View out) {
    elementwise.binary(op, a, b, out);
  }

  @Override
  public void where(View cond, View a, View b, View out) {
    elementwise.where(cond, a, b, out);
  }

  @Override
  public void reduce(ReduceOp op, View in, View out) {
    elementwise.reduce(op, in, out);
  }

  @Override
  public void argReduce(ReduceOp op, View in, int axis, View out) {
    elementwise.argReduce(op, in, axis, out);
  }

  @Override
  public void gather(View in, int axis, View index, View out) {
    elementwise.gather(in, axis, index, out);
  }

  @Override
  public void scatterAdd(View src, int axis, View index, View out) {
    elementwise.scatterAdd(src, axis, index, out);
  }

  @Override
  public void scatter(View src, int axis, View index, View out) {
    elementwise.scatter(src, axis, index, out);
  }

  @Override
  public void matmul(View a, View b, View out) {
    products.matmul(a, b, out);
  }

  @Override
  public void im2col(View in, ConvGeometry g, View out) {
    windows.im2col(in, g, out);
  }

  @Override
  public void col2im(View cols, ConvGeometry g, View out) {
    windows.col2im(cols, g, out);
  }

  /** The image-by-image convolution for float32 with SIMD; false otherwise. */
  @Override
  public boolean offersConvolution(DType dtype) {
    return convolutions.offersConvolution(dtype);
  }

  @Override
  public boolean conv2d(View x, View weight, ConvGeometry g, int groups, View out) {
    return (narrow != null && narrow.conv2d(x, weight, g, groups, out))
        || convolutions.conv2d(x, weight, g, groups, out);
  }

  /** The image-by-image backward pass for float32 with SIMD; false otherwise. */
  @Override
  public boolean conv2dBackward(
      View gOut, View x, View weight, ConvGeometry g, int groups, View gx, View gw) {
    // Six input channels (LeNet's c3): ∂L/∂X by the narrow kernel, ∂L/∂W as usual. Where the narrow
    // kernel applies, so does the other (float32, SIMD, padding not negative): nothing is redone.
    if (gx != null && narrow != null && narrow.inputGradient(gOut, weight, g, groups, gx))
      return gw == null || convolutions.conv2dBackward(gOut, x, weight, g, groups, null, gw);
    return convolutions.conv2dBackward(gOut, x, weight, g, groups, gx, gw);
  }

  @Override
  public void maxPool2d(View in, ConvGeometry g, View out, View indices) {
    windows.maxPool2d(in, g, out, indices);
  }

  @Override
  public void channelMoments(View x, View mean, View var) {
    normalization.channelMoments(x, mean, var);
  }

  @Override
  public void channelAffine(
      View x, View center, View scale, View shift, View g, View gScale, View out) {
    normalization.channelAffine(x, center, scale, shift, g, gScale, out);
  }

  @Override
  public void channelGradSums(View g, View x, View center, View sumG, View sumGX) {
    normalization.channelGradSums(g, x, center, sumG, sumGX);
  }
}

package dl.tensor;

import dl.Check;
import dl.DType;
import dl.backend.Backend;
import dl.backend.BinaryOp;
import dl.backend.Buffer;
import dl.backend.ConvGeometry;
import dl.backend.ReduceOp;
import dl.backend.UnaryOp;
import dl.backend.View;
import java.util.Arrays;

/**
 * Raw tensor math: shape checking, broadcasting, dtype promotion and view arithmetic, then one call
 * into the backend. Nothing here records a graph; the differentiable primitives in {@code
 * dl.autograd.ops} call these functions in their forward and backward passes.
 */
public final class TensorMath {
  private TensorMath() {}

  static Backend backendOf(String op, Tensor... tensors) {
    Backend b = tensors[0].buffer().backend();
    for (Tensor t : tensors) {
      Backend other = t.buffer().backend();
      if (other != b) {
        throw Check.badArgument(
            op,
            "tensors are on different devices ('%s' and '%s'); move one with to(device)",
            b.name(),
            other.name());
      }
    }
    return b;
  }

  /**
   * A new zero-filled contiguous tensor on {@code backend}. Running out of memory names the shape,
   * the size and how to get more, instead of a bare "Java heap space".
   */
  public static Tensor zeros(Backend backend, Shape shape, DType dtype) {
    Buffer buffer;
    try {
      buffer = backend.allocate(dtype, shape.numel());
    } catch (OutOfMemoryError e) {
      long bytes = (long) shape.numel() * (dtype == DType.FLOAT32 ? 4 : 8);
      OutOfMemoryError named =
          new OutOfMemoryError(
              Check.message(
                  "allocate",
                  "no room for a %s tensor of shape %s (%.1f MiB) on backend %s; the JVM may use at most %d MiB (raise it with -Xmx, or use smaller batches)",
                  dtype.toString().toLowerCase(java.util.Locale.ROOT),
                  shape,
                  bytes / 1048576.0,
                  backend.name(),
                  Runtime.getRuntime().maxMemory() >> 20));
      named.initCause(e);
      throw named;
    }
    return new Tensor(View.contiguous(buffer, shape.toArray()));
  }

  /** A 0-D tensor holding {@code value}, with {@code t}'s dtype and on {@code t}'s backend. */
  public static Tensor scalarLike(Tensor t, double value) {
    Tensor s = like(t, Shape.of(), t.dtype());
    if (value != 0) t.buffer().backend().fill(s.layout(), value);
    return s;
  }

  private static Tensor like(Tensor t, Shape shape, DType dtype) {
    return zeros(t.buffer().backend(), shape, dtype);
  }

  // ---------------------------------------------------------------- elementwise

  public static Tensor unary(UnaryOp op, Tensor a) {
    Tensor out = like(a, a.shape(), a.dtype());
    a.buffer().backend().unary(op, a.layout(), out.layout());
    return out;
  }

  /** {@code op(a, b)} with NumPy broadcasting; float32 with float64 gives float64. */
  public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
    String name = op.name().toLowerCase();
    Backend backend = backendOf(name, a, b);
    Shape shape = Shape.broadcast(name, a.shape(), b.shape());
    DType dtype = DType.promote(a.dtype(), b.dtype());
    Tensor out = zeros(backend, shape, dtype);
    backend.binary(
        op,
        expand(cast(a, dtype), shape).layout(),
        expand(cast(b, dtype), shape).layout(),
        out.layout());
    return out;
  }

  /** {@code cond != 0 ? a : b}, all three broadcast together. */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) {
    Backend backend = backendOf("where", cond, a, b);
    Shape shape =
        Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
    DType dtype = DType.promote(a.dtype(), b.dtype());
    Tensor out = zeros(backend, shape, dtype);
    backend.where(
        expand(cond, shape).layout(),
        expand(cast(a, dtype), shape).layout(),
        expand(cast(b, dtype), shape).layout(),
        out.layout());
    return out;
  }

  /** In place: {@code target = op(target, other)}, other broadcast to target's shape. */
  static void binaryInPlace(String name, BinaryOp op, Tensor target, Tensor other) {
    Backend backend = backendOf(name, target, other);
    Shape result = Shape.broadcast(name, target.shape(), other.shape());
    if (!result.equals(target.shape())) {
      throw Check.badArgument(
          name,
          "result shape %s differs from the target's shape %s; an in-place op cannot grow its target",
          result,
          target.shape());
    }
    backend.binary(
        op,
        target.layout(),
        expand(cast(other, target.dtype()), target.shape()).layout(),
        target.layout());
  }

  // ---------------------------------------------------------------- reductions

  /** Resolves axes (negative allowed) into a sorted, duplicate-free array. */
  static int[] axes(String op, Shape shape, int... axes) {
    boolean[] seen = new boolean[Math.max(shape.rank(), 1)];
    for (int a : axes) {
      int k = shape.axis(op, a);
      if (seen[k])
        throw new IllegalArgumentException(op + ": axis " + a + " given twice for shape " + shape);
      seen[k] = true;
    }
    return java.util.stream.IntStream.range(0, shape.rank()).filter(i -> seen[i]).toArray();
  }

  static Shape reducedShape(Shape shape, int[] axes, boolean keepDim) {
    int[] dims = shape.toArray();
    for (int a : axes) dims[a] = keepDim ? 1 : -1;
    return Shape.of(Arrays.stream(dims).filter(d -> d >= 0).toArray());
  }

  public static Tensor reduce(ReduceOp op, Tensor a, int[] axes, boolean keepDim) {
    String name = op.name().toLowerCase();
    int[] ax = axes(name, a.shape(), axes);
    if (op != ReduceOp.SUM) {
      for (int k : ax) {
        if (a.shape().get(k) == 0)
          throw Check.badArgument(
              name, "cannot reduce the empty axis %s of shape %s", k, a.shape());
      }
    }
    Shape kept = reducedShape(a.shape(), ax, true);
    Tensor out = like(a, kept, a.dtype());
    a.buffer().backend().reduce(op, a.layout(), out.layout());
    return keepDim ? out : reshape(out, reducedShape(a.shape(), ax, false));
  }

  public static Tensor argReduce(ReduceOp op, Tensor a, int axis, boolean keepDim) {
    String name = op == ReduceOp.MAX ? "argmax" : "argmin";
    int k = a.shape().axis(name, axis);
    if (a.shape().get(k) == 0)
      throw Check.badArgument(name, "axis %s of shape %s is empty", axis, a.shape());
    Shape kept = reducedShape(a.shape(), new int[] {k}, true);
    Tensor out = like(a, kept, a.dtype());
    a.buffer().backend().argReduce(op, a.layout(), k, out.layout());
    return keepDim ? out : reshape(out, reducedShape(a.shape(), new int[] {k}, false));
  }

  // ---------------------------------------------------------------- matmul

  /**
   * Matrix product with {@code torch.matmul}'s rules: 1-D operands are treated as a row (left) or
   * column (right) vector and that axis is removed afterwards; leading batch axes broadcast.
   */
  public static Tensor matmul(Tensor a, Tensor b) {
    Backend backend = backendOf("matmul", a, b);
    if (a.dim() == 0 || b.dim() == 0) {
      throw Check.badArgument(
          "matmul", "%s x %s: both operands need at least one axis", a.shape(), b.shape());
    }
    Tensor a2 = a.dim() == 1 ? reshape(a, Shape.of(1, a.shape().get(0))) : a;
    Tensor b2 = b.dim() == 1 ? reshape(b, Shape.of(b.shape().get(0), 1)) : b;
    int m = a2.shape().get(-2),
        k = a2.shape().get(-1),
        k2 = b2.shape().get(-2),
        n = b2.shape().get(-1);
    if (k != k2) {
      throw Check.badArgument(
          "matmul", "%s x %s: inner dimensions %s and %s differ", a.shape(), b.shape(), k, k2);
    }
    int[] ab = Arrays.copyOf(a2.shape().toArray(), a2.dim() - 2);
    int[] bb = Arrays.copyOf(b2.shape().toArray(), b2.dim() - 2);
    Shape batch;
    try {
      batch = Shape.broadcast("matmul", Shape.of(ab), Shape.of(bb));
    } catch (IllegalArgumentException e) {
      throw Check.badArgument(
          "matmul",
          "%s x %s: batch dimensions %s and %s cannot broadcast",
          a.shape(),
          b.shape(),
          Shape.of(ab),
          Shape.of(bb));
    }
    DType dtype = DType.promote(a.dtype(), b.dtype());
    Shape outShape = concat(batch, m, n);
    Tensor out = zeros(backend, outShape, dtype);
    backend.matmul(
        expand(cast(a2, dtype), concat(batch, m, k)).layout(),
        expand(cast(b2, dtype), concat(batch, k, n)).layout(),
        out.layout());
    if (a.dim() == 1 && b.dim() == 1) return reshape(out, Shape.of());
    if (a.dim() == 1) return reshape(out, dropAxis(outShape, outShape.rank() - 2));
    if (b.dim() == 1) return reshape(out, dropAxis(outShape, outShape.rank() - 1));
    return out;
  }

  private static Shape concat(Shape batch, int r, int c) {
    int[] d = Arrays.copyOf(batch.toArray(), batch.rank() + 2);
    d[batch.rank()] = r;
    d[batch.rank() + 1] = c;
    return Shape.of(d);
  }

  private static Shape dropAxis(Shape s, int axis) {
    int[] d = s.toArray();
    int[] r = new int[d.length - 1];
    for (int i = 0, j = 0; i < d.length; i++) if (i != axis) r[j++] = d[i];
    return Shape.of(r);
  }

  // ---------------------------------------------------------------- gathers

  /** {@code out[i][j] = a[i][index[i][j]]} for axis 1, and likewise for any axis. */
  public static Tensor gather(Tensor a, int axis, Tensor index) {
    int k = a.shape().axis("gather", axis);
    checkGatherShapes("gather", a.shape(), k, index.shape());
    Tensor out = like(a, index.shape(), a.dtype());
    a.buffer().backend().gather(a.layout(), k, index.layout(), out.layout());
    return out;
  }

  /** A zero tensor of {@code shape} with {@code src} added at {@code index} along {@code axis}. */
  public static Tensor scatterAdd(Shape shape, int axis, Tensor index, Tensor src) {
    int k = shape.axis("scatterAdd", axis);
    checkGatherShapes("scatterAdd", shape, k, index.shape());
    if (!index.shape().equals(src.shape())) {
      throw Check.badArgument(
          "scatterAdd", "index shape %s and source shape %s differ", index.shape(), src.shape());
    }
    Tensor out = like(src, shape, src.dtype());
    src.buffer().backend().scatterAdd(src.layout(), k, index.layout(), out.layout());
    return out;
  }

  /**
   * A zero tensor of {@code shape} with {@code src} written at {@code index} along {@code axis}.
   */
  public static Tensor scatter(Shape shape, int axis, Tensor index, Tensor src) {
    int k = shape.axis("scatter", axis);
    checkGatherShapes("scatter", shape, k, index.shape());
    if (!index.shape().equals(src.shape())) {
      throw Check.badArgument(
          "scatter", "index shape %s and source shape %s differ", index.shape(), src.shape());
    }
    Tensor out = like(src, shape, src.dtype());
    src.buffer().backend().scatter(contiguous(src).layout(), k, index.layout(), out.layout());
    return out;
  }

  private static void checkGatherShapes(String op, Shape data, int axis, Shape index) {
    boolean ok = data.rank() == index.rank();
    for (int i = 0; ok && i < data.rank(); i++) ok = i == axis || data.get(i) == index.get(i);
    if (!ok) {
      throw Check.badArgument(
          op, "index shape %s must match data shape %s on every axis but %s", index, data, axis);
    }
  }

  /**
   * The slices {@code index[0], index[1], …} of {@code a} along {@code axis}, stacked in that
   * order.
   */
  public static Tensor indexSelect(Tensor a, int axis, int[] index) {
    int k = a.shape().axis("indexSelect", axis);
    int size = a.shape().get(k);
    int[] dims = a.shape().toArray();
    dims[k] = index.length;
    Tensor out = like(a, Shape.of(dims), a.dtype());
    Backend backend = a.buffer().backend();
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= size) {
        throw Check.badArgument(
            "indexSelect",
            "index %s at position %s out of range for axis %s of shape %s",
            index[i],
            i,
            axis,
            a.shape());
      }
      backend.copy(
          slice(a, k, index[i], index[i] + 1, 1).layout(), slice(out, k, i, i + 1, 1).layout());
    }
    return out;
  }

  // ---------------------------------------------------------------- sliding windows

  /** im2col: x [N, C, H, W] → columns [C·kh·kw, N·OH·OW], one column per window position. */
  public static Tensor unfold(Tensor x, ConvGeometry g) {
    checkImages("unfold", x, g);
    Tensor out = like(x, Shape.of(g.rows(), g.columns()), x.dtype());
    x.buffer().backend().im2col(x.layout(), g, out.layout());
    return out;
  }

  /**
   * col2im: sums columns [C·kh·kw, N·OH·OW] back into images [N, C, H, W] (the adjoint of unfold).
   */
  public static Tensor fold(Tensor cols, ConvGeometry g) {
    if (cols.dim() != 2 || cols.size(0) != g.rows() || cols.size(1) != g.columns()) {
      throw Check.badArgument(
          "fold", "expected columns [%s,%s], got %s", g.rows(), g.columns(), cols.shape());
    }
    Tensor out = like(cols, Shape.of(g.n(), g.c(), g.h(), g.w()), cols.dtype());
    Tensor c = contiguous(cols);
    cols.buffer().backend().col2im(c.layout(), g, out.layout());
    return out;
  }

  /** Max pooling; returns {output, indices} with indices as flat positions ih·W + iw per plane. */
  public static Tensor[] maxPool2d(Tensor x, ConvGeometry g) {
    checkImages("maxPool2d", x, g);
    Shape shape = Shape.of(g.n(), g.c(), g.outH(), g.outW());
    Tensor out = like(x, shape, x.dtype()), indices = like(x, shape, x.dtype());
    x.buffer().backend().maxPool2d(x.layout(), g, out.layout(), indices.layout());
    return new Tensor[] {out, indices};
  }

  static void checkImages(String op, Tensor x, ConvGeometry g) {
    boolean images =
        x.dim() == 4
            && x.size(0) == g.n()
            && x.size(1) == g.c()
            && x.size(2) == g.h()
            && x.size(3) == g.w();
    Check.argument(
        images, op, "expected input [%d,%d,%d,%d], got %s", g.n(), g.c(), g.h(), g.w(), x.shape());
    Check.argument(
        g.outH() > 0 && g.outW() > 0,
        op,
        "a %dx%d window (dilation %dx%d) does not fit the padded input %s; output would be %dx%d",
        g.kh(),
        g.kw(),
        g.dilationH(),
        g.dilationW(),
        x.shape(),
        g.outH(),
        g.outW());
  }

  // ---------------------------------------------------------------- copies and casts

  /** {@code a} itself if already contiguous, else a contiguous copy. */
  public static Tensor contiguous(Tensor a) {
    return a.layout().isContiguous() ? a : copy(a);
  }

  /** Always a fresh contiguous copy. */
  public static Tensor copy(Tensor a) {
    Tensor out = like(a, a.shape(), a.dtype());
    a.buffer().backend().copy(a.layout(), out.layout());
    return out;
  }

  /**
   * A contiguous copy of {@code a} on {@code target} ({@code a} itself if already there), through
   * host memory: backends only know their own buffers.
   */
  public static Tensor transfer(Tensor a, Backend target) {
    if (a.buffer().backend() == target) return a;
    Buffer b =
        a.dtype() == DType.FLOAT32
            ? target.fromArray(a.toFloatArray())
            : target.fromArray(a.toDoubleArray());
    return new Tensor(View.contiguous(b, a.shape().toArray()));
  }

  /** {@code a} converted to {@code dtype} (no copy when it already has it). */
  public static Tensor cast(Tensor a, DType dtype) {
    if (a.dtype() == dtype) return a;
    Tensor out = like(a, a.shape(), dtype);
    a.buffer().backend().copy(a.layout(), out.layout());
    return out;
  }

  // ---------------------------------------------------------------- views (no copy)

  static Tensor view(Tensor a, int[] shape, int[] strides, int offset) {
    return new Tensor(new View(a.buffer(), shape, strides, offset));
  }

  /** Same elements, new shape: a view when the layout allows, else a copy first. */
  public static Tensor reshape(Tensor a, Shape shape) {
    if (shape.numel() != a.numel()) {
      throw Check.badArgument(
          "reshape",
          "cannot view %s (%s elements) as %s (%s elements)",
          a.shape(),
          a.numel(),
          shape,
          shape.numel());
    }
    int[] strides = viewStrides(a.layout().shape(), a.layout().strides(), shape.toArray());
    if (strides != null) return view(a, shape.toArray(), strides, a.layout().offset());
    Tensor c = copy(a);
    return view(c, shape.toArray(), View.rowMajorStrides(shape.toArray()), 0);
  }

  /**
   * Strides that show the same elements in {@code newShape} without copying, or null when the
   * layout does not allow it (e.g. flattening a transposed matrix). Works chunk by chunk: axes that
   * are contiguous with each other can be split or merged freely.
   */
  static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
    int[] newStrides = new int[newShape.length];
    int numel = 1;
    for (int d : oldShape) numel *= d;
    if (numel == 0 || oldShape.length == 0) return View.rowMajorStrides(newShape);
    int viewAxis = newShape.length - 1;
    int chunkBaseStride = oldStrides[oldStrides.length - 1];
    long tensorNumel = 1, viewNumel = 1;
    for (int d = oldShape.length - 1; d >= 0; d--) {
      tensorNumel *= oldShape[d];
      boolean chunkEnds =
          d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBaseStride);
      if (chunkEnds) {
        while (viewAxis >= 0 && (viewNumel < tensorNumel || newShape[viewAxis] == 1)) {
          newStrides[viewAxis] = (int) (viewNumel * chunkBaseStride);
          viewNumel *= newShape[viewAxis];
          viewAxis--;
        }
        if (viewNumel != tensorNumel) return null;
        if (d > 0) {
          chunkBaseStride = oldStrides[d - 1];
          tensorNumel = 1;
          viewNumel = 1;
        }
      }
    }
    return viewAxis == -1 ? newStrides : null;
  }

  /** Axes reordered: output axis i is input axis {@code order[i]}. */
  public static Tensor permute(Tensor a, int... order) {
    int r = a.dim();
    if (order.length != r) {
      throw Check.badArgument(
          "permute",
          "order %s has %s axes, tensor %s has %s",
          Arrays.toString(order),
          order.length,
          a.shape(),
          r);
    }
    int[] ax = axes("permute", a.shape(), order);
    if (ax.length != r)
      throw Check.badArgument("permute", "order %s repeats an axis", Arrays.toString(order));
    int[] shape = new int[r], strides = new int[r];
    for (int i = 0; i < r; i++) {
      int k = a.shape().axis("permute", order[i]);
      shape[i] = a.layout().shape()[k];
      strides[i] = a.layout().strides()[k];
    }
    return view(a, shape, strides, a.layout().offset());
  }

  /** Broadcasts {@code a} to {@code shape} by giving repeated axes stride 0 (no copy). */
  public static Tensor expand(Tensor a, Shape shape) {
    if (a.shape().equals(shape)) return a;
    int r = shape.rank(), lead = r - a.dim();
    if (lead < 0)
      throw Check.badArgument("expand", "cannot expand %s to fewer axes %s", a.shape(), shape);
    int[] strides = new int[r];
    for (int i = 0; i < r; i++) {
      if (i < lead) continue;
      int size = a.layout().shape()[i - lead];
      if (size == shape.get(i)) strides[i] = a.layout().strides()[i - lead];
      else if (size != 1) {
        throw Check.badArgument(
            "expand",
            "cannot expand %s to %s (axis %s: %s vs %s)",
            a.shape(),
            shape,
            i,
            size,
            shape.get(i));
      }
    }
    return view(a, shape.toArray(), strides, a.layout().offset());
  }

  /** Elements {@code start, start+step, …} (before {@code end}) along {@code axis}, as a view. */
  public static Tensor slice(Tensor a, int axis, int start, int end, int step) {
    int k = a.shape().axis("slice", axis);
    int size = a.shape().get(k);
    if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
    if (start < 0) start += size;
    if (end < 0) end += size;
    if (start < 0 || start > size || end < start || end > size) {
      throw Check.badArgument(
          "slice",
          "range [%s, %s) out of bounds for axis %s of shape %s",
          start,
          end,
          axis,
          a.shape());
    }
    int[] shape = a.layout().shape().clone(), strides = a.layout().strides().clone();
    shape[k] = (end - start + step - 1) / step;
    strides[k] = a.layout().strides()[k] * step;
    return view(a, shape, strides, a.layout().offset() + start * a.layout().strides()[k]);
  }

  /** Joins tensors along an existing axis; all other sizes must agree. */
  public static Tensor cat(int axis, Tensor... parts) {
    if (parts.length == 0) throw new IllegalArgumentException("cat: needs at least one tensor");
    Backend backend = backendOf("cat", parts);
    Shape first = parts[0].shape();
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].dim() == 0)
        throw Check.badArgument(
            "cat", "the 0-D tensor at position %s has no axis to join along; use stack", i);
    }
    int k = first.axis("cat", axis);
    int total = 0;
    DType dtype = parts[0].dtype();
    for (Tensor p : parts) {
      boolean ok = p.dim() == first.rank();
      for (int i = 0; ok && i < first.rank(); i++) ok = i == k || p.shape().get(i) == first.get(i);
      if (!ok)
        throw Check.badArgument(
            "cat", "shapes %s and %s differ outside axis %s", first, p.shape(), axis);
      total += p.shape().get(k);
      dtype = DType.promote(dtype, p.dtype());
    }
    int[] dims = first.toArray();
    dims[k] = total;
    Tensor out = zeros(backend, Shape.of(dims), dtype);
    int at = 0;
    for (Tensor p : parts) {
      int len = p.shape().get(k);
      backend.copy(p.layout(), slice(out, k, at, at + len, 1).layout());
      at += len;
    }
    return out;
  }
}

package dl.tensor;

import dl.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Formats tensors the way PyTorch prints them, summarising large ones with "...". */
final class TensorPrinter {
  /** Tensors with more elements than this show only their first and last few along each axis. */
  static final int SUMMARY_THRESHOLD = 1000;

  static final int EDGE_ITEMS = 3;
  private static final String PREFIX = "tensor(";

  private TensorPrinter() {}

  static String format(Tensor t) {
    boolean summarise = t.numel() > SUMMARY_THRESHOLD;
    Tensor shown = summarise ? edges(t) : t;
    double[] values = shown.toDoubleArray();
    String[] cells = cells(values);
    int width = 0;
    for (String c : cells) width = Math.max(width, c.length());
    StringBuilder sb = new StringBuilder(PREFIX);
    int[] pos = {0};
    body(sb, t.shape().toArray(), 0, cells, width, pos, summarise);
    if (t.numel() == 0) sb.append(", size=").append(t.shape());
    if (t.dtype() == DType.FLOAT64) sb.append(", dtype=float64");
    if (t.gradFn() != null) sb.append(", grad_fn=").append(t.gradFn().name());
    else if (t.requiresGrad()) sb.append(", requires_grad=true");
    if (summarise) sb.append(", shape=").append(t.shape());
    return sb.append(')').toString();
  }

  /** The first and last EDGE_ITEMS along every long axis, in order, so the body can print them. */
  private static Tensor edges(Tensor t) {
    Tensor r = t.detach();
    for (int axis = 0; axis < t.dim(); axis++) {
      int n = r.shape().get(axis);
      if (n > 2 * EDGE_ITEMS) {
        r =
            TensorMath.cat(
                axis,
                TensorMath.slice(r, axis, 0, EDGE_ITEMS, 1),
                TensorMath.slice(r, axis, n - EDGE_ITEMS, n, 1));
      }
    }
    return r;
  }

  private static String[] cells(double[] v) {
    boolean integers = true;
    double maxAbs = 0, minAbs = Double.POSITIVE_INFINITY;
    for (double x : v) {
      if (!Double.isFinite(x)) continue;
      if (x != Math.rint(x)) integers = false;
      double a = Math.abs(x);
      maxAbs = Math.max(maxAbs, a);
      if (a > 0) minAbs = Math.min(minAbs, a);
    }
    boolean scientific =
        maxAbs >= 1e8 || (!integers && minAbs < 1e-4) || (maxAbs / minAbs > 1e3 && !integers);
    String[] out = new String[v.length];
    for (int i = 0; i < v.length; i++) {
      double x = v[i];
      if (Double.isNaN(x)) out[i] = "nan";
      else if (Double.isInfinite(x)) out[i] = x > 0 ? "inf" : "-inf";
      else if (scientific) out[i] = String.format(Locale.ROOT, "%.4e", x);
      else if (integers) out[i] = String.format(Locale.ROOT, "%.0f.", x);
      else out[i] = String.format(Locale.ROOT, "%.4f", x);
    }
    return out;
  }

  private static void body(
      StringBuilder sb,
      int[] shape,
      int axis,
      String[] cells,
      int width,
      int[] pos,
      boolean summarise) {
    if (shape.length == 0) {
      sb.append(cells[pos[0]++]);
      return;
    }
    int n = shape[axis];
    boolean cut = summarise && n > 2 * EDGE_ITEMS;
    List<Integer> indices = new ArrayList<>();
    for (int i = 0; i < n; i++) if (!cut || i < EDGE_ITEMS || i >= n - EDGE_ITEMS) indices.add(i);
    sb.append('[');
    String indent = " ".repeat(PREFIX.length() + axis + 1);
    String newlines = "\n".repeat(Math.max(1, shape.length - axis - 1));
    for (int k = 0; k < indices.size(); k++) {
      if (k > 0) {
        sb.append(',');
        sb.append(axis == shape.length - 1 ? " " : newlines + indent);
      }
      if (cut && k == EDGE_ITEMS) {
        sb.append("...");
        sb.append(',');
        sb.append(axis == shape.length - 1 ? " " : newlines + indent);
      }
      if (axis == shape.length - 1) {
        String c = cells[pos[0]++];
        sb.append(" ".repeat(width - c.length())).append(c);
      } else {
        body(sb, shape, axis + 1, cells, width, pos, summarise);
      }
    }
    sb.append(']');
  }
}

package dl.viz;

import dl.Check;
import dl.autograd.NoGrad;
import dl.nn.AvgPool2d;
import dl.nn.Conv2d;
import dl.nn.MaxPool2d;
import dl.nn.Module;
import dl.nn.Sequential;
import dl.tensor.Tensor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * How far one unit of a stack of convolutions and poolings sees, layer by layer: a cut along the
 * rows through the input and every windowed layer above it (the columns are the same for square
 * kernels). The centre unit of the last layer is at the top; below it, in each layer, the units it
 * depends on, down to the input pixels of its receptive field. Units are drawn where their windows
 * are centred in input pixels, so after a stride they sit further apart: the jump.
 *
 * <p>Per layer with kernel k, stride s, padding p and dilation d: r = r_prev + d·(k − 1)·j_prev and
 * j = j_prev·s, from r = j = 1 at the input; the unit i of a layer reads the units i·s − p + t·d (t
 * = 0..k−1) of the layer below, where a negative index or one past the end is padding.
 */
final class ReceptiveFieldDiagram extends Sketch {
  private static final double MARGIN = 16, ROW = 44, LABEL_W = 190, STATS_W = 150, BOTTOM = 34;
  private static final Color SEEN = new Color(0xff7f0e), TOP = new Color(0xd62728);

  /** One row: the input (layer 0) or a windowed layer. */
  static final class Row {
    final String label;
    final int kernel, stride, padding, dilation, size;
    int field, jump;

    /** Centre of unit 0 in input pixels (pixel i is centred at i). */
    double start;

    /** Units this row contributes to the top unit, by index (outside 0..size−1: padding). */
    TreeSet<Integer> seen = new TreeSet<>();

    Row(String label, int kernel, int stride, int padding, int dilation, int size) {
      this.label = label;
      this.kernel = kernel;
      this.stride = stride;
      this.padding = padding;
      this.dilation = dilation;
      this.size = size;
    }

    double centre(int i) {
      return start + (double) i * jump;
    }
  }

  final List<Row> rows = new ArrayList<>();

  /** The layer the walk stopped at (a Flatten, a Linear, ...), or null if it saw every layer. */
  final String stoppedAt;

  private double minPos, maxPos, cell;

  ReceptiveFieldDiagram(Module stack, int[] inputShape) {
    if (!(stack instanceof Sequential)) {
      throw Check.badArgument(
          "receptiveField",
          "expected a Sequential stack of layers, got %s%s",
          stack == null ? "null" : stack.getClass().getSimpleName(),
          stack != null && !stack.children().isEmpty()
              ? " (pass its convolutional part, e.g. net.features())"
              : "");
    }
    if (inputShape == null
        || inputShape.length != 3
        || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
      throw Check.badArgument(
          "receptiveField",
          "expected the shape of one image, [channels, height, width], got %s",
          Arrays.toString(inputShape));
    }
    List<Module> layers = new ArrayList<>();
    flatten(stack, layers);
    rows.add(new Row("input", 1, 1, 0, 1, inputShape[1]));
    String stop = null;
    var modes = new java.util.IdentityHashMap<Module, Boolean>();
    ArchitectureTrace.remember(stack, modes);
    stack.eval(); // dropout off, batch norm on running statistics: only shapes matter here
    try (NoGrad scope = NoGrad.enter()) {
      Tensor x =
          ArchitectureTrace.onDeviceOf(
              stack, Tensor.zeros(1, inputShape[0], inputShape[1], inputShape[2]));
      for (Module layer : layers) {
        Tensor y;
        try {
          y = layer.forward(x);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              Check.message(
                  "receptiveField",
                  "layer %s failed on input %s: %s",
                  name(layer),
                  x.shape(),
                  e.getMessage()),
              e);
        }
        int[] k, s, p, d;
        if (layer instanceof Conv2d c) {
          k = c.kernelSize();
          s = c.stride();
          p = c.padding();
          d = c.dilation();
        } else if (layer instanceof MaxPool2d m) {
          k = m.kernelSize();
          s = m.stride();
          p = m.padding();
          d = m.dilation();
        } else if (layer instanceof AvgPool2d a) {
          k = a.kernelSize();
          s = a.stride();
          p = a.padding();
          d = new int[] {1, 1};
        } else if (y.dim() == 4
            && x.dim() == 4
            && y.size(2) == x.size(2)
            && y.size(3) == x.size(3)) {
          x = y; // acts on each position by itself (ReLU, batch norm, dropout): the field stays
          continue;
        } else {
          stop = name(layer);
          break;
        }
        rows.add(
            new Row(windowLabel(layer, k[0], s[0], p[0], d[0]), k[0], s[0], p[0], d[0], y.size(2)));
        x = y;
      }
    } finally {
      ArchitectureTrace.restore(stack, modes);
    }
    if (rows.size() == 1) {
      throw Check.badArgument(
          "receptiveField",
          "%s has no convolution or pooling layer before %s",
          name(stack),
          stop == null ? "its end" : stop);
    }
    stoppedAt = stop;
    compute();
  }

  private static void flatten(Module m, List<Module> out) {
    if (m instanceof Sequential s) {
      for (int i = 0; i < s.size(); i++) flatten(s.get(i), out);
    } else {
      out.add(m);
    }
  }

  private static String name(Module m) {
    return ArchitectureTrace.describe(m);
  }

  private static String windowLabel(Module layer, int k, int s, int p, int d) {
    String kind =
        layer instanceof Conv2d ? "conv" : layer instanceof MaxPool2d ? "max pool" : "avg pool";
    StringBuilder sb = new StringBuilder(kind + " " + k + "×" + k);
    if (s != 1) sb.append(", stride ").append(s);
    if (p != 0) sb.append(", pad ").append(p);
    if (d != 1) sb.append(", dilation ").append(d);
    return sb.toString();
  }

  private void compute() {
    Row in = rows.get(0);
    in.field = 1;
    in.jump = 1;
    in.start = 0;
    for (int l = 1; l < rows.size(); l++) {
      Row prev = rows.get(l - 1), r = rows.get(l);
      r.field = prev.field + r.dilation * (r.kernel - 1) * prev.jump;
      r.jump = prev.jump * r.stride;
      r.start = prev.start + (r.dilation * (r.kernel - 1) / 2.0 - r.padding) * prev.jump;
    }
    Row top = rows.get(rows.size() - 1);
    top.seen.add((top.size - 1) / 2);
    for (int l = rows.size() - 1; l > 0; l--) {
      Row r = rows.get(l), below = rows.get(l - 1);
      for (int i : r.seen)
        for (int t = 0; t < r.kernel; t++)
          below.seen.add(i * r.stride - r.padding + t * r.dilation);
    }
    minPos = Double.POSITIVE_INFINITY;
    maxPos = Double.NEGATIVE_INFINITY;
    for (Row r : rows) {
      minPos = Math.min(minPos, Math.min(r.centre(0), r.centre(r.seen.first())));
      maxPos = Math.max(maxPos, Math.max(r.centre(r.size - 1), r.centre(r.seen.last())));
    }
    cell = Math.max(2, Math.min(22, Math.floor(700 / (maxPos - minPos + 1))));
  }

  /** The receptive field of the top unit, in input pixels along one side. */
  int field() {
    return rows.get(rows.size() - 1).field;
  }

  @Override
  int width() {
    return (int) Math.ceil(2 * MARGIN + LABEL_W + (maxPos - minPos + 1) * cell + STATS_W);
  }

  @Override
  int height() {
    return (int) Math.ceil(2 * MARGIN + 30 + rows.size() * ROW + BOTTOM);
  }

  private double px(double pos) {
    return MARGIN + LABEL_W + (pos - minPos + 0.5) * cell;
  }

  private double rowY(int l) {
    return MARGIN + 30 + (rows.size() - 1 - l) * ROW + ROW / 2;
  }

  @Override
  void paint(Graphics2D g) {
    g.setFont(Style.TITLE);
    g.setColor(Style.TEXT);
    Row top = rows.get(rows.size() - 1);
    Draw.leftAligned(
        g,
        "Receptive field of the centre unit: " + top.field + "×" + top.field + " pixels",
        MARGIN,
        MARGIN + 8);
    double unit = Math.max(1.5, cell * 0.8);
    // the cone between consecutive rows, under the units
    for (int l = rows.size() - 1; l > 0; l--) {
      Row r = rows.get(l), below = rows.get(l - 1);
      Path2D.Double cone = new Path2D.Double();
      double y0 = rowY(l) + unit / 2, y1 = rowY(l - 1) - unit / 2;
      cone.moveTo(px(r.centre(r.seen.first())) - unit / 2, y0);
      cone.lineTo(px(r.centre(r.seen.last())) + unit / 2, y0);
      cone.lineTo(px(below.centre(below.seen.last())) + unit / 2, y1);
      cone.lineTo(px(below.centre(below.seen.first())) - unit / 2, y1);
      cone.closePath();
      g.setColor(new Color(255, 127, 14, 45));
      g.fill(cone);
    }
    for (int l = 0; l < rows.size(); l++) {
      Row r = rows.get(l);
      double y = rowY(l);
      for (int i = 0; i < r.size; i++) {
        var sq = new Rectangle2D.Double(px(r.centre(i)) - unit / 2, y - unit / 2, unit, unit);
        boolean seen = r.seen.contains(i);
        g.setColor(seen ? (l == rows.size() - 1 ? TOP : SEEN) : new Color(0xeeeeee));
        g.fill(sq);
        if (cell >= 6) {
          g.setColor(seen ? g.getColor().darker() : new Color(0xcccccc));
          g.setStroke(stroke(0.6));
          g.draw(sq);
        }
      }
      for (int i : r.seen) {
        if (i >= 0 && i < r.size) continue;
        double x = px(r.centre(i)) - unit / 2;
        hatch(g, x, y - unit / 2, unit, unit, SEEN);
        g.setColor(SEEN);
        g.setStroke(stroke(0.8));
        g.draw(new Rectangle2D.Double(x, y - unit / 2, unit, unit));
      }
      g.setFont(l == 0 ? BOLD : TEXT);
      g.setColor(Style.TEXT);
      Draw.leftAligned(g, l == 0 ? "input " + r.size + " px" : r.label, MARGIN, y);
      g.setFont(SMALL);
      g.setColor(MUTED);
      double right = MARGIN + LABEL_W + (maxPos - minPos + 1) * cell + 12;
      Draw.leftAligned(
          g,
          l == 0
              ? "field 1, jump 1"
              : "field " + r.field + ", jump " + r.jump + ", " + r.size + " units",
          right,
          y);
    }
    // the field's extent on the input, and the image's
    Row in = rows.get(0);
    double yb = rowY(0) + unit / 2 + 10;
    double a = px(in.seen.first()) - unit / 2, b = px(in.seen.last()) + unit / 2;
    g.setColor(SEEN.darker());
    g.setStroke(stroke(1.2));
    g.draw(new Line2D.Double(a, yb, b, yb));
    g.draw(new Line2D.Double(a, yb - 4, a, yb + 4));
    g.draw(new Line2D.Double(b, yb - 4, b, yb + 4));
    g.setFont(SMALL);
    String note = field() + " px";
    if (in.seen.first() < 0 || in.seen.last() >= in.size) note += " (hatched: padding)";
    if (stoppedAt != null) note += "; " + stoppedAt + " and later layers are not windows";
    Draw.centered(g, note, Math.max(MARGIN + LABEL_W + 60, (a + b) / 2), yb + 12);
  }
}

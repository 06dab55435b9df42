package dl.viz;

import dl.Check;
import dl.tensor.Tensor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;

/**
 * Dropout masks as thinned networks (the picture of Srivastava et al. 2014): a small network with
 * one hidden layer, drawn once whole (evaluation mode) and once per mask, with the dropped hidden
 * units crossed out and their connections gone. The input and output layers are only there to show
 * the connections; the hidden layer is the mask.
 */
final class DropoutDiagram extends Sketch {
  static final int MAX_UNITS = 24, MAX_SAMPLES = 8;
  private static final int INPUTS = 4, OUTPUTS = 3;
  private static final double MARGIN = 14, PANEL_W = 150, GAP = 14, UNIT = 16, STEP = 24;
  private static final double CAPTION = 40;
  private static final Color KEPT = new Color(0x1f77b4), DROPPED = new Color(0xbbbbbb);

  /** {@code kept[s][u]}: unit u survives in sample s. */
  final boolean[][] kept;

  /** The factor survivors are multiplied by (1/(1 − p)); NaN when the masks do not show it. */
  final double scale;

  DropoutDiagram(Tensor masks) {
    if (masks == null) throw new IllegalArgumentException("dropout: the mask tensor is null");
    if (masks.dim() != 1 && masks.dim() != 2) {
      throw Check.badArgument(
          "dropout", "expected masks [samples, units] or [units], got %s", masks.shape());
    }
    Tensor m = masks.dim() == 1 ? masks.reshape(1, masks.size(0)) : masks;
    int samples = m.size(0), units = m.size(1);
    if (samples < 1 || samples > MAX_SAMPLES || units < 1 || units > MAX_UNITS) {
      throw Check.badArgument(
          "dropout",
          "masks %s: expected 1..%s samples of 1..%s units, so that the units stay legible",
          masks.shape(),
          MAX_SAMPLES,
          MAX_UNITS);
    }
    double[] v = m.detach().toDoubleArray();
    kept = new boolean[samples][units];
    double survivor = Double.NaN;
    boolean sameScale = true;
    for (int s = 0; s < samples; s++) {
      for (int u = 0; u < units; u++) {
        double x = v[s * units + u];
        if (!Double.isFinite(x) || x < 0) {
          throw Check.badArgument(
              "dropout",
              "mask values must be 0 (dropped) or positive (kept), got %s at sample %s, unit %s",
              x,
              s,
              u);
        }
        kept[s][u] = x > 0;
        if (x > 0) {
          if (Double.isNaN(survivor)) survivor = x;
          else if (Math.abs(x - survivor) > 1e-4 * survivor) sameScale = false;
        }
      }
    }
    scale = sameScale ? survivor : Double.NaN;
  }

  int units() {
    return kept[0].length;
  }

  int keptCount(int sample) {
    int n = 0;
    for (boolean k : kept[sample]) if (k) n++;
    return n;
  }

  @Override
  int width() {
    int panels = kept.length + 1;
    return (int) Math.ceil(2 * MARGIN + panels * PANEL_W + (panels - 1) * GAP);
  }

  @Override
  int height() {
    return (int) Math.ceil(2 * MARGIN + CAPTION + units() * STEP + 24);
  }

  @Override
  void paint(Graphics2D g) {
    double x = MARGIN;
    boolean[] all = new boolean[units()];
    java.util.Arrays.fill(all, true);
    paintNetwork(g, x, "evaluation", "all " + units() + " units", all);
    for (int s = 0; s < kept.length; s++) {
      x += PANEL_W + GAP;
      String detail = keptCount(s) + " of " + units() + " kept";
      if (!Double.isNaN(scale) && Math.abs(scale - 1) > 1e-6)
        detail += ", ×" + Draw.number(scale, 3);
      paintNetwork(g, x, "mask " + (s + 1), detail, kept[s]);
    }
  }

  private void paintNetwork(Graphics2D g, double left, String title, String detail, boolean[] on) {
    int units = on.length;
    double top = MARGIN + CAPTION, netH = units * STEP;
    double xIn = left + 22, xHidden = left + PANEL_W / 2, xOut = left + PANEL_W - 22;
    double[] yIn = column(INPUTS, top, netH), yHidden = column(units, top, netH);
    double[] yOut = column(OUTPUTS, top, netH);
    g.setFont(BOLD);
    g.setColor(Style.TEXT);
    Draw.centered(g, title, left + PANEL_W / 2, MARGIN + 6);
    g.setFont(SMALL);
    g.setColor(MUTED);
    Draw.centered(g, detail, left + PANEL_W / 2, MARGIN + 22);
    // connections of the units that take part
    g.setStroke(stroke(0.6));
    g.setColor(new Color(0x9ecae1));
    for (int u = 0; u < units; u++) {
      if (!on[u]) continue;
      for (double y : yIn) g.draw(new Line2D.Double(xIn, y, xHidden, yHidden[u]));
      for (double y : yOut) g.draw(new Line2D.Double(xHidden, yHidden[u], xOut, y));
    }
    for (double y : yIn) unit(g, xIn, y, true);
    for (double y : yOut) unit(g, xOut, y, true);
    for (int u = 0; u < units; u++) unit(g, xHidden, yHidden[u], on[u]);
    g.setFont(SMALL);
    g.setColor(MUTED);
    double bottom = top + netH + 14;
    Draw.centered(g, "in", xIn, bottom);
    Draw.centered(g, "hidden", xHidden, bottom);
    Draw.centered(g, "out", xOut, bottom);
  }

  private static double[] column(int n, double top, double height) {
    double[] y = new double[n];
    double step = Math.min(STEP, height / n);
    double start = top + (height - step * n) / 2 + step / 2;
    for (int i = 0; i < n; i++) y[i] = start + i * step;
    return y;
  }

  private static void unit(Graphics2D g, double x, double y, boolean on) {
    var circle = new Ellipse2D.Double(x - UNIT / 2, y - UNIT / 2, UNIT, UNIT);
    g.setColor(on ? KEPT : Color.WHITE);
    g.fill(circle);
    g.setColor(on ? KEPT.darker() : DROPPED);
    g.setStroke(on ? stroke(1) : dashed(1));
    g.draw(circle);
    if (!on) {
      g.setColor(Style.WRONG);
      g.setStroke(stroke(1.6));
      double d = UNIT / 2 - 2;
      g.draw(new Line2D.Double(x - d, y - d, x + d, y + d));
      g.draw(new Line2D.Double(x - d, y + d, x + d, y - d));
    }
  }
}

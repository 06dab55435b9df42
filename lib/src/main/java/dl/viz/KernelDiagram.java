package dl.viz;

import dl.Check;
import dl.backend.ConvGeometry;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A kernel sliding over a padded square input: one panel per chosen output position, showing the
 * padded input (padding hatched), the kernel's taps at that position (dilation spreads them apart),
 * the span the window covers, and the output cell the position produces.
 */
final class KernelDiagram extends Sketch {
  static final int MAX_SIDE = 40;
  private static final double MARGIN = 16, PANEL_GAP = 26, HEADER = 74, CAPTION = 22;
  final int input, kernel, stride, padding, dilation, output;

  /** Output positions shown, as {row, column}. */
  final List<int[]> positions;

  private final double cell;
  private final double panelW, panelH;

  KernelDiagram(int input, int kernel, int stride, int padding, int dilation, int[][] positions) {
    String call =
        String.format(
            Locale.ROOT,
            "slidingKernel(input %d, kernel %d, stride %d, padding %d, dilation %d)",
            input,
            kernel,
            stride,
            padding,
            dilation);
    if (input < 1 || kernel < 1 || stride < 1 || padding < 0 || dilation < 1) {
      throw Check.badArgument(
          call, "input, kernel, stride and dilation must be >= 1 and padding >= 0");
    }
    if (input + 2 * padding > MAX_SIDE) {
      throw Check.badArgument(
          call,
          "the padded input is %s cells wide, at most %s fit legibly; use a smaller example",
          input + 2 * padding,
          MAX_SIDE);
    }
    int span = dilation * (kernel - 1) + 1;
    if (span > input + 2 * padding) {
      throw Check.badArgument(
          call,
          "the kernel spans %s cells (dilation·(kernel − 1) + 1) but the padded input has only %s; there is no output",
          span,
          input + 2 * padding);
    }
    this.input = input;
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.output = ConvGeometry.outputSize(input, kernel, stride, 2 * padding, dilation);
    this.positions = choose(positions, call);
    int padded = input + 2 * padding;
    cell = Math.max(9, Math.min(26, Math.floor(210.0 / padded)));
    double gridW = padded * cell;
    panelW = Math.max(gridW, 150);
    panelH = CAPTION + gridW + 34 + output * cell;
  }

  private List<int[]> choose(int[][] given, String call) {
    List<int[]> out = new ArrayList<>();
    if (given != null && given.length > 0) {
      if (given.length > 6)
        throw new IllegalArgumentException(call + ": at most 6 positions, got " + given.length);
      for (int[] p : given) {
        if (p == null || p.length != 2 || p[0] < 0 || p[1] < 0 || p[0] >= output || p[1] >= output)
          throw Check.badArgument(
              call,
              "output position %s is not {row, column} inside the %s×%s output",
              p == null ? "null" : java.util.Arrays.toString(p),
              output,
              output);
        out.add(p.clone());
      }
      return out;
    }
    // default: the first two steps along the first row, the first step down, and the last output
    Set<List<Integer>> picked = new LinkedHashSet<>();
    picked.add(List.of(0, 0));
    picked.add(List.of(0, Math.min(1, output - 1)));
    picked.add(List.of(Math.min(1, output - 1), 0));
    picked.add(List.of(output - 1, output - 1));
    for (List<Integer> p : picked) out.add(new int[] {p.get(0), p.get(1)});
    return out;
  }

  /** Padded-input cells (row, column, counted in the padded grid) under the kernel's taps. */
  List<int[]> taps(int outRow, int outCol) {
    List<int[]> out = new ArrayList<>();
    for (int a = 0; a < kernel; a++)
      for (int b = 0; b < kernel; b++)
        out.add(new int[] {outRow * stride + a * dilation, outCol * stride + b * dilation});
    return out;
  }

  @Override
  int width() {
    return (int)
        Math.ceil(
            Math.max(
                2 * MARGIN + positions.size() * panelW + (positions.size() - 1) * PANEL_GAP,
                2 * MARGIN
                    + Math.max(Draw.width(Style.TITLE, title()), Draw.width(TEXT, formula()))));
  }

  @Override
  int height() {
    return (int) Math.ceil(HEADER + panelH + MARGIN);
  }

  private static final String LEGEND =
      "hatched: zero padding   ·   coloured: the kernel's taps   ·   dashed: the window they span";

  private String title() {
    return input
        + "×"
        + input
        + " input, kernel "
        + kernel
        + "×"
        + kernel
        + ", stride "
        + stride
        + ", padding "
        + padding
        + ", dilation "
        + dilation;
  }

  private String formula() {
    return "output side = ⌊("
        + input
        + " + 2·"
        + padding
        + " − "
        + dilation
        + "·("
        + kernel
        + " − 1) − 1) / "
        + stride
        + "⌋ + 1 = "
        + output;
  }

  @Override
  void paint(Graphics2D g) {
    g.setFont(Style.TITLE);
    g.setColor(Style.TEXT);
    Draw.centered(g, title(), width() / 2.0, MARGIN + 6);
    g.setFont(TEXT);
    g.setColor(MUTED);
    Draw.centered(g, formula(), width() / 2.0, MARGIN + 26);
    g.setFont(SMALL);
    Draw.centered(g, LEGEND, width() / 2.0, MARGIN + 44);
    double total = positions.size() * panelW + (positions.size() - 1) * PANEL_GAP;
    double x = (width() - total) / 2;
    for (int i = 0; i < positions.size(); i++) {
      paintPanel(g, x, HEADER, positions.get(i), Style.series(i));
      x += panelW + PANEL_GAP;
    }
  }

  private void paintPanel(Graphics2D g, double left, double top, int[] pos, Color color) {
    int padded = input + 2 * padding;
    double gridW = padded * cell;
    double gx = left + (panelW - gridW) / 2, gy = top + CAPTION;
    g.setFont(BOLD);
    g.setColor(Style.TEXT);
    Draw.centered(g, "output (" + pos[0] + ", " + pos[1] + ")", left + panelW / 2, top + 8);
    // the padded input
    for (int r = 0; r < padded; r++) {
      for (int c = 0; c < padded; c++) {
        double x = gx + c * cell, y = gy + r * cell;
        boolean pad = r < padding || c < padding || r >= padding + input || c >= padding + input;
        if (pad) hatch(g, x, y, cell, cell, new Color(0xbbbbbb));
        g.setColor(Style.GRID.darker());
        g.setStroke(stroke(0.8));
        g.draw(new Rectangle2D.Double(x, y, cell, cell));
      }
    }
    g.setColor(Style.BORDER.darker());
    g.setStroke(stroke(1.4));
    g.draw(
        new Rectangle2D.Double(
            gx + padding * cell, gy + padding * cell, input * cell, input * cell));
    // the window's span, then its taps
    int span = dilation * (kernel - 1) + 1;
    Color fill = new Color(color.getRed(), color.getGreen(), color.getBlue(), 150);
    for (int[] t : taps(pos[0], pos[1])) {
      g.setColor(fill);
      g.fill(
          new Rectangle2D.Double(gx + t[1] * cell + 1, gy + t[0] * cell + 1, cell - 2, cell - 2));
    }
    g.setColor(color.darker());
    g.setStroke(dashed(1.6));
    g.draw(
        new Rectangle2D.Double(
            gx + pos[1] * stride * cell, gy + pos[0] * stride * cell, span * cell, span * cell));
    // the output, with the produced cell filled
    double oy = gy + gridW + 34, ox = left + (panelW - output * cell) / 2;
    g.setColor(MUTED);
    g.setStroke(stroke(1.2));
    arrow(g, left + panelW / 2, gy + gridW + 6, left + panelW / 2, oy - 6);
    for (int r = 0; r < output; r++) {
      for (int c = 0; c < output; c++) {
        var rect = new Rectangle2D.Double(ox + c * cell, oy + r * cell, cell, cell);
        if (r == pos[0] && c == pos[1]) {
          g.setColor(color);
          g.fill(rect);
        }
        g.setColor(Style.BORDER.darker());
        g.setStroke(stroke(0.8));
        g.draw(rect);
      }
    }
  }
}

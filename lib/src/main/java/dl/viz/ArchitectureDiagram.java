package dl.viz;

import dl.nn.Module;
import dl.tensor.Shape;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.RoundRectangle2D;
import java.util.ArrayList;
import java.util.List;

/**
 * A module drawn as boxes, one per layer, top to bottom, each with its output shape and parameter
 * count, found by running the module on one random example.
 *
 * <p>A module's {@code forward} is ordinary Java, so the drawing cannot read how a block wires its
 * children. It finds out the way one would by hand: it tries the usual wirings on the example and
 * keeps the one that reproduces the block's output exactly.
 *
 * <ul>
 *   <li>a {@link Sequential}, or any block whose output is its children applied one after another:
 *       a chain;
 *   <li>relu(F(x) + x) or F(x) + x with F its children in a chain: a residual block, the skip drawn
 *       as a bypass edge;
 *   <li>children applied side by side to the same input, added (a residual block with a projection
 *       shortcut) or concatenated along the channels (an Inception module), with or without a ReLU
 *       after: branches that meet in a ⊕ or "cat" node.
 * </ul>
 *
 * Anything else is drawn as one box. A layer that keeps the shape and has at most per-channel
 * weights (ReLU, batch norm, dropout) is written into the box of the layer before it, so a
 * conv-BN-ReLU is one box.
 *
 * <p>This file holds the parts of the drawing (how each measures and places itself), the cut into
 * columns, and the painting; {@link ArchitectureTrace} finds the parts by running the module.
 */
final class ArchitectureDiagram extends Sketch {
  private static final double MARGIN = 16, GAP = 22, HGAP = 26, PAD_X = 10, LINE = 16;
  private static final double COLUMN_H = 1300, COLUMN_GAP = 60;
  private static final double FRAME_PAD = 10, FRAME_LABEL = 20, FORK = 16, MERGE = 22;
  private static final Color BOX = new Color(0xdeebf7), BOX_EDGE = new Color(0x2171b5);
  private static final Color INPUT = new Color(0xf0f0f0), OPAQUE = new Color(0xfde0dd);
  private static final Color FRAME = new Color(0x888888), EDGE = new Color(0x555555);

  // ================================================================ the layout model

  /** A piece of the drawing; its axis is the vertical line the data enters and leaves on. */
  abstract static class Part {
    /** Extent left and right of the axis, and height. */
    double left, right, h;

    /** Position once placed: the axis x and the top y. */
    double x, y;

    abstract void measure();

    abstract void place(double axis, double top);
  }

  /** One layer (or several folded into one), the input, or a block whose wiring was not found. */
  static final class Box extends Part {
    final List<String> lines = new ArrayList<>();
    final boolean input, opaque;

    /** Keeps the shape and has at most per-channel weights: may join the box before it. */
    boolean foldable;

    long params;
    Shape out;

    Box(String title, Shape out, long params, boolean input, boolean opaque) {
      lines.add(title);
      this.out = out;
      this.params = params;
      this.input = input;
      this.opaque = opaque;
    }

    String detail() {
      String s = (input ? "" : "→ ") + exampleShape(out);
      if (params > 0) s += "   " + count(params) + " params";
      return s;
    }

    @Override
    void measure() {
      double w = Draw.width(SMALL, detail());
      for (int i = 0; i < lines.size(); i++)
        w = Math.max(w, Draw.width(i == 0 ? BOLD : TEXT, lines.get(i)));
      w += 2 * PAD_X;
      left = right = w / 2;
      h = (lines.size() + 1) * LINE + 10;
    }

    @Override
    void place(double axis, double top) {
      x = axis;
      y = top;
    }
  }

  /** Parts one after another. */
  static final class Chain extends Part {
    final List<Part> parts;

    Chain(List<Part> parts) {
      // a chain inside a chain is the same chain: splice it in, so columns can cut anywhere
      this.parts = new ArrayList<>();
      for (Part p : parts) {
        if (p instanceof Chain c) this.parts.addAll(c.parts);
        else this.parts.add(p);
      }
    }

    @Override
    void measure() {
      left = right = h = 0;
      for (Part p : parts) {
        p.measure();
        left = Math.max(left, p.left);
        right = Math.max(right, p.right);
        h += p.h;
      }
      h += GAP * Math.max(0, parts.size() - 1);
    }

    @Override
    void place(double axis, double top) {
      x = axis;
      y = top;
      double at = top;
      for (Part p : parts) {
        p.place(axis, at);
        at += p.h + GAP;
      }
    }
  }

  /** Branches from one input that meet again: added (⊕) or concatenated. null = the identity. */
  static final class Branches extends Part {
    final List<Part> branches;
    final boolean concat, relu;
    final Shape out;

    /** Axis of each branch, relative to this part's axis. */
    double[] offsets;

    double mergeY;

    Branches(List<Part> branches, boolean concat, boolean relu, Shape out) {
      this.branches = branches;
      this.concat = concat;
      this.relu = relu;
      this.out = out;
    }

    String mergeLabel() {
      return (relu ? "ReLU   " : "") + "→ " + exampleShape(out);
    }

    @Override
    void measure() {
      double tallest = 0;
      double[] at = new double[branches.size()];
      double prevRight = 0;
      for (int i = 0; i < branches.size(); i++) {
        Part b = branches.get(i);
        double l = 8, r = 8;
        if (b != null) {
          b.measure();
          l = b.left;
          r = b.right;
          tallest = Math.max(tallest, b.h);
        }
        at[i] = i == 0 ? 0 : prevRight + HGAP + l;
        prevRight = at[i] + r;
      }
      // added branches: the first (the main path) on the axis, the others to its right;
      // concatenated ones: spread evenly around the axis
      double axis = concat ? (at[0] + at[at.length - 1]) / 2 : 0;
      offsets = new double[at.length];
      left = 0;
      right = 0;
      for (int i = 0; i < at.length; i++) {
        offsets[i] = at[i] - axis;
        Part b = branches.get(i);
        left = Math.max(left, -(offsets[i] - (b == null ? 8 : b.left)));
        right = Math.max(right, offsets[i] + (b == null ? 8 : b.right));
      }
      double label = Draw.width(SMALL, mergeLabel()) + MERGE / 2 + 8;
      if (concat) right = Math.max(right, label);
      else left = Math.max(left, label);
      h = FORK + tallest + 14 + MERGE;
    }

    @Override
    void place(double axis, double top) {
      x = axis;
      y = top;
      for (int i = 0; i < branches.size(); i++)
        if (branches.get(i) != null) branches.get(i).place(axis + offsets[i], top + FORK);
      mergeY = top + h - MERGE / 2;
    }
  }

  /** A named block around its inside, e.g. "BasicBlock(16 -> 32, stride 2)". */
  static final class Frame extends Part {
    final String label;
    final Part inside;

    Frame(String label, Part inside) {
      this.label = label;
      this.inside = inside;
    }

    @Override
    void measure() {
      inside.measure();
      left = inside.left + FRAME_PAD;
      // the label starts just right of the axis, clear of the line the data takes through the frame
      right = Math.max(inside.right + FRAME_PAD, 8 + Draw.width(SMALL, label) + FRAME_PAD);
      h = inside.h + 2 * FRAME_PAD + FRAME_LABEL;
    }

    @Override
    void place(double axis, double top) {
      x = axis;
      y = top;
      inside.place(axis, top + FRAME_PAD + FRAME_LABEL);
    }
  }

  // ================================================================ the module's layout

  /** Everything, for counting; drawn as {@link #columns}. */
  private final Part body;

  /** The top-level chain cut into columns side by side, so a deep network is not one long strip. */
  private final List<Chain> columns = new ArrayList<>();

  private int height;
  final String title;
  private final int width;

  ArchitectureDiagram(Module module, int[] shape) {
    this(null, module, shape);
  }

  /**
   * @param name the title, or null for the module's own description
   */
  ArchitectureDiagram(String name, Module module, int[] shape) {
    List<Part> top = ArchitectureTrace.layers(module, shape);
    title =
        (name == null ? ArchitectureTrace.describe(module) : name)
            + "   "
            + count(module.parameterCount())
            + " parameters";
    double total = 0;
    for (Part p : top) {
      p.measure();
      total += p.h + GAP;
    }
    // NOTE: columns of at most about COLUMN_H pixels; a part (a framed block) is never cut
    int n = (int) Math.ceil(total / COLUMN_H);
    double target = total / n, filled = 0;
    List<Part> current = new ArrayList<>();
    for (Part p : top) {
      if (!current.isEmpty() && filled + p.h / 2 > target && columns.size() < n - 1) {
        columns.add(new Chain(current));
        current = new ArrayList<>();
        filled = 0;
      }
      current.add(p);
      filled += p.h + GAP;
    }
    columns.add(new Chain(current));
    body = new Chain(new ArrayList<>(columns));
    double at = MARGIN, right = 0;
    height = 0;
    for (Chain c : columns) {
      c.measure();
      c.place(at + c.left, MARGIN + 30 + (columns.size() > 1 ? GAP : 0));
      at += c.left + c.right + COLUMN_GAP;
      right = c.x + c.right;
      height =
          (int) Math.max(height, Math.ceil(c.y + c.h + MARGIN + (columns.size() > 1 ? GAP : 0)));
    }
    double titleW = Draw.width(Style.TITLE, title);
    width = (int) Math.ceil(Math.max(right + MARGIN, titleW + 2 * MARGIN));
  }

  // ================================================================ counts, for tests and users

  /** Boxes drawn (the input box included). */
  int boxes() {
    return boxes(body);
  }

  static int boxes(Part p) {
    if (p == null) return 0;
    if (p instanceof Box) return 1;
    if (p instanceof Chain c) return c.parts.stream().mapToInt(ArchitectureDiagram::boxes).sum();
    if (p instanceof Frame f) return boxes(f.inside);
    return ((Branches) p).branches.stream().mapToInt(ArchitectureDiagram::boxes).sum();
  }

  /** Every part of one kind, depth first. */
  <T extends Part> List<T> all(Class<T> kind) {
    List<T> out = new ArrayList<>();
    collect(body, kind, out);
    return out;
  }

  private static <T extends Part> void collect(Part p, Class<T> kind, List<T> out) {
    if (p == null) return;
    if (kind.isInstance(p)) out.add(kind.cast(p));
    if (p instanceof Chain c) for (Part q : c.parts) collect(q, kind, out);
    if (p instanceof Frame f) collect(f.inside, kind, out);
    if (p instanceof Branches b) for (Part q : b.branches) collect(q, kind, out);
  }

  // ================================================================ drawing

  @Override
  int width() {
    return width;
  }

  @Override
  int height() {
    return height;
  }

  @Override
  void paint(Graphics2D g) {
    g.setFont(Style.TITLE);
    g.setColor(Style.TEXT);
    Draw.centered(g, title, width / 2.0, MARGIN + 8);
    for (Chain c : columns) paint(g, c);
    for (int i = 0; i < columns.size(); i++) {
      Chain c = columns.get(i);
      if (i + 1 < columns.size()) {
        // from the bottom of one column over to the top of the next
        Chain next = columns.get(i + 1);
        double bottom = c.y + c.h, mid = c.x + c.right + COLUMN_GAP / 2, start = exit(c);
        g.setColor(EDGE);
        g.setStroke(stroke(1.3));
        arrow(
            g,
            c.x,
            start,
            c.x,
            bottom + GAP * 0.6,
            mid,
            bottom + GAP * 0.6,
            mid,
            next.y - GAP * 0.6,
            next.x,
            next.y - GAP * 0.6,
            next.x,
            entry(next));
      }
    }
  }

  private void paint(Graphics2D g, Part p) {
    if (p instanceof Box b) paintBox(g, b);
    else if (p instanceof Chain c) {
      // parts first, then the arrows, so a frame's fill never covers the arrow into it
      for (Part q : c.parts) paint(g, q);
      for (int i = 0; i + 1 < c.parts.size(); i++) {
        Part q = c.parts.get(i), next = c.parts.get(i + 1);
        g.setColor(EDGE);
        g.setStroke(stroke(1.3));
        if (forks(next)) g.draw(new java.awt.geom.Line2D.Double(q.x, exit(q), next.x, entry(next)));
        else arrow(g, q.x, exit(q), next.x, entry(next));
      }
    } else if (p instanceof Frame f) {
      var rect = new RoundRectangle2D.Double(f.x - f.left, f.y, f.left + f.right, f.h, 14, 14);
      g.setColor(new Color(0xfafafa));
      g.fill(rect);
      g.setColor(FRAME);
      g.setStroke(dashed(1.1));
      g.draw(rect);
      g.setFont(SMALL);
      g.setColor(MUTED);
      Draw.leftAligned(g, f.label, f.x + 8, f.y + FRAME_PAD + 4);
      paint(g, f.inside);
    } else if (p instanceof Branches b) {
      paintBranches(g, b);
    }
  }

  /**
   * Where the data enters a part: the top of its first box, so an arrow into a framed block crosses
   * the frame's border and ends at the block's first box (or fork).
   */
  private static double entry(Part p) {
    if (p instanceof Frame f) return entry(f.inside);
    if (p instanceof Chain c && !c.parts.isEmpty()) return entry(c.parts.get(0));
    return p.y;
  }

  /** True if the part starts with a fork, whose own arrows already point into its branches. */
  private static boolean forks(Part p) {
    if (p instanceof Frame f) return forks(f.inside);
    if (p instanceof Chain c) return !c.parts.isEmpty() && forks(c.parts.get(0));
    return p instanceof Branches;
  }

  /** Where the data leaves a part: the bottom of its last box (or merge node). */
  private static double exit(Part p) {
    if (p instanceof Frame f) return exit(f.inside);
    if (p instanceof Chain c && !c.parts.isEmpty()) return exit(c.parts.get(c.parts.size() - 1));
    return p.y + p.h;
  }

  private void paintBranches(Graphics2D g, Branches b) {
    double r = MERGE / 2, cy = b.mergeY;
    double forkY = b.y + FORK / 2;
    for (int i = 0; i < b.branches.size(); i++) {
      Part q = b.branches.get(i);
      double bx = b.x + b.offsets[i];
      g.setColor(EDGE);
      g.setStroke(stroke(1.3));
      if (q == null) {
        // the identity: a bypass edge from the fork around the main path into the ⊕
        g.draw(new java.awt.geom.Line2D.Double(b.x, b.y, b.x, forkY));
        g.draw(new java.awt.geom.Line2D.Double(b.x, forkY, bx, forkY));
        arrow(g, bx, forkY, bx, cy, b.x + r, cy);
        continue;
      }
      if (Math.abs(bx - b.x) < 0.5) {
        arrow(g, b.x, b.y, bx, entry(q));
      } else {
        g.draw(new java.awt.geom.Line2D.Double(b.x, b.y, b.x, forkY));
        arrow(g, b.x, forkY, bx, forkY, bx, entry(q));
      }
      paint(g, q);
      g.setColor(EDGE);
      g.setStroke(stroke(1.3));
      double bottom = exit(q);
      if (Math.abs(bx - b.x) < 0.5) arrow(g, bx, bottom, b.x, cy - r);
      else if (b.concat) arrow(g, bx, bottom, bx, cy - r - 7, b.x, cy - r - 7, b.x, cy - r);
      else arrow(g, bx, bottom, bx, cy, b.x + (bx > b.x ? r : -r), cy);
    }
    var circle = new Ellipse2D.Double(b.x - r, cy - r, MERGE, MERGE);
    g.setColor(Color.WHITE);
    g.fill(circle);
    g.setColor(EDGE);
    g.setStroke(stroke(1.4));
    g.draw(circle);
    g.setFont(b.concat ? SMALL : BOLD);
    g.setColor(Style.TEXT);
    Draw.centered(g, b.concat ? "cat" : "+", b.x, cy);
    g.setFont(SMALL);
    g.setColor(MUTED);
    if (b.concat) Draw.leftAligned(g, b.mergeLabel(), b.x + r + 6, cy);
    else Draw.rightAligned(g, b.mergeLabel(), b.x - r - 6, cy);
  }

  private void paintBox(Graphics2D g, Box b) {
    var rect = new RoundRectangle2D.Double(b.x - b.left, b.y, b.left + b.right, b.h, 8, 8);
    g.setColor(b.input ? INPUT : b.opaque ? OPAQUE : BOX);
    g.fill(rect);
    g.setColor(b.input ? Style.BORDER : BOX_EDGE);
    g.setStroke(stroke(1.1));
    g.draw(rect);
    double ty = b.y + 5 + LINE / 2;
    for (int i = 0; i < b.lines.size(); i++) {
      g.setFont(i == 0 ? BOLD : TEXT);
      g.setColor(Style.TEXT);
      Draw.centered(g, b.lines.get(i), b.x, ty);
      ty += LINE;
    }
    g.setFont(SMALL);
    g.setColor(MUTED);
    Draw.centered(g, b.detail(), b.x, ty);
  }
}

package dl.viz;

import dl.Check;
import dl.autograd.Function;
import dl.tensor.Tensor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.CubicCurve2D;
import java.awt.geom.RoundRectangle2D;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The computation graph autograd recorded for a tensor, drawn top to bottom: the inputs (weights,
 * data, constants) at the top, every operation ({@code grad_fn}) below the operations it reads, the
 * result at the bottom. An edge is one argument of an operation; the arguments enter a box from
 * left to right in argument order, so {@code x.mul(x)} shows two edges from x.
 *
 * <p>Layout (Sugiyama's method, simplified): each node goes one row above its highest-up consumer;
 * an edge that skips rows passes through invisible waypoints, one per row, so it can bend around
 * the boxes in between; a few sweeps order each row by the mean position of its neighbours, which
 * removes most crossings.
 */
final class GraphDiagram extends Sketch {
  static final int MAX_NODES = 150;
  private static final double ROW_GAP = 46, NODE_GAP = 18, MARGIN = 16, LEGEND_H = 28;
  private static final Color PARAMETER = new Color(0xdeebf7), PARAMETER_EDGE = new Color(0x2171b5);
  private static final Color CONSTANT = new Color(0xf0f0f0), CONSTANT_EDGE = new Color(0x999999);
  private static final Color OP = new Color(0xfff5e6), OP_EDGE = new Color(0xd98c1a);
  private static final Color EDGE = new Color(0x555555);

  enum Kind {
    /** The result of an operation: it has a {@code grad_fn}. */
    OP,
    /** A leaf that requires grad: a weight, or an input we differentiate with respect to. */
    PARAMETER,
    /** A tensor that does not require grad: data, labels, a number like 3 in {@code t.mul(3)}. */
    CONSTANT,
    /** A waypoint of an edge that skips rows (not drawn). */
    WAYPOINT
  }

  static final class Node {
    final Kind kind;
    final String title;
    final String detail;

    /** What flows in, in argument order (may repeat a node). */
    final List<Node> inputs = new ArrayList<>();

    int row;
    double order, x, y, w, h;

    Node(Kind kind, String title, String detail) {
      this.kind = kind;
      this.title = title;
      this.detail = detail;
    }
  }

  private final List<Node> nodes = new ArrayList<>();
  private final List<List<Node>> rows = new ArrayList<>();
  private final Node root;
  private int width, height;

  GraphDiagram(Tensor result, Map<String, Tensor> names) {
    if (result == null) throw new IllegalArgumentException("computationGraph: the tensor is null");
    if (result.gradFn() == null && !result.requiresGrad()) {
      throw Check.badArgument(
          "computationGraph",
          "tensor of shape %s has no recorded graph (no grad_fn and it does not require grad); call requiresGrad(true) on an input before computing it",
          result.shape());
    }
    Map<Tensor, String> nameOf = new IdentityHashMap<>();
    if (names != null) names.forEach((k, v) -> nameOf.put(v, k));
    root = build(result, nameOf);
    assignRows();
    addWaypoints();
    orderRows();
    place();
  }

  List<Node> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  Node root() {
    return root;
  }

  /** Rows, top to bottom, waypoints included. */
  List<List<Node>> rows() {
    return rows;
  }

  // ================================================================ the graph

  /** Walks from the result to the leaves, making one node per distinct tensor. */
  private Node build(Tensor result, Map<Tensor, String> nameOf) {
    Map<Tensor, Node> seen = new IdentityHashMap<>();
    Deque<Tensor> todo = new ArrayDeque<>();
    Node top = node(result, nameOf, seen, todo);
    while (!todo.isEmpty()) {
      Tensor t = todo.pop();
      Node n = seen.get(t);
      for (Tensor in : t.gradFn().inputs()) n.inputs.add(node(in, nameOf, seen, todo));
    }
    return top;
  }

  private Node node(
      Tensor t, Map<Tensor, String> nameOf, Map<Tensor, Node> seen, Deque<Tensor> todo) {
    Node n = seen.get(t);
    if (n != null) return n;
    if (seen.size() >= MAX_NODES) {
      throw Check.badArgument(
          "computationGraph",
          "the graph has more than %s tensors, too many to draw legibly; draw a smaller example (one layer, a batch of 2)",
          MAX_NODES);
    }
    String name = nameOf.get(t);
    String shape = t.dim() == 0 ? "scalar" : t.shape().toString();
    Function fn = t.gradFn();
    if (fn != null) {
      n = new Node(Kind.OP, name == null ? fn.name() : name + " = " + fn.name(), shape);
      todo.push(t);
    } else if (t.requiresGrad()) {
      n = new Node(Kind.PARAMETER, name == null ? "leaf" : name, shape);
    } else if (name == null && t.numel() == 1) {
      // a number written into the code, such as the 3 in t.mul(3): show the number itself
      n = new Node(Kind.CONSTANT, Draw.number(t.item(), 4), t.dim() == 0 ? "constant" : shape);
    } else {
      n = new Node(Kind.CONSTANT, name == null ? "constant" : name, shape);
    }
    seen.put(t, n);
    nodes.add(n);
    return n;
  }

  // ================================================================ layout

  /** Row of a node = its longest distance from the result, counted upwards from the bottom. */
  private void assignRows() {
    // consumers before their inputs: reverse post-order of a depth-first walk from the root
    List<Node> order = new ArrayList<>();
    Map<Node, Boolean> visited = new IdentityHashMap<>();
    Deque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {root, 0});
    visited.put(root, true);
    while (!stack.isEmpty()) {
      Object[] frame = stack.peek();
      Node n = (Node) frame[0];
      int next = (Integer) frame[1];
      if (next < n.inputs.size()) {
        frame[1] = next + 1;
        Node in = n.inputs.get(next);
        if (visited.put(in, true) == null) stack.push(new Object[] {in, 0});
      } else {
        stack.pop();
        order.add(n);
      }
    }
    Collections.reverse(order);
    Map<Node, Integer> depth = new IdentityHashMap<>();
    depth.put(root, 0);
    int deepest = 0;
    for (Node n : order) {
      int d = depth.get(n);
      deepest = Math.max(deepest, d);
      for (Node in : n.inputs) depth.merge(in, d + 1, Math::max);
    }
    for (int r = 0; r <= deepest; r++) rows.add(new ArrayList<>());
    for (Node n : order) {
      n.row = deepest - depth.get(n);
      rows.get(n.row).add(n);
    }
  }

  /** Replaces every edge that skips rows by a chain of waypoints, one per row skipped. */
  private void addWaypoints() {
    for (Node n : new ArrayList<>(nodes)) {
      for (int i = 0; i < n.inputs.size(); i++) {
        Node from = n.inputs.get(i);
        for (int r = n.row - 1; r > from.row; r--) {
          Node way = new Node(Kind.WAYPOINT, "", "");
          way.row = r;
          way.inputs.add(from);
          rows.get(r).add(way);
          from = way;
        }
        n.inputs.set(i, from);
      }
    }
  }

  /** An edge seen from its source: the consumer and the argument slot it enters. */
  private record Use(Node consumer, int slot) {
    /** Where the slot sits, relative to the consumer's centre, in units of its width. */
    double fraction() {
      return (slot + 1.0) / (consumer.inputs.size() + 1) - 0.5;
    }
  }

  /**
   * Barycentre sweeps: each row sorted by the mean position of its neighbours in the row above
   * (going down) or of the argument slots it feeds in the row below (going up), so the first
   * argument of an operation ends up on its left.
   */
  private void orderRows() {
    Map<Node, List<Use>> uses = uses();
    for (List<Node> row : rows) for (int i = 0; i < row.size(); i++) row.get(i).order = i;
    for (int sweep = 0; sweep < 8; sweep++) {
      boolean down = sweep % 2 == 0;
      for (int k = 0; k < rows.size(); k++) {
        int r = down ? k : rows.size() - 1 - k;
        for (Node n : rows.get(r)) {
          if (down && !n.inputs.isEmpty()) {
            n.order = n.inputs.stream().mapToDouble(m -> m.order).average().orElse(0);
          } else if (!down && uses.containsKey(n)) {
            n.order =
                uses.get(n).stream()
                    .mapToDouble(u -> u.consumer.order + 0.9 * u.fraction())
                    .average()
                    .orElse(0);
          }
        }
        rows.get(r).sort(Comparator.comparingDouble(m -> m.order));
        for (int i = 0; i < rows.get(r).size(); i++) rows.get(r).get(i).order = i;
      }
    }
  }

  private Map<Node, List<Use>> uses() {
    Map<Node, List<Use>> out = new IdentityHashMap<>();
    for (List<Node> row : rows)
      for (Node n : row)
        for (int i = 0; i < n.inputs.size(); i++)
          out.computeIfAbsent(n.inputs.get(i), k -> new ArrayList<>()).add(new Use(n, i));
    return out;
  }

  private void place() {
    for (Node n : nodes) {
      double tw = Math.max(Draw.width(BOLD, n.title), Draw.width(SMALL, n.detail));
      n.w = Math.max(64, tw + 18);
      n.h = 38;
    }
    double y = MARGIN;
    double[] rowY = new double[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      rowY[r] = y;
      for (Node n : rows.get(r)) {
        n.y = y;
        if (n.kind == Kind.WAYPOINT) {
          n.w = 8;
          n.h = 38;
        }
      }
      y += 38 + ROW_GAP;
    }
    // start packed, then pull each node towards its neighbours, keeping the order and the gaps
    for (List<Node> row : rows) {
      double x = 0;
      for (Node n : row) {
        n.x = x + n.w / 2;
        x += n.w + NODE_GAP;
      }
    }
    Map<Node, List<Use>> uses = uses();
    for (int sweep = 0; sweep < 10; sweep++) {
      boolean down = sweep % 2 == 0;
      for (int k = 0; k < rows.size(); k++) {
        List<Node> row = rows.get(down ? k : rows.size() - 1 - k);
        double[] want = new double[row.size()];
        for (int i = 0; i < row.size(); i++) {
          // where each edge would be vertical: under the source, over the argument slot
          Node n = row.get(i);
          double sum = 0;
          int count = 0;
          for (int j = 0; j < n.inputs.size(); j++) {
            sum += n.inputs.get(j).x - n.w * new Use(n, j).fraction();
            count++;
          }
          for (Use u : uses.getOrDefault(n, List.of())) {
            sum += u.consumer.x + u.consumer.w * u.fraction();
            count++;
          }
          want[i] = count == 0 ? n.x : sum / count;
        }
        // keep the gaps: push right where needed, then shift the row so on average it sits where
        // its nodes want to be
        double[] at = want.clone();
        for (int i = 1; i < at.length; i++) {
          double min = at[i - 1] + (row.get(i - 1).w + row.get(i).w) / 2 + NODE_GAP;
          at[i] = Math.max(at[i], min);
        }
        double shift = 0;
        for (int i = 0; i < at.length; i++) shift += want[i] - at[i];
        shift /= at.length;
        for (int i = 0; i < at.length; i++) row.get(i).x = at[i] + shift;
      }
    }
    double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
    for (List<Node> row : rows)
      for (Node n : row) {
        minX = Math.min(minX, n.x - n.w / 2);
        maxX = Math.max(maxX, n.x + n.w / 2);
      }
    double legendW = legendWidth() + 2 * MARGIN;
    double contentW = maxX - minX;
    double offset = MARGIN - minX + Math.max(0, (legendW - 2 * MARGIN - contentW) / 2);
    for (List<Node> row : rows) for (Node n : row) n.x += offset;
    width = (int) Math.ceil(Math.max(contentW + 2 * MARGIN, legendW));
    height = (int) Math.ceil(y - ROW_GAP + MARGIN + LEGEND_H);
  }

  private static final String[] LEGEND = {
    "weight or input that requires grad", "constant", "operation (grad_fn); thick: the result"
  };

  private static double legendWidth() {
    double total = 0;
    for (String s : LEGEND) total += 18 + Draw.width(SMALL, s) + 16;
    return total - 16;
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
    // edges first, so boxes sit on top of them
    g.setColor(EDGE);
    g.setStroke(stroke(1.2));
    for (List<Node> row : rows) for (Node n : row) if (n.kind != Kind.WAYPOINT) drawEdgesInto(g, n);
    for (Node n : nodes) drawNode(g, n);
    drawLegend(g);
  }

  /** Each argument's edge, traced back through its waypoints to the real source. */
  private void drawEdgesInto(Graphics2D g, Node n) {
    int k = n.inputs.size();
    for (int i = 0; i < k; i++) {
      List<double[]> points = new ArrayList<>();
      points.add(new double[] {n.x - n.w / 2 + n.w * (i + 1) / (k + 1), n.y});
      Node from = n.inputs.get(i);
      while (from.kind == Kind.WAYPOINT) {
        points.add(new double[] {from.x, from.y + from.h});
        points.add(new double[] {from.x, from.y});
        from = from.inputs.get(0);
      }
      points.add(new double[] {from.x, from.y + from.h});
      Collections.reverse(points);
      g.setColor(EDGE);
      for (int p = 0; p + 1 < points.size(); p++) {
        double[] a = points.get(p), b = points.get(p + 1);
        double mid = (a[1] + b[1]) / 2;
        boolean last = p + 2 == points.size();
        double endY = last ? b[1] - 5 : b[1];
        g.draw(new CubicCurve2D.Double(a[0], a[1], a[0], mid, b[0], mid, b[0], endY));
        if (last) arrowHead(g, b[0], b[1], 0, 1);
      }
    }
  }

  private void drawNode(Graphics2D g, Node n) {
    Color fill, edge;
    switch (n.kind) {
      case PARAMETER -> {
        fill = PARAMETER;
        edge = PARAMETER_EDGE;
      }
      case CONSTANT -> {
        fill = CONSTANT;
        edge = CONSTANT_EDGE;
      }
      default -> {
        fill = OP;
        edge = OP_EDGE;
      }
    }
    var box = new RoundRectangle2D.Double(n.x - n.w / 2, n.y, n.w, n.h, 10, 10);
    g.setColor(fill);
    g.fill(box);
    g.setColor(edge);
    g.setStroke(n == root ? stroke(2.6) : n.kind == Kind.CONSTANT ? dashed(1.2) : stroke(1.2));
    g.draw(box);
    g.setColor(Style.TEXT);
    g.setFont(BOLD);
    Draw.centered(g, n.title, n.x, n.y + 13);
    g.setFont(SMALL);
    g.setColor(MUTED);
    Draw.centered(g, n.detail, n.x, n.y + 28);
  }

  private void drawLegend(Graphics2D g) {
    String[] labels = LEGEND;
    Color[][] colors = {{PARAMETER, PARAMETER_EDGE}, {CONSTANT, CONSTANT_EDGE}, {OP, OP_EDGE}};
    g.setFont(SMALL);
    double x = Math.max(MARGIN, (width - legendWidth()) / 2), y = height - LEGEND_H / 2 - 2;
    for (int i = 0; i < labels.length; i++) {
      var swatch = new RoundRectangle2D.Double(x, y - 6, 14, 12, 4, 4);
      g.setColor(colors[i][0]);
      g.fill(swatch);
      g.setColor(colors[i][1]);
      g.setStroke(i == 1 ? dashed(1) : stroke(1));
      g.draw(swatch);
      g.setColor(MUTED);
      Draw.leftAligned(g, labels[i], x + 18, y);
      x += 18 + Draw.width(SMALL, labels[i]) + 16;
    }
  }
}

package dl.backend.cpu;

/**
 * Walks an N-d index space in row-major order, keeping one element offset per operand. The
 * innermost axis is handed to the visitor as a whole row so the hot loop is a plain for-loop.
 */
final class Strided {
  private Strided() {}

  interface RowVisitor {
    /**
     * {@code offsets[k]} is operand k's offset of the row's first element; the row has {@code
     * length} elements.
     */
    void row(int[] offsets, int length);
  }

  /**
   * Visits every row. Axes are first merged where the layout allows it for every operand (an axis
   * of size 1 drops out; an axis folds into the next when its stride is the next one's stride times
   * size), so a contiguous [N, C, H, W] tensor with a per-channel broadcast operand is walked in
   * rows of H·W instead of W. The innermost stride of every operand is unchanged by the merge, so
   * callers may take it from the original strides with {@link #inner}. Rows arrive in row-major
   * order.
   */
  static void rows(int[] shape, int[][] strides, int[] base, RowVisitor visitor) {
    Plan plan = plan(shape, strides);
    walk(plan, base, visitor, 0, plan.rows());
  }

  /**
   * The merged axes of a walk: {@code shape} and per-operand {@code strides} after folding, and the
   * number of rows (product of all but the innermost axis).
   */
  record Plan(int[] shape, int[][] strides) {
    int rows() {
      int r = 1;
      for (int d = 0; d < shape.length - 1; d++) r *= shape[d];
      return shape.length == 0 ? 1 : r;
    }

    int rowLength() {
      return shape.length == 0 ? 1 : shape[shape.length - 1];
    }
  }

  /** Merges axes as described at {@link #rows}. */
  static Plan plan(int[] shape, int[][] strides) {
    int rank = shape.length;
    if (rank < 2) return new Plan(shape, strides);
    int operands = strides.length;
    // Build the merged axes from the innermost outwards; the innermost axis is always kept.
    int[] mShape = new int[rank];
    int[][] mStrides = new int[operands][rank];
    int m = rank - 1;
    mShape[m] = shape[rank - 1];
    for (int k = 0; k < operands; k++) mStrides[k][m] = strides[k][rank - 1];
    for (int d = rank - 2; d >= 0; d--) {
      if (shape[d] == 1) continue;
      boolean merge = true;
      for (int k = 0; k < operands && merge; k++)
        merge = strides[k][d] == mStrides[k][m] * mShape[m];
      if (merge) {
        mShape[m] *= shape[d];
      } else {
        m--;
        mShape[m] = shape[d];
        for (int k = 0; k < operands; k++) mStrides[k][m] = strides[k][d];
      }
    }
    if (m == 0) return new Plan(mShape, mStrides);
    int[] cs = java.util.Arrays.copyOfRange(mShape, m, rank);
    int[][] cst = new int[operands][];
    for (int k = 0; k < operands; k++) cst[k] = java.util.Arrays.copyOfRange(mStrides[k], m, rank);
    return new Plan(cs, cst);
  }

  /**
   * Visits rows [r0, r1) of a plan in row-major order, so disjoint row ranges can run on different
   * threads.
   */
  static void walk(Plan plan, int[] base, RowVisitor visitor, int r0, int r1) {
    int[] shape = plan.shape();
    int[][] strides = plan.strides();
    int rank = shape.length;
    for (int s : shape) if (s == 0) return;
    int[] off = base.clone();
    if (rank == 0) {
      visitor.row(off, 1);
      return;
    }
    int operands = strides.length;
    int[] idx = new int[Math.max(0, rank - 1)];
    // Decompose the first row's number into an index over the outer axes.
    for (int d = rank - 2, r = r0; d >= 0; d--) {
      idx[d] = r % shape[d];
      r /= shape[d];
      for (int k = 0; k < operands; k++) off[k] += idx[d] * strides[k][d];
    }
    int inner = shape[rank - 1];
    for (int r = r0; r < r1; r++) {
      visitor.row(off, inner);
      for (int dim = rank - 2; dim >= 0; dim--) {
        idx[dim]++;
        for (int k = 0; k < operands; k++) off[k] += strides[k][dim];
        if (idx[dim] < shape[dim]) break;
        for (int k = 0; k < operands; k++) off[k] -= strides[k][dim] * shape[dim];
        idx[dim] = 0;
      }
    }
  }

  /**
   * Visits rows exactly along the given axes, one call per index of the outer axes, even where a
   * row has length 1 (callers that enumerate positions rather than elements need that).
   */
  static void rowsAsGiven(int[] shape, int[][] strides, int[] base, RowVisitor visitor) {
    Plan plan = new Plan(shape, strides);
    walk(plan, base, visitor, 0, plan.rows());
  }

  /** Stride of the innermost axis, or 0 for a scalar. */
  static int inner(int[] strides) {
    return strides.length == 0 ? 0 : strides[strides.length - 1];
  }
}

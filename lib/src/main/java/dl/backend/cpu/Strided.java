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
    int rank = shape.length;
    if (rank < 2) {
      rowsAsGiven(shape, strides, base, visitor);
      return;
    }
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
    if (m == 0) {
      rowsAsGiven(mShape, mStrides, base, visitor);
      return;
    }
    int[] cs = java.util.Arrays.copyOfRange(mShape, m, rank);
    int[][] cst = new int[operands][];
    for (int k = 0; k < operands; k++) cst[k] = java.util.Arrays.copyOfRange(mStrides[k], m, rank);
    rowsAsGiven(cs, cst, base, visitor);
  }

  /**
   * Visits rows exactly along the given axes, one call per index of the outer axes, even where a
   * row has length 1 (callers that enumerate positions rather than elements need that).
   */
  static void rowsAsGiven(int[] shape, int[][] strides, int[] base, RowVisitor visitor) {
    int rank = shape.length;
    int numel = 1;
    for (int s : shape) numel *= s;
    if (numel == 0) return;
    int[] off = base.clone();
    if (rank == 0) {
      visitor.row(off, 1);
      return;
    }
    int inner = shape[rank - 1];
    int outer = numel / inner;
    int[] idx = new int[rank - 1];
    int operands = strides.length;
    for (int r = 0; r < outer; r++) {
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

  /** Stride of the innermost axis, or 0 for a scalar. */
  static int inner(int[] strides) {
    return strides.length == 0 ? 0 : strides[strides.length - 1];
  }
}

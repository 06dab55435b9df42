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

  static void rows(int[] shape, int[][] strides, int[] base, RowVisitor visitor) {
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

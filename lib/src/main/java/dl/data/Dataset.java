package dl.data;

import java.util.List;

/**
 * A collection of examples that can be indexed in batches: the one thing a {@link DataLoader}
 * needs. {@link TensorDataset} keeps its examples in memory; implement this interface for data that
 * is computed or read lazily.
 */
public interface Dataset {
  /** Number of examples. */
  int size();

  /**
   * The examples at {@code indices}, stacked into one batch (x [indices.length, ...], y likewise).
   */
  Batch batch(int[] indices);

  /**
   * Names of the classes when the targets are class indices (index i names class i), else empty.
   */
  default List<String> classNames() {
    return List.of();
  }
}

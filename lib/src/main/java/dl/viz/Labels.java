package dl.viz;

import dl.Check;
import dl.tensor.Tensor;
import java.util.TreeSet;

/** Class labels as indices 0..K-1 with display names; -1/+1 labels become classes 0/1. */
final class Labels {
  final int[] index;
  private final String[] names;
  private final boolean signs;

  private Labels(int[] index, String[] names, boolean signs) {
    this.index = index;
    this.names = names;
    this.signs = signs;
  }

  static Labels of(String op, Tensor labels, int n, String[] names) {
    if (labels.numel() != n || !(labels.dim() == 1 || (labels.dim() == 2 && labels.size(1) == 1))) {
      throw Check.badArgument(
          op, "labels must have shape [%s] (one per point), got %s", n, labels.shape());
    }
    double[] d = labels.toDoubleArray();
    int[] v = new int[n];
    boolean hasMinusOne = false;
    boolean onlySigns = true;
    for (int i = 0; i < n; i++) {
      v[i] = (int) Math.round(d[i]);
      if (Math.abs(v[i] - d[i]) > 1e-6)
        throw Check.badArgument(op, "label %s is %s, not a class number", i, d[i]);
      hasMinusOne |= v[i] == -1;
      onlySigns &= v[i] == -1 || v[i] == 1;
    }
    boolean signs = hasMinusOne && onlySigns;
    for (int i = 0; i < n; i++) {
      if (signs) v[i] = (v[i] + 1) / 2;
      else if (v[i] < 0)
        throw Check.badArgument(
            op,
            "label %s is %s; use class numbers 0, 1, 2, ... (or -1/+1 for two classes)",
            i,
            v[i]);
    }
    return new Labels(v, names.clone(), signs);
  }

  /** The classes that occur, in increasing order. */
  int[] present() {
    TreeSet<Integer> s = new TreeSet<>();
    for (int i : index) s.add(i);
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  String name(int k) {
    if (k < names.length) return names[k];
    if (signs) return k == 0 ? "class -1" : "class +1";
    return "class " + k;
  }

  static String[] indexNames(int k) {
    String[] s = new String[k];
    for (int i = 0; i < k; i++) s[i] = String.valueOf(i);
    return s;
  }
}

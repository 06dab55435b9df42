package dl.data;

import dl.Check;
import java.nio.file.Path;
import java.util.List;

/**
 * Reader for CIFAR-10's binary batches: each record is 1 label byte (0–9) then 3072 pixel bytes,
 * the 1024 red values of the 32×32 image row by row, then green, then blue.
 *
 * <p>Shape: images [N, 3, 32, 32] in [0, 1], labels [N].
 */
public final class Cifar10 {
  private Cifar10() {}

  /** The ten classes, in label order. */
  public static final List<String> CLASS_NAMES =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  static final int PIXELS = 3 * 32 * 32, RECORD = 1 + PIXELS;

  /** Reads and concatenates batch files (e.g. data_batch_1.bin … data_batch_5.bin). */
  public static TensorDataset read(Path... batchFiles) {
    byte[][] contents = new byte[batchFiles.length][];
    String[] names = new String[batchFiles.length];
    for (int i = 0; i < batchFiles.length; i++) {
      contents[i] = Idx.readContent(batchFiles[i]);
      names[i] = batchFiles[i].toString();
    }
    return parse(contents, names);
  }

  static TensorDataset parse(byte[][] contents, String[] sources) {
    int n = 0;
    for (int f = 0; f < contents.length; f++) {
      if (contents[f].length % RECORD != 0) {
        throw new DataException(
            Check.message(
                sources[f],
                "%s bytes is not a whole number of %s-byte CIFAR-10 records (%s records and %s bytes more): truncated or not a CIFAR-10 binary batch",
                contents[f].length,
                RECORD,
                contents[f].length / RECORD,
                contents[f].length % RECORD));
      }
      n += contents[f].length / RECORD;
    }
    float[] unit = new float[256];
    for (int v = 0; v < 256; v++) unit[v] = v / 255f;
    float[] x = new float[n * PIXELS], y = new float[n];
    int r = 0;
    for (int f = 0; f < contents.length; f++) {
      byte[] c = contents[f];
      for (int off = 0; off < c.length; off += RECORD, r++) {
        int label = c[off] & 0xff;
        if (label >= CLASS_NAMES.size()) {
          throw new DataException(
              Check.message(
                  sources[f],
                  "record %s has label %s, not 0-9: not a CIFAR-10 binary batch",
                  off / RECORD,
                  label));
        }
        y[r] = label;
        for (int p = 0, o = r * PIXELS, s = off + 1; p < PIXELS; p++)
          x[o + p] = unit[c[s + p] & 0xff];
      }
    }
    return new TensorDataset(x, new int[] {3, 32, 32}, y, new int[0], CLASS_NAMES);
  }
}

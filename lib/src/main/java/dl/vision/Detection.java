package dl.vision;

/** A predicted box with the detector's confidence in it (higher is surer). */
public record Detection(Box box, double score) {
  public Detection {
    if (box == null) throw new IllegalArgumentException("Detection: box is null");
    if (!Double.isFinite(score))
      throw new IllegalArgumentException("Detection: score must be finite, got " + score);
  }

  public int label() {
    return box.label();
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "Detection[%s, score %.3f]", box, score);
  }
}

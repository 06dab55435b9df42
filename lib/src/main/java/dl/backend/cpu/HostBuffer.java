package dl.backend.cpu;

import dl.Check;
import dl.DType;
import dl.backend.Backend;
import dl.backend.Buffer;

/** A buffer in the JVM heap: exactly one of {@code f} and {@code d} is non-null. */
final class HostBuffer extends Buffer {
  final float[] f;
  final double[] d;
  private final Backend backend;

  HostBuffer(Backend backend, float[] f) {
    super(DType.FLOAT32, f.length);
    this.backend = backend;
    this.f = f;
    this.d = null;
  }

  HostBuffer(Backend backend, double[] d) {
    super(DType.FLOAT64, d.length);
    this.backend = backend;
    this.f = null;
    this.d = d;
  }

  double get(int i) {
    return f != null ? f[i] : d[i];
  }

  void set(int i, double v) {
    if (f != null) f[i] = (float) v;
    else d[i] = v;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  /** The host buffer under {@code v}; a clear error for a buffer of another backend. */
  static HostBuffer of(dl.backend.View v) {
    Buffer b = v.buffer();
    if (b instanceof HostBuffer h) return h;
    throw Check.badArgument(
        "cpu backend",
        "buffer belongs to backend '%s', not the CPU; move it with to(device) first",
        b.backend().name());
  }
}

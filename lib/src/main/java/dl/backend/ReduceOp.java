package dl.backend;

/** Reductions over axes. Each has an identity so an empty reduction is well defined. */
public enum ReduceOp {
  SUM(0.0) {
    public double combine(double acc, double x) {
      return acc + x;
    }
  },
  MAX(Double.NEGATIVE_INFINITY) {
    // NOTE: NaN must win, or a diverging loss would be hidden by max().
    public double combine(double acc, double x) {
      return (x > acc || Double.isNaN(x)) ? x : acc;
    }
  },
  MIN(Double.POSITIVE_INFINITY) {
    public double combine(double acc, double x) {
      return (x < acc || Double.isNaN(x)) ? x : acc;
    }
  };

  private final double identity;

  ReduceOp(double identity) {
    this.identity = identity;
  }

  public double identity() {
    return identity;
  }

  public abstract double combine(double acc, double x);
}

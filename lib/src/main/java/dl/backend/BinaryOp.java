package dl.backend;

/** Elementwise functions of two arguments (comparisons give 1 for true, 0 for false). */
public enum BinaryOp {
  ADD {
    public double apply(double a, double b) {
      return a + b;
    }
  },
  SUB {
    public double apply(double a, double b) {
      return a - b;
    }
  },
  MUL {
    public double apply(double a, double b) {
      return a * b;
    }
  },
  DIV {
    public double apply(double a, double b) {
      return a / b;
    }
  },
  POW {
    public double apply(double a, double b) {
      return Math.pow(a, b);
    }
  },
  MAX {
    public double apply(double a, double b) {
      return Math.max(a, b);
    }
  },
  MIN {
    public double apply(double a, double b) {
      return Math.min(a, b);
    }
  },
  GT {
    public double apply(double a, double b) {
      return a > b ? 1 : 0;
    }
  },
  GE {
    public double apply(double a, double b) {
      return a >= b ? 1 : 0;
    }
  },
  LT {
    public double apply(double a, double b) {
      return a < b ? 1 : 0;
    }
  },
  LE {
    public double apply(double a, double b) {
      return a <= b ? 1 : 0;
    }
  },
  EQ {
    public double apply(double a, double b) {
      return a == b ? 1 : 0;
    }
  },
  NE {
    public double apply(double a, double b) {
      return a != b ? 1 : 0;
    }
  },
  /**
   * a where b &gt; 0, else 0: ReLU's backward, the gradient a passing only where the input b was
   * positive.
   */
  PASS_IF_POSITIVE {
    public double apply(double a, double b) {
      return b > 0 ? a : 0;
    }
  };

  public abstract double apply(double a, double b);
}

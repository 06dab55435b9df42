package dl.backend;

/** Elementwise functions of one argument, named so that every backend can map them to a kernel. */
public enum UnaryOp {
  NEG {
    public double apply(double x) {
      return -x;
    }
  },
  EXP {
    public double apply(double x) {
      return Math.exp(x);
    }
  },
  LOG {
    public double apply(double x) {
      return Math.log(x);
    }
  },
  SIN {
    public double apply(double x) {
      return Math.sin(x);
    }
  },
  COS {
    public double apply(double x) {
      return Math.cos(x);
    }
  },
  TANH {
    public double apply(double x) {
      return Math.tanh(x);
    }
  },
  // NOTE: written in the form that never overflows: exp of a non-positive number only.
  SIGMOID {
    public double apply(double x) {
      if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
      double e = Math.exp(x);
      return e / (1.0 + e);
    }
  },
  RELU {
    public double apply(double x) {
      return x > 0 ? x : 0.0;
    }
  },
  ABS {
    public double apply(double x) {
      return Math.abs(x);
    }
  },
  SIGN {
    public double apply(double x) {
      return Math.signum(x);
    }
  },
  SQRT {
    public double apply(double x) {
      return Math.sqrt(x);
    }
  },
  /** 1 where x &gt; 0, else 0: the derivative of ReLU and the perceptron's step function. */
  STEP {
    public double apply(double x) {
      return x > 0 ? 1.0 : 0.0;
    }
  };

  public abstract double apply(double x);
}

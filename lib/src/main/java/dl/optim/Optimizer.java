package dl.optim;

import dl.Check;
import dl.autograd.NoGrad;
import dl.tensor.Tensor;
import java.util.List;

/**
 * Updates parameters from their gradients. Call {@link #zeroGrad()} before each backward pass
 * (gradients accumulate) and {@link #step()} after it.
 */
public abstract class Optimizer {
  protected final List<Tensor> params;
  private double lr;

  protected Optimizer(List<Tensor> params, double lr) {
    if (params.isEmpty())
      throw Check.badArgument(getClass().getSimpleName(), "no parameters to optimise");
    check(getClass().getSimpleName(), "learning rate", lr, lr > 0 && lr < INF, "finite and > 0");
    for (Tensor p : params) {
      if (!p.requiresGrad()) {
        throw Check.badArgument(
            getClass().getSimpleName(), "parameter of shape %s does not require grad", p.shape());
      }
    }
    this.params = List.copyOf(params);
    this.lr = lr;
  }

  /** Applies one update to every parameter that has a gradient. */
  public final void step() {
    try (NoGrad scope = NoGrad.enter()) {
      for (int i = 0; i < params.size(); i++) {
        Tensor p = params.get(i);
        if (p.grad() != null) update(i, p, p.grad());
      }
    }
  }

  /** The update rule for parameter {@code index}; runs with recording off. */
  protected abstract void update(int index, Tensor param, Tensor grad);

  /** Clears every parameter's gradient. */
  public void zeroGrad() {
    params.forEach(Tensor::zeroGrad);
  }

  /** The current learning rate η. */
  public double lr() {
    return lr;
  }

  /** Sets the learning rate (schedules call this). */
  public Optimizer lr(double value) {
    check(
        getClass().getSimpleName(),
        "learning rate",
        value,
        value >= 0 && value < INF,
        "finite and >= 0");
    lr = value;
    return this;
  }

  static final double INF = Double.POSITIVE_INFINITY;

  /**
   * Checks one setting at the public entry point, PyTorch's {@code TORCH_CHECK} style: the rule and
   * the value in the message. Write {@code ok} as the positive rule ({@code v >= 0 && v < 1}) so
   * that NaN, for which every comparison is false, fails it.
   */
  static double check(String owner, String setting, double value, boolean ok, String rule) {
    if (!ok) {
      throw Check.badArgument(owner, "%s must be %s, got %s", setting, rule, value);
    }
    return value;
  }

  /** g + λ·w: L2 weight decay folded into the gradient, as PyTorch's SGD and Adam do. */
  static Tensor withDecay(Tensor grad, Tensor param, double weightDecay) {
    return weightDecay == 0 ? grad : grad.add(param.mul(weightDecay));
  }
}

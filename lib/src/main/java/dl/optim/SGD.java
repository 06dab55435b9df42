package dl.optim;

import dl.tensor.Tensor;
import java.util.List;

/**
 * Stochastic gradient descent with momentum in the lecture's form Δw(t) = η·∂E/∂w + γ·Δw(t−1), w ←
 * w − Δw(t). With Nesterov momentum the step looks ahead: w ← w − (η·∂E/∂w + γ·Δw(t)).
 *
 * <pre>{@code
 * var opt = new SGD(model.parameters(), 0.1).momentum(0.9).weightDecay(5e-4);
 * }</pre>
 */
public final class SGD extends Optimizer {
  private double momentum;
  private boolean nesterov;
  private double weightDecay;
  private final Tensor[] delta;

  public SGD(List<Tensor> params, double lr) {
    super(params, lr);
    this.delta = new Tensor[params.size()];
  }

  /** γ, the fraction of the previous step kept (0 = plain SGD). */
  public SGD momentum(double gamma) {
    this.momentum = check("SGD", "momentum", gamma, gamma >= 0 && gamma < 1, "in [0, 1)");
    return this;
  }

  public SGD nesterov(boolean on) {
    this.nesterov = on;
    return this;
  }

  /** λ in the L2 penalty (λ/2)·‖w‖², added to the gradient as λ·w. */
  public SGD weightDecay(double lambda) {
    this.weightDecay =
        check("SGD", "weight decay", lambda, lambda >= 0 && lambda < INF, "finite and >= 0");
    return this;
  }

  @Override
  protected void update(int i, Tensor w, Tensor grad) {
    Tensor g = withDecay(grad, w, weightDecay);
    if (momentum == 0) {
      w.addInPlace(g, -lr());
      return;
    }
    if (delta[i] == null) delta[i] = Tensor.zerosLike(w);
    delta[i].mulInPlace(momentum).addInPlace(g, lr()); // Δw(t) = η g + γ Δw(t−1)
    if (nesterov) w.addInPlace(g, -lr()).addInPlace(delta[i], -momentum);
    else w.subInPlace(delta[i]);
  }
}

package dl.optim;

import dl.tensor.Tensor;
import java.util.List;

/**
 * RMSProp (Hinton): divide the step by a running root-mean-square of recent gradients, v ← αv +
 * (1−α)g², w ← w − η·g / (√v + ε).
 */
public final class RMSProp extends Optimizer {
  private double alpha = 0.99, eps = 1e-8, weightDecay;
  private final Tensor[] v;

  public RMSProp(List<Tensor> params, double lr) {
    super(params, lr);
    v = new Tensor[params.size()];
  }

  public RMSProp alpha(double alpha) {
    if (alpha < 0 || alpha >= 1)
      throw new IllegalArgumentException("RMSProp: alpha must be in [0, 1), got " + alpha);
    this.alpha = alpha;
    return this;
  }

  public RMSProp eps(double eps) {
    this.eps = eps;
    return this;
  }

  public RMSProp weightDecay(double lambda) {
    this.weightDecay = lambda;
    return this;
  }

  @Override
  protected void update(int i, Tensor w, Tensor grad) {
    Tensor g = withDecay(grad, w, weightDecay);
    if (v[i] == null) v[i] = Tensor.zerosLike(w);
    v[i].mulInPlace(alpha).addInPlace(g.square(), 1 - alpha);
    w.addInPlace(g.div(v[i].sqrt().add(eps)), -lr());
  }
}

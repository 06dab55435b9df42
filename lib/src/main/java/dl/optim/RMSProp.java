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
    this.alpha = check("RMSProp", "alpha", alpha, alpha >= 0 && alpha < 1, "in [0, 1)");
    return this;
  }

  public RMSProp eps(double eps) {
    this.eps = check("RMSProp", "eps", eps, eps > 0 && eps < INF, "finite and > 0");
    return this;
  }

  public RMSProp weightDecay(double lambda) {
    this.weightDecay =
        check("RMSProp", "weight decay", lambda, lambda >= 0 && lambda < INF, "finite and >= 0");
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

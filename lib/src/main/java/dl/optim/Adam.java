package dl.optim;

import dl.tensor.Tensor;
import java.util.List;

/**
 * Adam (Kingma &amp; Ba 2015): momentum on the gradient (m) and a per-weight step size from the
 * running mean of squared gradients (v), both bias-corrected: m ← β₁m + (1−β₁)g, v ← β₂v +
 * (1−β₂)g², w ← w − η·m̂ / (√v̂ + ε).
 */
public final class Adam extends Optimizer {
  private double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay;
  private final Tensor[] m, v;
  private final int[] t;

  public Adam(List<Tensor> params, double lr) {
    super(params, lr);
    m = new Tensor[params.size()];
    v = new Tensor[params.size()];
    t = new int[params.size()];
  }

  public Adam betas(double beta1, double beta2) {
    this.beta1 = check("Adam", "beta1", beta1, beta1 >= 0 && beta1 < 1, "in [0, 1)");
    this.beta2 = check("Adam", "beta2", beta2, beta2 >= 0 && beta2 < 1, "in [0, 1)");
    return this;
  }

  public Adam eps(double eps) {
    // NOTE: eps keeps η·m̂/(√v̂ + ε) finite where v̂ is 0; eps = 0 divides 0 by 0 (NaN weights).
    this.eps = check("Adam", "eps", eps, eps > 0 && eps < INF, "finite and > 0");
    return this;
  }

  public Adam weightDecay(double lambda) {
    this.weightDecay =
        check("Adam", "weight decay", lambda, lambda >= 0 && lambda < INF, "finite and >= 0");
    return this;
  }

  @Override
  protected void update(int i, Tensor w, Tensor grad) {
    Tensor g = withDecay(grad, w, weightDecay);
    if (m[i] == null) {
      m[i] = Tensor.zerosLike(w);
      v[i] = Tensor.zerosLike(w);
    }
    t[i]++;
    m[i].mulInPlace(beta1).addInPlace(g, 1 - beta1);
    v[i].mulInPlace(beta2).addInPlace(g.square(), 1 - beta2);
    double mHatScale = 1 / (1 - Math.pow(beta1, t[i]));
    double vHatScale = 1 / (1 - Math.pow(beta2, t[i]));
    Tensor step = m[i].mul(mHatScale).div(v[i].mul(vHatScale).sqrt().add(eps));
    w.addInPlace(step, -lr());
  }
}

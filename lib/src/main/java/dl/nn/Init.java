package dl.nn;

import dl.tensor.Rng;
import dl.tensor.Tensor;

/**
 * Weight initialisers. Both keep the variance of activations roughly constant from layer to layer:
 * Xavier/Glorot for tanh/sigmoid (Var = 2 / (fanIn + fanOut)), Kaiming/He for ReLU (Var = 2 /
 * fanIn, because ReLU zeroes half of its inputs). All draw from {@link Rng#global()} unless given
 * an {@link Rng}.
 */
public final class Init {
  private Init() {}

  /** U(−a, a) with a = √(6 / (fanIn + fanOut)). */
  public static Tensor xavierUniform(int fanIn, int fanOut, int... shape) {
    return xavierUniform(Rng.global(), fanIn, fanOut, shape);
  }

  public static Tensor xavierUniform(Rng rng, int fanIn, int fanOut, int... shape) {
    return uniform(rng, Math.sqrt(6.0 / (fanIn + fanOut)), shape);
  }

  /** N(0, σ²) with σ = √(2 / (fanIn + fanOut)). */
  public static Tensor xavierNormal(int fanIn, int fanOut, int... shape) {
    return xavierNormal(Rng.global(), fanIn, fanOut, shape);
  }

  public static Tensor xavierNormal(Rng rng, int fanIn, int fanOut, int... shape) {
    return Tensor.randn(rng, shape).mul(Math.sqrt(2.0 / (fanIn + fanOut)));
  }

  /** U(−a, a) with a = √(6 / fanIn). */
  public static Tensor kaimingUniform(int fanIn, int... shape) {
    return kaimingUniform(Rng.global(), fanIn, shape);
  }

  public static Tensor kaimingUniform(Rng rng, int fanIn, int... shape) {
    return uniform(rng, Math.sqrt(6.0 / fanIn), shape);
  }

  /** N(0, σ²) with σ = √(2 / fanIn). */
  public static Tensor kaimingNormal(int fanIn, int... shape) {
    return kaimingNormal(Rng.global(), fanIn, shape);
  }

  public static Tensor kaimingNormal(Rng rng, int fanIn, int... shape) {
    return Tensor.randn(rng, shape).mul(Math.sqrt(2.0 / fanIn));
  }

  /** U(−bound, bound). */
  public static Tensor uniform(Rng rng, double bound, int... shape) {
    return Tensor.rand(rng, shape).mul(2 * bound).sub(bound);
  }
}

package dl.autograd;

/**
 * Forward-mode differentiation with dual numbers: carry (value, derivative) through every
 * operation, applying each rule as you go. One forward pass gives the derivative with respect to
 * the one input seeded with derivative 1.
 *
 * <pre>{@code
 * jshell> var x = Dual.variable(2.0);
 * jshell> x.mul(x).add(x.mul(3))        // f(x) = x² + 3x
 * $2 ==> Dual[value=10.0, derivative=7.0]   // f'(2) = 2·2 + 3
 * }</pre>
 */
public record Dual(double value, double derivative) {

  /** The input we differentiate with respect to: dx/dx = 1. */
  public static Dual variable(double x) {
    return new Dual(x, 1);
  }

  /** A constant: its derivative is 0. */
  public static Dual constant(double c) {
    return new Dual(c, 0);
  }

  /** (u + v)' = u' + v'. */
  public Dual add(Dual o) {
    return new Dual(value + o.value, derivative + o.derivative);
  }

  public Dual add(double c) {
    return new Dual(value + c, derivative);
  }

  /** (u − v)' = u' − v'. */
  public Dual sub(Dual o) {
    return new Dual(value - o.value, derivative - o.derivative);
  }

  /** (u·v)' = u'v + uv' (product rule). */
  public Dual mul(Dual o) {
    return new Dual(value * o.value, derivative * o.value + value * o.derivative);
  }

  public Dual mul(double c) {
    return new Dual(value * c, derivative * c);
  }

  /** (u/v)' = (u'v − uv') / v² (quotient rule). */
  public Dual div(Dual o) {
    return new Dual(
        value / o.value, (derivative * o.value - value * o.derivative) / (o.value * o.value));
  }

  /** (uⁿ)' = n·uⁿ⁻¹·u'. */
  public Dual pow(double n) {
    return new Dual(Math.pow(value, n), n * Math.pow(value, n - 1) * derivative);
  }

  /** (sin u)' = cos u · u'. */
  public Dual sin() {
    return new Dual(Math.sin(value), Math.cos(value) * derivative);
  }

  /** (cos u)' = −sin u · u'. */
  public Dual cos() {
    return new Dual(Math.cos(value), -Math.sin(value) * derivative);
  }

  /** (eᵘ)' = eᵘ · u'. */
  public Dual exp() {
    double e = Math.exp(value);
    return new Dual(e, e * derivative);
  }

  /** (ln u)' = u' / u. */
  public Dual log() {
    return new Dual(Math.log(value), derivative / value);
  }

  /** (tanh u)' = (1 − tanh² u) · u'. */
  public Dual tanh() {
    double t = Math.tanh(value);
    return new Dual(t, (1 - t * t) * derivative);
  }

  /** σ(u)' = σ(u)(1 − σ(u)) · u'. */
  public Dual sigmoid() {
    double s = 1 / (1 + Math.exp(-value));
    return new Dual(s, s * (1 - s) * derivative);
  }

  /** relu(u)' = u' where u &gt; 0, else 0. */
  public Dual relu() {
    return value > 0 ? this : new Dual(0, 0);
  }
}

package dl.nn;

import dl.tensor.Tensor;

/**
 * Layers applied one after another; the output of each is the input of the next.
 *
 * <pre>{@code
 * var mlp = Sequential.of(new Linear(784, 200), new ReLU(), new Linear(200, 10));
 * }</pre>
 */
public final class Sequential extends Module {
  private final Module[] layers;

  public Sequential(Module... layers) {
    this.layers = layers.clone();
    for (int i = 0; i < layers.length; i++) child(Integer.toString(i), layers[i]);
  }

  public static Sequential of(Module... layers) {
    return new Sequential(layers);
  }

  /** Layer {@code i}. */
  public Module get(int i) {
    return layers[i];
  }

  public int size() {
    return layers.length;
  }

  @Override
  public Tensor forward(Tensor input) {
    Tensor x = input;
    for (Module layer : layers) x = layer.forward(x);
    return x;
  }

  @Override
  protected String describe() {
    return "Sequential";
  }
}

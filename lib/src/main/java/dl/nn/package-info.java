/**
 * Layers and models: {@link dl.nn.Module} with named parameters, {@link dl.nn.Sequential}, {@link
 * dl.nn.Linear}, {@link dl.nn.Conv2d} and the other CNN layers, the activations, the losses and the
 * classic {@link dl.nn.Perceptron}. Names follow PyTorch's {@code torch.nn}. Introduced in
 * notebooks 02 (perceptron), 03 (MLP) and 08 (convolution).
 *
 * <p>In JShell or a notebook, {@code import dl.nn.*} leaves {@code Module} ambiguous with {@code
 * java.lang.Module}; add {@code import dl.nn.Module;}.
 */
package dl.nn;

/**
 * Layers and models: {@link dl.nn.Module} with named parameters, {@link dl.nn.Sequential}, {@link
 * dl.nn.Linear}, the activations, the losses and the classic {@link dl.nn.Perceptron}. Names follow
 * PyTorch's {@code torch.nn}. Introduced in notebooks 02 (perceptron) and 03 (MLP).
 */
package dl.nn;

/**
 * Stateless functions that the modules call, one class per family as in PyTorch's ATen: {@link
 * dl.nn.functional.F} (linear map, activations, losses), {@link dl.nn.functional.Conv} (convolution
 * and its transpose), {@link dl.nn.functional.Pool} (pooling), {@link dl.nn.functional.Norm} (batch
 * and local response normalisation) and {@link dl.nn.functional.Dropouts}. A {@link
 * dl.nn.functional.Window} (kernel, stride, padding, dilation) describes every sliding window, for
 * the functions and the layers alike. Usable directly in notebooks.
 */
package dl.nn.functional;

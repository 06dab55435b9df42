/**
 * One final class per differentiable primitive, forward and backward side by side, written like the
 * lecture's equations. Everything else (sub, div, mean, softmax, …) is composed from these in
 * {@link dl.tensor.Tensor}, so it is differentiable for free. Notebook 05 (backpropagation) walks
 * through them.
 */
package dl.autograd.ops;

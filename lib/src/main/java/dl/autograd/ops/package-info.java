/**
 * One final class per differentiable primitive, forward and backward side by side, written like the
 * lecture's equations. Everything else (sub, div, mean, softmax, …) is composed from these in
 * {@link dl.tensor.Tensor}, so it is differentiable for free. Notebook 05 (backpropagation) walks
 * through them.
 *
 * <p>An op whose natural name is taken by the layer that uses it carries the suffix {@code Op}
 * ({@code ReluOp} under {@code dl.nn.ReLU}, {@code BatchNormOp} under {@code dl.nn.BatchNorm2d},
 * {@code MaxPool2dOp}, {@code LogSoftmaxOp}, {@code SigmoidOp}, {@code TanhOp}), so an import never
 * picks the wrong one; {@code grad_fn=…} still shows the plain name.
 */
package dl.autograd.ops;

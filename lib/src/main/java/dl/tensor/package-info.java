/**
 * Tensors: N-dimensional float32/float64 arrays as views (shape, strides, offset) onto backend
 * buffers, with NumPy broadcasting, reductions, matmul and PyTorch's method names.
 *
 * <p>{@link dl.tensor.Tensor} is the one class students use, so its differentiable methods create
 * the primitives in {@code dl.autograd.ops}: this is the one place the package layering bends, on
 * purpose, so that {@code x.mul(w).sum().backward()} works as in PyTorch. The raw math that does
 * not record a graph is {@link dl.tensor.TensorMath}. Introduced in notebook 01 (setup and tour).
 */
package dl.tensor;

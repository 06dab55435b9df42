/**
 * The course library's root: what every layer shares, {@link dl.DType} (the element types: tensors
 * choose one, backends store it) and {@link dl.Check} (how bad input is rejected). Start reading at
 * {@link dl.tensor.Tensor}; the packages below follow the course: {@code dl.tensor} and {@code
 * dl.autograd} (notebooks 02–05), {@code dl.nn} and {@code dl.optim} (03–13), {@code dl.data},
 * {@code dl.train}, {@code dl.viz}, {@code dl.vision}, and {@code dl.backend} underneath it all.
 */
package dl;

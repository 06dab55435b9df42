/**
 * Reverse-mode automatic differentiation: {@link dl.autograd.Function} (one node of the graph),
 * {@link dl.autograd.Autograd} (backward in topological order), {@link dl.autograd.NoGrad}, {@link
 * dl.autograd.GradCheck} (finite differences) and {@link dl.autograd.Dual} (forward mode). Notebook
 * 05 (backpropagation) compares the four ways to differentiate with these classes.
 */
package dl.autograd;

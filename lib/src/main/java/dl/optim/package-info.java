/**
 * Optimizers (SGD with momentum and Nesterov, Adam, RMSProp) and learning-rate schedules. Notebook
 * 04 (loss and gradient descent) introduces them.
 */
package dl.optim;

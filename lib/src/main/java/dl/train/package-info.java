/**
 * The small training loop ({@link dl.train.Trainer}), its per-epoch {@link dl.train.History} as a
 * Tablesaw table, and classification metrics. Introduced in notebook 06 (softmax and MNIST).
 */
package dl.train;

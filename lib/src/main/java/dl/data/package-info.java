/**
 * Data for training: {@link dl.data.Dataset} and {@link dl.data.TensorDataset} (examples in
 * memory), {@link dl.data.DataLoader} (seeded shuffling, batching, drop-last, {@link
 * dl.data.Transform}s), train/validation splits that never touch the test set ({@link
 * dl.data.DataSplits}), readers for IDX ({@link dl.data.Idx}: MNIST, Fashion-MNIST), CIFAR-10
 * binary batches ({@link dl.data.Cifar10}) and CSV tables through Tablesaw ({@link
 * dl.data.Tabular}), seeded 2-D toy sets ({@link dl.data.ToyData}), and {@link dl.data.Datasets},
 * which finds, downloads and verifies the image data sets ({@link dl.data.DataStore} says where it
 * looks).
 *
 * <pre>{@code
 * jshell> var mnist = Datasets.mnist();
 * mnist ==> MNIST: train 60000, test 10000, input [1,28,28], 10 classes
 * jshell> for (Batch b : new DataLoader(mnist.train(), 64).shuffle(42)) { ... b.x() is [64, 1, 28, 28] ... }
 * }</pre>
 *
 * <p>Toy sets and Iris are introduced in notebooks 02 and 03; the MNIST family, loaders and splits
 * in notebook 06 (MNIST); notebook 07 uses the same API for the classic methods of {@code
 * dl.classic}.
 */
package dl.data;

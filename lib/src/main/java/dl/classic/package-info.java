/**
 * The classic methods the lectures contrast with deep learning, on the same data API as the
 * networks: {@link dl.classic.KNearestNeighbors} (a classifier that only memorises) and {@link
 * dl.classic.KMeans} (clustering without labels). Both use squared Euclidean distances computed as
 * ‖a − b‖² = ‖a‖² − 2·a·b + ‖b‖², so the expensive part is one blocked, multithreaded matrix
 * product. Introduced in notebook 07 (classic methods vs deep learning).
 *
 * <p>{@link dl.classic.Filters} holds the classic image filters (mean, Gaussian, Sobel, median) as
 * fixed-kernel convolutions, for notebook 08 (convolution from scratch).
 */
package dl.classic;

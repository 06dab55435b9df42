/**
 * Recognition beyond classification: boxes and their overlap ({@link dl.vision.Box}, IoU), scored
 * detections with non-maximum suppression and average precision ({@link dl.vision.Detections}), a
 * YOLO-style grid encoding ({@link dl.vision.YoloGrid}), per-pixel mean IoU ({@link
 * dl.vision.Segmentation}), and a seeded data set of MNIST digits placed on larger canvases with
 * their boxes and masks ({@link dl.vision.Canvases}).
 *
 * <p>Sits beside {@code dl.data} and {@code dl.train}: it uses tensors, data sets and {@code
 * nn.functional}, never layers or optimisers, and {@code dl.viz} draws its boxes. Introduced in
 * notebook 16 (beyond classification).
 *
 * <pre>{@code
 * jshell> var set = Canvases.generate(Datasets.mnist().train(), 100, 7);   // 64x64, 1-3 digits
 * jshell> set.boxes(0).get(0).iou(set.boxes(0).get(0))
 * $2 ==> 1.0
 * }</pre>
 */
package dl.vision;

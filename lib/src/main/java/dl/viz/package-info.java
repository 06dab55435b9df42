/**
 * Pictures and tables for the notebooks: every helper returns a {@link dl.viz.Figure}, which is a
 * {@code java.awt.image.BufferedImage}, so the Java kernel shows it inline when it is a cell's
 * value, and {@link dl.viz.Figure#save(java.nio.file.Path)} writes it as PNG atomically.
 *
 * <ul>
 *   <li>{@link dl.viz.Plots}: loss/accuracy curves from a history table, functions and their
 *       derivatives, labelled 2-D points, decision boundaries and separating lines, confusion
 *       matrices and heatmaps (XChart's XYChart and HeatMapChart draw them; Java2D adds only what
 *       XChart lacks: class regions under a chart and readable numbers in heat-map cells);
 *   <li>{@link dl.viz.Images}: grids of samples and predictions, learned filters, single images,
 *       segmentation masks; {@link dl.viz.ImageGrid#boxes} and {@link dl.viz.ImageGrid#detections}
 *       draw boxes over the images;
 *   <li>{@link dl.viz.Tables}: Tablesaw tables from arrays and tensors, printed with fixed
 *       decimals;
 *   <li>{@link dl.viz.Diagrams}: drawings generated from the real objects: the computation graph
 *       autograd recorded (05), a kernel sliding with stride, padding and dilation (08), dropout
 *       masks (11), receptive fields (12) and architectures of any module (10, 12, 13).
 * </ul>
 *
 * <p>Introduced in notebook 01 and used throughout: 02 (perceptron: points, separating lines), 03
 * (activation functions, MLP decision boundaries), 04 (loss surfaces, learning-rate comparisons),
 * 06 (MNIST: image grids, predictions, learned weights, confusion matrix), 08 to 10 (filters and
 * feature maps), 16 (boxes, detections and masks). All drawing is off-screen, so it works headless
 * ({@code java.awt.headless=true}) and in CI.
 */
package dl.viz;

/**
 * The seam between tensors and the hardware: {@link dl.backend.Backend} speaks in named ops over
 * {@link dl.backend.View}s of {@link dl.backend.Buffer}s. Nothing above this package knows which
 * device runs a kernel. Introduced in notebook 01 (setup and tour), where the chosen backend is
 * printed.
 */
package dl.backend;

/**
 * The OpenCL backend through JOCL, split the way tinygrad splits a device: {@link
 * dl.backend.opencl.ClDevices} finds platforms and devices, {@link dl.backend.opencl.ClAllocator}
 * owns device memory, {@link dl.backend.opencl.ProgramCache} compiles the kernels in {@code
 * resources/dl/backend/opencl/*.cl} once per context, and {@link dl.backend.opencl.Launcher} sets
 * arguments and enqueues them. {@link dl.backend.opencl.OpenClBackend} maps every {@link
 * dl.backend.Backend} op onto a kernel through one class per op family (elementwise, products,
 * windows, as in the CPU backend); {@code OpRunner} decides, in one place, whether an op runs its
 * kernel or on the CPU backend ({@code CpuFallback}) when there is none. This is the only package
 * that imports {@code org.jocl}. Introduced in the GPU notebook.
 */
package dl.backend.opencl;

package dl.backend.opencl;

import dl.DType;
import dl.backend.Buffer;
import dl.backend.View;
import dl.backend.cpu.CpuBackend;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An op the device cannot run (float64 without {@code cl_khr_fp64}, more than 8 axes, kernels that
 * failed to compile) runs on the CPU backend: its buffers are read back, the CPU computes, and the
 * buffers it wrote go back to the device. Slow, but every op works on every device.
 */
final class CpuFallback {

  /** The op on the CPU backend, over host copies of its views in the order they were given. */
  @FunctionalInterface
  interface Body {
    void run(CpuBackend cpu, View[] host);
  }

  private final OpRunner runner;
  private final ClAllocator memory;
  private final Set<String> ops = new TreeSet<>();
  private CpuBackend cpu;

  CpuFallback(OpRunner runner, ClAllocator memory) {
    this.runner = runner;
    this.memory = memory;
  }

  /**
   * Copies the buffers behind {@code views} to the host, runs {@code body} there, and writes back
   * the buffers of the views from {@code firstOutput} on; with {@code announce}, says so on stderr
   * the first time for this op.
   */
  void run(String op, boolean announce, View[] views, int firstOutput, Body body) {
    if (announce && ops.add(op))
      System.err.println("opencl: no kernel for " + op + " here yet, running it on the CPU");
    if (cpu == null) cpu = new CpuBackend(1);
    Map<ClBuffer, Buffer> host = new IdentityHashMap<>();
    View[] hv = new View[views.length];
    for (int i = 0; i < views.length; i++) {
      View v = views[i];
      Buffer h = host.computeIfAbsent(runner.cl(v), this::toHost);
      hv[i] = new View(h, v.shape(), v.strides(), v.offset());
    }
    body.run(cpu, hv);
    Set<ClBuffer> written = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = firstOutput; i < views.length; i++) {
      ClBuffer b = runner.cl(views[i]);
      if (!written.add(b) || b.size() == 0) continue;
      View whole = View.contiguous(host.get(b), new int[] {b.size()});
      if (b.dtype() == DType.FLOAT32) memory.write(b, cpu.toFloatArray(whole));
      else memory.write(b, cpu.toDoubleArray(whole));
    }
  }

  private Buffer toHost(ClBuffer b) {
    return b.dtype() == DType.FLOAT32
        ? cpu.fromArray(memory.readFloats(b, 0, b.size()))
        : cpu.fromArray(memory.readDoubles(b, 0, b.size()));
  }

  /** The ops that have announced a fallback so far, sorted. */
  Set<String> ops() {
    return new TreeSet<>(ops);
  }
}

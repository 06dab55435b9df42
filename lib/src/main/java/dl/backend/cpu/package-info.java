/**
 * The CPU backend: Java loops over float[] / double[] storage, multithreaded, with a SIMD matrix
 * product and SIMD elementwise rows through the JDK's Vector API when the JVM has {@code
 * --add-modules jdk.incubator.vector} (the course kernel does). Each output element is computed by
 * exactly one thread in a fixed order, so results do not depend on the thread count.
 */
package dl.backend.cpu;

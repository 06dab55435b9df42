/**
 * The CPU backend: plain Java loops over float[] / double[] storage, with a contiguous fast path
 * and a multithreaded matrix product. Each output element is computed by exactly one thread in a
 * fixed order, so results do not depend on the thread count.
 */
package dl.backend.cpu;

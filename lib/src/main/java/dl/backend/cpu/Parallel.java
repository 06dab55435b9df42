package dl.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The CPU backend's threads: a pool, and the ways its kernels split work over it (rows of an
 * elementwise op, tiles of a product, chunks of anything). Every split gives each output element to
 * exactly one thread, which computes it in a fixed order, so results never depend on the thread
 * count.
 */
final class Parallel {
  /** Below this many multiply-adds a product runs on the calling thread: forking costs more. */
  static final long WORK = 1L << 15;

  /** Elementwise ops over fewer elements than this run on the calling thread. */
  static final int ELEMENTS = 1 << 16;

  /** Null with one thread: everything runs on the calling thread. */
  final ForkJoinPool pool;

  final int threads;

  Parallel(int threads) {
    this.threads = threads;
    this.pool = threads == 1 ? null : new ForkJoinPool(threads);
  }

  /**
   * {@link Strided#rows} split over the pool by rows, for ops where every output element is written
   * once (elementwise ops, copies), so the split cannot change any result.
   */
  void eachRow(int[] shape, int[][] strides, int[] base, Strided.RowVisitor visitor) {
    Strided.Plan plan = Strided.plan(shape, strides);
    int rows = plan.rows();
    if (pool != null && rows == 1 && plan.rowLength() >= ELEMENTS) {
      // A contiguous tensor merges into one long row (ReLU of a whole activation, say): split the
      // row itself, or one thread does it all.
      int n = plan.rowLength(), chunks = threads * 4, last = plan.shape().length - 1;
      forChunks(
          chunks,
          c -> {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            int[] off = base.clone();
            for (int k = 0; k < off.length; k++) off[k] += from * plan.strides()[k][last];
            visitor.row(off, to - from);
          });
      return;
    }
    if (pool == null || rows < 2 || (long) rows * plan.rowLength() < ELEMENTS) {
      Strided.walk(plan, base, visitor, 0, rows);
      return;
    }
    int chunks = Math.min(rows, threads * 4);
    forChunks(
        chunks,
        c ->
            Strided.walk(
                plan,
                base,
                visitor,
                (int) ((long) rows * c / chunks),
                (int) ((long) rows * (c + 1) / chunks)));
  }

  /**
   * Runs {@code body} for chunks 0 … chunks − 1 on the calling thread and the pool together: each
   * thread claims the next chunk until none is left, and the call returns once every chunk has
   * finished (rethrowing the first failure). Which thread runs a chunk never changes its result.
   *
   * <p>NOTE: the calling thread works instead of only waiting, and never waits for a pool thread
   * that wakes up after the work is gone: handing each op to the pool and blocking on it cost tens
   * of microseconds in thread wake-ups, and a training step runs hundreds of ops.
   */
  void forChunks(int chunks, IntConsumer body) {
    if (pool == null || chunks < 2) {
      for (int c = 0; c < chunks; c++) body.accept(c);
      return;
    }
    AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller = Thread.currentThread();
    Runnable work =
        () -> {
          for (int c; (c = next.getAndIncrement()) < chunks; ) {
            try {
              body.accept(c);
            } catch (Throwable t) {
              failure.compareAndSet(null, t);
            } finally {
              if (done.incrementAndGet() == chunks) LockSupport.unpark(caller);
            }
          }
        };
    for (int helper = 1; helper < Math.min(threads, chunks); helper++) pool.execute(work);
    work.run();
    // The other threads are finishing their last chunk: spin briefly, then sleep until woken.
    for (int spins = 0; done.get() < chunks; spins++) {
      if (spins < 2000) Thread.onSpinWait();
      else LockSupport.parkNanos(this, 200_000);
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException e) throw e;
    if (t instanceof Error e) throw e;
    if (t != null) throw new IllegalStateException(t);
  }

  interface RowRange {
    void run(int from, int to);
  }

  void parallelRows(int rows, long work, RowRange body) {
    if (pool == null || work < WORK || rows < 2) {
      body.run(0, rows);
      return;
    }
    int chunks = Math.min(rows, threads * 4);
    forChunks(
        chunks,
        c -> body.run((int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks)));
  }

  interface Tile {
    void run(int rowFrom, int rowTo, int colFrom, int colTo);
  }

  /**
   * Splits an m × n output into tiles for the pool: rows in blocks of four (the GEMM kernel's
   * unit), and, when there are too few row blocks to keep every thread busy (a convolution's
   * 16-channel output has four), columns as well. Each output element belongs to exactly one tile.
   */
  void parallelTiles(int m, int n, int grain, long work, Tile body) {
    if (pool == null || work < WORK) {
      body.run(0, m, 0, n);
      return;
    }
    int tasks = threads * 4;
    int rowBlocks = (m + 3) / 4;
    int rowChunks = Math.min(rowBlocks, tasks);
    int colChunks = Math.max(1, Math.min(tasks / rowChunks, n / grain));
    forChunks(
        rowChunks * colChunks,
        t -> {
          int r = t / colChunks, c = t % colChunks;
          int i0 = Math.min(m, 4 * (int) ((long) rowBlocks * r / rowChunks));
          int i1 = Math.min(m, 4 * (int) ((long) rowBlocks * (r + 1) / rowChunks));
          // Column cuts on multiples of the grain keep vector loops whole.
          int j0 = c == 0 ? 0 : cut(n, c, colChunks, grain);
          int j1 = c == colChunks - 1 ? n : cut(n, c + 1, colChunks, grain);
          if (i0 < i1 && j0 < j1) body.run(i0, i1, j0, j1);
        });
  }

  private static int cut(int n, int c, int chunks, int grain) {
    return (int) ((long) n * c / chunks) / grain * grain;
  }
}

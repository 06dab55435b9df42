package dl.backend.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The CPU backend's threads (the caller and threads − 1 workers), and the ways its kernels split
 * work over them (rows of an elementwise op, tiles of a product, chunks of anything). Every split
 * gives each output element to exactly one thread, which computes it in a fixed order, so results
 * never depend on the thread count.
 */
final class Parallel {
  /** Below this many multiply-adds a product runs on the calling thread: forking costs more. */
  static final long WORK = 1L << 15;

  /** Elementwise ops over fewer elements than this run on the calling thread. */
  static final int ELEMENTS = 1 << 16;

  /** The threads besides the caller: none with one thread, and everything runs on the caller. */
  private final Worker[] workers;

  final int threads;

  /** Taken by the call that hands chunks to the workers; any other call runs on its own thread. */
  private final AtomicBoolean handingOut = new AtomicBoolean();

  /** The chunks being handed out, or null; a new one bumps {@link #generation}. */
  private volatile Chunks current;

  private volatile long generation;

  /** Zeroed arrays the workers make while they wait for the next call. */
  final FreshArrays fresh = new FreshArrays();

  /** How long a worker sleeps without a call before its thread ends (the next call starts one). */
  private final long keepAliveNanos;

  Parallel(int threads) {
    this(threads, 60_000_000_000L);
  }

  Parallel(int threads, long keepAliveNanos) {
    this.threads = threads;
    this.keepAliveNanos = keepAliveNanos;
    this.workers = new Worker[threads - 1];
    for (int k = 0; k < workers.length; k++) workers[k] = new Worker(k + 1);
  }

  /**
   * {@link Strided#rows} split over the pool by rows, for ops where every output element is written
   * once (elementwise ops, copies), so the split cannot change any result.
   */
  void eachRow(int[] shape, int[][] strides, int[] base, Strided.RowVisitor visitor) {
    Strided.Plan plan = Strided.plan(shape, strides);
    int rows = plan.rows();
    if (workers.length > 0 && rows == 1 && plan.rowLength() >= ELEMENTS) {
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
    if (workers.length == 0 || rows < 2 || (long) rows * plan.rowLength() < ELEMENTS) {
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
   * Runs {@code body} for chunks 0 … chunks − 1 on the calling thread and the workers together:
   * each thread claims the next chunk until none is left, and the call returns once every chunk has
   * finished (rethrowing the first failure). Which thread runs a chunk never changes its result.
   *
   * <p>NOTE: the calling thread works instead of only waiting, and the workers spin for a while
   * after each call before they sleep: a training step runs hundreds of ops, a few hundred
   * microseconds apart, and a worker woken from sleep arrives tens of microseconds late, when the
   * caller has done most of a short op alone. A call made while another is handing out chunks (a
   * second thread using the backend, or a chunk that itself splits work) runs on its own thread.
   */
  void forChunks(int chunks, IntConsumer body) {
    if (workers.length == 0 || chunks < 2 || !handingOut.compareAndSet(false, true)) {
      for (int c = 0; c < chunks; c++) body.accept(c);
      return;
    }
    Chunks job = new Chunks(chunks, body, Thread.currentThread());
    try {
      current = job;
      generation++; // volatile: the workers see the job from here on
      for (Worker w : workers) w.wake();
      job.run();
      // The workers are finishing their last chunks: spin briefly, then sleep until woken.
      for (int spins = 0; job.done.get() < chunks; spins++) {
        if (spins < 2000) Thread.onSpinWait();
        else LockSupport.parkNanos(this, 200_000);
      }
    } finally {
      current = null; // the job's arrays are not kept reachable between calls
      handingOut.set(false);
    }
    Throwable t = job.failure.get();
    if (t instanceof RuntimeException e) throw e;
    if (t instanceof Error e) throw e;
    if (t != null) throw new IllegalStateException(t);
  }

  /** One call's chunks: whoever takes the next index runs it. */
  private static final class Chunks {
    final int count;
    final IntConsumer body;
    final Thread caller;
    final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Chunks(int count, IntConsumer body, Thread caller) {
      this.count = count;
      this.body = body;
      this.caller = caller;
    }

    void run() {
      for (int c; (c = next.getAndIncrement()) < count; ) {
        try {
          body.accept(c);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          if (done.incrementAndGet() == count) LockSupport.unpark(caller);
        }
      }
    }
  }

  /** How long a worker keeps looking for the next call before it sleeps. */
  private static final long SPIN_NANOS = 500_000;

  private static final int RUNNING = 0, SLEEPING = 1, ENDED = 2;

  /** A worker thread: runs the chunks of each new call, spinning between calls, then sleeping. */
  private final class Worker implements Runnable {
    final String name;
    final AtomicInteger state = new AtomicInteger(ENDED);
    volatile Thread thread;

    Worker(int number) {
      this.name = "dl-cpu-" + number;
    }

    /** Called after a new call is published: the worker joins it, if it comes in time. */
    void wake() {
      int s = state.get();
      if (s == SLEEPING) {
        LockSupport.unpark(thread);
      } else if (s == ENDED && state.compareAndSet(ENDED, RUNNING)) {
        Thread t = new Thread(this, name);
        t.setDaemon(true);
        thread = t;
        t.start();
      }
    }

    @Override
    public void run() {
      long seen = -1; // a new thread looks at the current call first
      while (true) {
        long idleSince = System.nanoTime();
        while (generation == seen) {
          if (fresh.makeOne()) {
            idleSince = System.nanoTime();
            continue;
          }
          if (System.nanoTime() - idleSince < SPIN_NANOS) {
            Thread.onSpinWait();
            continue;
          }
          // Say so before the last look: forChunks publishes its call, then reads the state.
          state.set(SLEEPING);
          if (generation == seen) LockSupport.parkNanos(this, keepAliveNanos);
          if (generation == seen
              && System.nanoTime() - idleSince >= keepAliveNanos
              && state.compareAndSet(SLEEPING, ENDED)) return;
          state.set(RUNNING);
        }
        seen = generation;
        Chunks job = current;
        if (job != null) job.run(); // null: that call has already finished
      }
    }
  }

  interface RowRange {
    void run(int from, int to);
  }

  void parallelRows(int rows, long work, RowRange body) {
    if (workers.length == 0 || work < WORK || rows < 2) {
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
    if (workers.length == 0 || work < WORK) {
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

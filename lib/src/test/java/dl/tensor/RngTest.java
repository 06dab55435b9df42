package dl.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The seeding rule documented in {@link Rng}: one JVM-wide generator, and runs of their own. */
class RngTest {
  @AfterEach
  void resetTheSharedGenerator() {
    Tensor.manualSeed(0);
  }

  private static double[] draws(Rng r, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = r.normal();
    return d;
  }

  /** What manualSeed(seed) followed by n draws from the global generator gives. */
  private static double[] expected(long seed, int n) {
    return draws(new Rng(seed), n);
  }

  @Test
  void manualSeedGivesTheSameStreamAsANewRngWithThatSeed() {
    Tensor.manualSeed(42);
    assertArrayEquals(expected(42, 5), draws(Rng.global(), 5));
  }

  @Test
  void outsideARunAllThreadsShareOneStreamAsJupyterCellsOnPoolThreadsNeed() throws Exception {
    // A kernel runs cell 1 (manualSeed) on one thread and cell 2 on another: cell 2 must continue
    // the seeded stream, as if both ran on one thread.
    double[] want = expected(7, 4);
    ExecutorService cell1 = Executors.newSingleThreadExecutor();
    ExecutorService cell2 = Executors.newSingleThreadExecutor();
    try {
      double[] first =
          cell1
              .submit(
                  () -> {
                    Tensor.manualSeed(7);
                    return draws(Rng.global(), 2);
                  })
              .get();
      double[] next = cell2.submit(() -> draws(Rng.global(), 2)).get();
      assertArrayEquals(want, new double[] {first[0], first[1], next[0], next[1]});
    } finally {
      cell1.shutdown();
      cell2.shutdown();
    }
  }

  @Test
  void aRunDrawsFromItsSeedAndLeavesTheOuterStreamWhereItWas() {
    Tensor.manualSeed(3);
    double before = Rng.global().normal();
    double[] inRun = Rng.withSeed(11, () -> draws(Rng.global(), 6));
    double after = Rng.global().normal();
    assertArrayEquals(expected(11, 6), inRun);
    double[] outer = expected(3, 2);
    assertEquals(outer[0], before);
    assertEquals(outer[1], after, "the run must not advance the outer stream");
  }

  @Test
  void manualSeedInsideARunReseedsOnlyTheRun() {
    Tensor.manualSeed(5);
    Rng.withSeed(
        1,
        () -> {
          Rng.global().normal();
          Tensor.manualSeed(8);
          assertArrayEquals(expected(8, 3), draws(Rng.global(), 3));
        });
    assertArrayEquals(expected(5, 3), draws(Rng.global(), 3), "the outer stream, unreset");
  }

  @Test
  void runsNestAndEachEndRestoresTheEnclosingRun() {
    Rng.withSeed(
        1,
        () -> {
          Rng outerRun = Rng.global();
          double a = outerRun.normal();
          Rng.withSeed(2, () -> assertArrayEquals(expected(2, 2), draws(Rng.global(), 2)));
          assertSame(outerRun, Rng.global());
          assertEquals(expected(1, 2)[1], Rng.global().normal());
          assertNotEquals(a, Rng.global().normal());
        });
  }

  @Test
  void aRunThatThrowsStillRestoresTheGlobalGenerator() {
    Tensor.manualSeed(4);
    Rng shared = Rng.global();
    assertThrows(
        IllegalStateException.class,
        () ->
            Rng.withSeed(
                9,
                () -> {
                  throw new IllegalStateException("boom");
                }));
    assertSame(shared, Rng.global());
  }

  @Test
  void aRunIsConfinedToItsThreadThreadsItStartsUseTheSharedGenerator() throws Exception {
    Tensor.manualSeed(6);
    Rng shared = Rng.global();
    Rng.withSeed(
        1,
        () -> {
          Rng[] seen = new Rng[1];
          Thread t = new Thread(() -> seen[0] = Rng.global());
          t.start();
          try {
            t.join();
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          assertSame(shared, seen[0]);
        });
  }

  @Test
  void aRunInAnotherThreadNeitherSeesNorChangesThisThreadsStream() throws Exception {
    Tensor.manualSeed(2);
    double[] want = expected(2, 200);
    double[] got = new double[200];
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      var run =
          other.submit(
              () ->
                  Rng.withSeed(
                      10,
                      () -> {
                        Tensor.manualSeed(12); // reseeds the other thread's run only
                        return draws(Rng.global(), 20_000);
                      }));
      for (int i = 0; i < got.length; i++) got[i] = Rng.global().normal();
      assertArrayEquals(expected(12, 20_000), run.get());
    } finally {
      other.shutdown();
    }
    assertArrayEquals(want, got);
  }
}

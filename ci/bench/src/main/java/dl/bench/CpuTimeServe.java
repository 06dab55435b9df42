package dl.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@link Workloads}'s {@code serve}, answering the CPU time of the calling thread per call instead
 * of the wall time: with {@code DL_THREADS=1} that is the whole workload, and it moves much less
 * with other jobs on the machine than wall time does (it still includes their effect on the
 * caches). {@code ci/bench/ab.py} uses it with {@code AB_CPU=1}.
 */
public final class CpuTimeServe {
  private CpuTimeServe() {}

  public static void main(String[] args) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 2)
        throw new IllegalArgumentException(
            "CpuTimeServe: expected 'NAME CALLS [SECONDS]', got " + line);
      String name = f[0];
      int calls = Integer.parseInt(f[1]);
      double seconds = f.length > 2 ? Double.parseDouble(f[2]) : 0; // at least this long (warm-up)
      Workloads.answer(name, 1, 0); // builds and caches the workload
      Runnable work = () -> Workloads.answer(name, 1, 0);
      long start = threads.getCurrentThreadCpuTime(), wall = System.nanoTime();
      int done = 0;
      while (done < calls || System.nanoTime() - wall < seconds * 1e9) {
        work.run();
        done++;
      }
      double ms = (threads.getCurrentThreadCpuTime() - start) / 1e6 / done;
      System.out.println(String.format(Locale.ROOT, "%s %.6f", name, ms));
      System.out.flush();
    }
  }
}

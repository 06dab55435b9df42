package org.rapaio.jupyter.kernel.core.java;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.SPIResolutionException;

/**
 * Drop-in replacement for the class of the same name in rapaio-jupyter-kernel (checked: 3.0.1), put in
 * front of the kernel jar on the class path by ci/kernel/install.sh. Same fields, constructor and methods
 * as the original; {@link #stop} and the thread factory differ.
 *
 * <p>Why: user code runs in this executor's threads. On an interrupt_request the kernel cancels the running
 * task ({@link #interrupt}) and then calls {@link #stop}, which in the original shut the executor down for
 * good. Every later cell was then rejected inside JShell and answered "ok" with no output at all: after
 * one interrupt the kernel looked alive but ran nothing until restarted. The shutdown also raced with the
 * interrupted cell's own reply (it saw the executor shut down and reported "stopped", i.e. "ok", instead of
 * the interrupted error, about half of the time). JShell's SPI means stop() as "interrupt the running
 * invoke", so here it cancels the running tasks as {@link #interrupt} does and keeps the executor.
 *
 * <p>The executor's threads are daemon threads here. The original's were not; its cached pool keeps an
 * idle thread for 60 s, so after any cell had run, a shutdown_request left the kernel process alive for up
 * to a minute (the JVM ends when the loops close, the kernel never calls System.exit), and code that
 * ignores interrupts (say {@code while (true) {}}) kept it alive for ever. (Such code still runs on after
 * an interrupt, as in the original: cancelling only sets the thread's interrupt flag.)
 *
 * <p>Shift-tab in a notebook shows the Javadoc of the course library ({@link #useSourcesForJavadoc}): the
 * kernel's JShell looks for Javadoc only in the JDK's src.zip, so without this it showed signatures only.
 * The kernel's JShell loads this class when it starts, before any cell or shift-tab, so a static
 * initializer is the place for it.
 *
 * <p>Checked with ci/kernel/check_startup.py --interrupt, the Javadoc with ci/kernel/check_other_kernel.py.
 * NOTE: a drop-in class must keep the original's fields and members one for one (install.sh checks them
 * with javap), so apart from stop, the thread factory and the private Javadoc set-up this file follows the
 * upstream class; the fixes belong upstream.
 */
public class RapaioExecutionControl extends DirectExecutionControl {

    public static final String TIMEOUT_MARKER = "## Timeout Marker ##";
    public static final String INTERRUPTED_MARKER = "## Interrupted Marker ##";
    private static final AtomicInteger ID = new AtomicInteger(0);

    private final ExecutorService executor;
    private final long timeoutTime;
    private final ConcurrentMap<String, Future<Object>> running = new ConcurrentHashMap<>();
    private final Map<String, Object> results = new ConcurrentHashMap<>();

    static {
        useSourcesForJavadoc(); // NOTE: ours, see the class comment
    }

    /**
     * NOTE: ours. JShell's SourceCodeAnalysisImpl finds Javadoc in the JDK's src.zip only, unless its private
     * static list "availableSourcesOverride" (there for JShell's own tests) names the source folders. The
     * kernelspec names the course library's sources in the system property dl.kernel.sources
     * (ci/kernel/install.sh); they go on that list after the JDK's own. Needs
     * {@code --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED} (in the kernelspec); without it, or on a JDK
     * without the field, shift-tab shows signatures only, as before, and the kernel's log says why.
     */
    private static void useSourcesForJavadoc() {
        String extra = System.getProperty("dl.kernel.sources");
        if (extra == null || extra.isBlank()) {
            return;
        }
        List<Path> sources = new ArrayList<>();
        Path srcZip = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        if (Files.isReadable(srcZip)) {
            try {
                FileSystem zip = FileSystems.newFileSystem(srcZip); // open for the kernel's life, as JShell's
                try (Stream<Path> modules = Files.list(zip.getPath("/"))) {
                    modules.filter(Files::isDirectory).forEach(sources::add); // java.base/, java.desktop/, ...
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("dl: no JDK Javadoc on shift-tab (" + srcZip + ": " + e + ")");
            }
        }
        for (String path : extra.split(File.pathSeparator)) {
            if (!path.isBlank()) {
                sources.add(Path.of(path));
            }
        }
        try {
            Field override = Class.forName("jdk.jshell.SourceCodeAnalysisImpl")
                    .getDeclaredField("availableSourcesOverride");
            override.setAccessible(true);
            override.set(null, List.copyOf(sources));
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("dl: no Javadoc of the course library on shift-tab (" + e + ")");
        }
    }

    public RapaioExecutionControl(long timeoutTime) {
        this.timeoutTime = timeoutTime;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "Engine-thread-" + ID.getAndIncrement());
            thread.setDaemon(true); // NOTE: the original's were not; see the class comment
            return thread;
        });
    }

    public long getTimeout() {
        return timeoutTime;
    }

    public Object takeResult(String key) {
        Object result = this.results.remove(key);
        if (result == null) {
            throw new IllegalStateException("No result with key: " + key);
        }
        return result;
    }

    @Override
    protected String invoke(Method methodCall) throws Exception {
        String id = UUID.randomUUID().toString();
        Object value = execute(id, methodCall);
        results.put(id, value);
        return id;
    }

    private Object execute(String id, Method methodCall) throws Exception {
        Future<Object> runningTask = this.executor.submit(() -> methodCall.invoke(null));

        running.put(id, runningTask);

        try {
            if (timeoutTime > 0) {
                return runningTask.get(this.timeoutTime, TimeUnit.MILLISECONDS);
            }
            return runningTask.get();
        } catch (CancellationException e) {
            if (executor.isShutdown()) {
                throw new StoppedException();
            } else {
                throw new UserException("Execution interrupted.", INTERRUPTED_MARKER, e.getStackTrace());
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InvocationTargetException) {
                cause = cause.getCause();
            }
            if (cause == null) {
                throw new UserException("null", "Unknown Invocation Exception", e.getStackTrace());
            } else if (cause instanceof SPIResolutionException spiResCause) {
                throw new ResolutionException(spiResCause.id(), cause.getStackTrace());
            } else {
                throw new UserException(cause.getMessage(), cause.getClass().getName(), cause.getStackTrace());
            }
        } catch (TimeoutException e) {
            throw new UserException("Execution timed out", TIMEOUT_MARKER, e.getStackTrace());
        } finally {
            running.remove(id, runningTask);
        }
    }

    public void interrupt() {
        running.forEach((id, future) -> future.cancel(true));
    }

    @Override
    public void stop() {
        // NOTE: the original shut the executor down (shutdown, 500 ms, shutdownNow); see the class comment.
        interrupt();
    }
}

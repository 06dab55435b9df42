package org.rapaio.jupyter.kernel.channels;

/**
 * Drop-in replacement for the class of the same name in rapaio-jupyter-kernel (checked: 2.3.0, 3.0.1),
 * put in front of the kernel jar on the class path by ci/kernel/install.sh. Same constructor and
 * methods, so the kernel's own classes link to it.
 *
 * <p>Why: the kernel's channel loops (shell, control, heartbeat) run in these threads, and two start-up
 * races could end one of them for good, after which Jupyter waits "for the kernel to start" forever
 * (shell) or interrupt/shutdown are ignored (control). On a 2-core machine about 1 start in 6 hung.
 * <ol>
 *   <li>The original sets its {@code running} flag only after {@code Thread.start()}; a thread scheduled
 *       first sees {@code false} and exits. Here the flag is set before the thread starts.</li>
 *   <li>The sockets are bound before the message handlers exist, so an early request (Jupyter's first
 *       kernel_info_request) throws a NullPointerException in the loop body, which killed the thread.
 *       Here an exception is reported and the loop goes on. (That request was still lost; the patched
 *       {@link Channels} now installs the handlers before binding, so it no longer happens.)</li>
 * </ol>
 */
public final class LoopThread extends Thread {

    private volatile boolean running = false;
    private final long sleepMillis;
    private final Runnable body;

    public LoopThread(String name, long sleepMillis, Runnable body) {
        super(name);
        this.sleepMillis = sleepMillis;
        this.body = body;
    }

    @Override
    public void run() {
        while (running) {
            try {
                body.run();
            } catch (RuntimeException e) {
                System.err.println("[" + getName() + "] message loop error (continuing): " + e);
            }
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true; // before the thread can look at it
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}

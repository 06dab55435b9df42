package org.rapaio.jupyter.kernel.channels;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.Stack;

import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.RapaioKernel;
import org.rapaio.jupyter.kernel.message.ContentType;
import org.rapaio.jupyter.kernel.message.HMACDigest;
import org.rapaio.jupyter.kernel.message.Message;
import org.rapaio.jupyter.kernel.message.MessageId;
import org.rapaio.jupyter.kernel.message.MessageType;
import org.rapaio.jupyter.kernel.message.messages.ErrorReply;
import org.rapaio.jupyter.kernel.message.messages.IOPubStatus;
import org.rapaio.jupyter.kernel.message.messages.IOPubStream;
import org.rapaio.org.zeromq.ZMQ;

/**
 * Drop-in replacement for the class of the same name in rapaio-jupyter-kernel (checked: 3.0.1), put in
 * front of the kernel jar on the class path by ci/kernel/install.sh. Same constructor and non-private
 * methods as the original; {@link #connect} differs (1), and the request state is kept per channel (2).
 *
 * <p>(1) Start-up race. The original {@code connect} binds every socket first, which starts the shell and
 * control loop threads, and only then creates the message handler map and fills it. A request that is
 * already waiting (Jupyter sends kernel_info_request as soon as it has launched the kernel) is read by the
 * shell loop before that: {@code getHandler} throws "this.handlers is null", or finds the map still being filled and
 * logs "Unhandled message: kernel_info_request". Either way the request is consumed and never answered.
 * nbclient asks again and hardly notices; the Notebook server waits 60 s for kernel_info_reply, so the
 * notebook shows a dead kernel for a minute. Measured with ci/kernel/check_startup.py on 2 cores with one
 * busy: 8 and 7 of 20 first requests lost before this patch, 0 of 80 after.
 *
 * <p>Here the handlers are all in place before any socket is bound, so before any loop thread starts
 * ({@code Thread.start} makes them visible to it), and messages waiting in a socket are handled once the
 * loop reads them. IOPub is bound first and announces "starting" before shell and control are bound, so
 * that status still comes before any busy/idle of a request, as it did in the original.
 *
 * <p>(2) Interrupt and shutdown replies. The shell and control loops run in two threads, but the original
 * keeps one current request ({@code msgId}, the parent of every reply and IOPub message) and one stack of
 * after-actions for both, and {@link #reply} always sends on the shell socket. So an interrupt_request,
 * handled on control while a cell runs on shell, (a) replaced the cell's parent, (b) ran the cell's pending
 * after-actions on the control thread (its "idle", the restore of System.out/err/in, and freeMsgId, which
 * left the cell's later error and execute_reply without a parent, so ZMQ could not route them), and (c)
 * sent interrupt_reply (likewise shutdown_reply) on the shell socket, where the control client's identity
 * is unknown. The interrupt itself worked, but the interrupted cell never got its execute_reply and stayed
 * [*] in the browser; no interrupt_reply or shutdown_reply ever arrived. Here the control loop thread has
 * its own request and after-action stack, and replies from it go on the control socket, as Jupyter's
 * messaging protocol asks. That thread is recognised when {@link #setMsgId} is called from
 * {@link ControlChannel}'s loop (before each control request is handled); every other thread (the shell
 * loop, and the threads running user code, which print and call display) uses the shell's request, as
 * before. Checked with ci/kernel/check_startup.py --interrupt (fails without this, passes with it).
 *
 * <p>(3) Exit after shutdown. The kernel never calls System.exit: the JVM ends when the loop threads
 * do, after {@link #close} has closed the sockets and the ZeroMQ context, which it does from the loop
 * thread that handled the shutdown while the other loops may still be polling their sockets. Under load,
 * 1 shutdown in about 50 (CI's start-up check, 2026-12-07) left the process alive for more than 10 s
 * after the shutdown_reply. Once close begins, nothing is owed to anyone, so a daemon watchdog ends the
 * process 2 s later if it is still there (Jupyter would otherwise kill it after its own timeout).
 *
 * <p>NOTE: a drop-in class must keep the original's fields and members one for one (install.sh checks
 * them with javap), so apart from (1), (2) and (3) this file follows the upstream class; the fixes belong
 * upstream.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
public final class Channels {

    private final ConnectionProperties connProps;

    private final ZMQ.Context ctx;

    private final HeartbeatChannel heartbeat;
    private final ShellChannel shell;
    private final ControlChannel control;
    private final StdinChannel stdin;
    private final IOPubChannel iopub;

    private final Set<AbstractChannel> channels;
    // NOTE: the original had one stack and one msgId for all threads; see (2) in the class comment.
    // Shell's: used by the shell loop thread and every thread other than control's.
    private final Stack<Runnable> afterActions = new Stack<>();
    private volatile MessageId<?> msgId;
    // Control's: used only by the control loop thread.
    private final Stack<Runnable> controlAfterActions = new Stack<>();
    private MessageId<?> controlMsgId;
    private volatile Thread controlThread;
    // NOTE: not static: a static initializer would add a member that install.sh's javap check rejects.
    private final StackWalker stack = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    // NOTE: volatile and assigned only when complete; loop threads started later see it anyway.
    private volatile Map<MessageType<?>, MessageHandler> handlers;

    private boolean isConnected = false;
    private boolean requestShutdown = false;

    public Channels(ConnectionProperties connProps) throws NoSuchAlgorithmException, InvalidKeyException {
        this.connProps = connProps;
        ctx = ZMQ.context(1);

        HMACDigest hmacDigest = connProps.createHMACDigest();

        heartbeat = new HeartbeatChannel(this, ctx, hmacDigest);
        shell = new ShellChannel(this, ctx, hmacDigest, this);
        control = new ControlChannel(this, ctx, hmacDigest);
        stdin = new StdinChannel(this, ctx, hmacDigest);
        iopub = new IOPubChannel(this, ctx, hmacDigest);

        channels = Set.of(heartbeat, shell, control, stdin, iopub);
    }

    public void connect(RapaioKernel kernel) {
        if (!isConnected) {
            // NOTE: the original did all of this after binding; see the class comment.
            kernel.registerChannels(this);

            Map<MessageType<?>, MessageHandler> map = new HashMap<>();
            map.put(MessageType.SHELL_EXECUTE_REQUEST, kernel::handleExecuteRequest);
            map.put(MessageType.SHELL_INSPECT_REQUEST, kernel::handleInspectRequest);
            map.put(MessageType.SHELL_COMPLETE_REQUEST, kernel::handleCompleteRequest);
            map.put(MessageType.SHELL_HISTORY_REQUEST, kernel::handleHistoryRequest);
            map.put(MessageType.SHELL_IS_COMPLETE_REQUEST, kernel::handleIsCompleteRequest);
            map.put(MessageType.SHELL_KERNEL_INFO_REQUEST, kernel::handleKernelInfoRequest);
            map.put(MessageType.CONTROL_SHUTDOWN_REQUEST, kernel::handleShutdownRequest);
            map.put(MessageType.CONTROL_INTERRUPT_REQUEST, kernel::handleInterruptRequest);
            map.put(MessageType.CUSTOM_COMM_OPEN, kernel::handleCommOpenCommand);
            map.put(MessageType.CUSTOM_COMM_MSG, kernel::handleCommMsgCommand);
            map.put(MessageType.CUSTOM_COMM_CLOSE, kernel::handleCommCloseCommand);
            map.put(MessageType.SHELL_COMM_INFO_REQUEST, kernel::handleCommInfoRequest);
            handlers = map;

            iopub.bind(connProps);
            iopub.sendMessage(new Message<>(MessageType.IOPUB_STATUS, IOPubStatus.STARTING));
            channels.stream().filter(c -> c != iopub).forEach(c -> c.bind(connProps));

            isConnected = true;
        }
    }

    public <T> MessageHandler<T> getHandler(MessageType<T> type) {
        return handlers.get(type);
    }

    public void close() {
        // NOTE: ours, see (3) in the class comment.
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("[Channels] still running 2 s after shutdown began; exiting");
            Runtime.getRuntime().halt(0);
        }, "shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        channels.forEach(AbstractChannel::close);
        ctx.close();
    }

    public void joinUntilClose() {
        channels.forEach(AbstractChannel::joinUntilClose);
    }

    /** Whether the calling thread is the control loop's (see (2) in the class comment). */
    private boolean onControl() {
        return Thread.currentThread() == controlThread;
    }

    /** The request the calling thread's messages answer: control's on the control loop, else shell's. */
    private MessageId<?> currentMsgId() {
        return onControl() ? controlMsgId : msgId;
    }

    public boolean hasMsgId() {
        return currentMsgId() != null;
    }

    public void setMsgId(MessageId<?> msgId) {
        // NOTE: the control loop calls this (and nothing else does from its thread) before each request.
        if (onControl() || stack.getCallerClass() == ControlChannel.class) {
            controlThread = Thread.currentThread();
            controlMsgId = msgId;
        } else {
            this.msgId = msgId;
        }
    }

    public void freeMsgId() {
        if (onControl()) {
            controlMsgId = null;
        } else {
            this.msgId = null;
        }
    }

    public void markForShutdown() {
        requestShutdown = true;
    }

    public boolean isMarkedForShutdown() {
        return requestShutdown;
    }

    public void writeToStdOut(String msg) {
        publish(new IOPubStream(IOPubStream.StreamName.OUT, msg));
    }

    public void writeToStdErr(String msg) {
        publish(new IOPubStream(IOPubStream.StreamName.ERR, msg));
    }

    public String readFromStdIn() {
        return stdin.getInput(currentMsgId(), "", false);
    }

    public <T extends ContentType<T>> void publish(T content) {
        iopub.sendMessage(new Message<>(currentMsgId(), content.type(), content));
    }

    // NOTE: the original always replied on the shell socket; see (2) in the class comment.
    public <T extends ContentType<T>> void reply(T content) {
        (onControl() ? control : shell).sendMessage(new Message<>(currentMsgId(), content.type(), content));
    }

    public void replyError(MessageType<?> type, ErrorReply error) {
        (onControl() ? control : shell).sendMessage(new Message(currentMsgId(), type, error));
    }

    public void scheduleAfter(Runnable action) {
        (onControl() ? controlAfterActions : afterActions).push(action);
    }

    public void runAfterActions() {
        Stack<Runnable> actions = onControl() ? controlAfterActions : afterActions;
        while (!actions.isEmpty()) {
            actions.pop().run();
        }
    }

    public void busyThenIdle() {
        publish(IOPubStatus.BUSY);
        scheduleAfter(() -> publish(IOPubStatus.IDLE));
    }
}

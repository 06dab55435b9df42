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
 * front of the kernel jar on the class path by ci/kernel/install.sh. Same fields, constructor and methods
 * as the original; only {@link #connect} differs.
 *
 * <p>Why: the original {@code connect} binds every socket first, which starts the shell and control loop
 * threads, and only then creates the message handler map and fills it. A request that is already waiting
 * (Jupyter sends kernel_info_request as soon as it has launched the kernel) is read by the shell loop
 * before that: {@code getHandler} throws "this.handlers is null", or finds the map still being filled and
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
 * <p>NOTE: a drop-in class must keep the original's fields and members one for one (install.sh checks
 * them with javap), so apart from connect this file follows the upstream class; the fix belongs upstream.
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
    private final Stack<Runnable> afterActions = new Stack<>();

    // NOTE: volatile and assigned only when complete; loop threads started later see it anyway.
    private volatile Map<MessageType<?>, MessageHandler> handlers;
    private MessageId<?> msgId;

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
        channels.forEach(AbstractChannel::close);
        ctx.close();
    }

    public void joinUntilClose() {
        channels.forEach(AbstractChannel::joinUntilClose);
    }

    public boolean hasMsgId() {
        return msgId != null;
    }

    public void setMsgId(MessageId<?> msgId) {
        this.msgId = msgId;
    }

    public void freeMsgId() {
        this.msgId = null;
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
        return stdin.getInput(msgId, "", false);
    }

    public <T extends ContentType<T>> void publish(T content) {
        iopub.sendMessage(new Message<>(msgId, content.type(), content));
    }

    public <T extends ContentType<T>> void reply(T content) {
        shell.sendMessage(new Message<>(msgId, content.type(), content));
    }

    public void replyError(MessageType<?> type, ErrorReply error) {
        shell.sendMessage(new Message(msgId, type, error));
    }

    public void scheduleAfter(Runnable action) {
        afterActions.push(action);
    }

    public void runAfterActions() {
        while (!afterActions.isEmpty()) {
            afterActions.pop().run();
        }
    }

    public void busyThenIdle() {
        publish(IOPubStatus.BUSY);
        scheduleAfter(() -> publish(IOPubStatus.IDLE));
    }
}

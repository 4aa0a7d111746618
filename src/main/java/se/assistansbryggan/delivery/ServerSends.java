package se.assistansbryggan.delivery;

import jakarta.jms.JMSException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.management.impl.ManagementRemotingConnection;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.persistence.CoreMessageObjectPools;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.utils.UUIDGenerator;

/**
 * A hand-off's transaction given to the embedded broker on the calling thread, through a broker
 * session of its own: the same session, security check, routing, duplicate detection, paging and
 * journal as a JMS client's, without the in-VM transport between them. Over that transport each
 * message and the commit went through two more threads on the way in and one on the way out (at
 * 300 messages a second the wake-ups cost more than the broker's work). The messages are the ones
 * a JMS producer would have made: text or empty, durable, with a message id, priority and expiry.
 * A transaction with a text above the JMS client's large-message size is not taken here
 * ({@link #carries}): over JMS it is kept as a large message, on disk rather than in memory.
 *
 * <p>Two differences from a JMS producer: a disk beyond the broker's limit fails the hand-off at
 * once (BROKER_UNAVAILABLE) rather than making it wait for credits; and the time limit bounds the
 * wait for the journal, not the routing before it, which runs on the calling thread (it waits only
 * where the broker's own threads would have: its storage lock, its page writer's credits).
 */
final class ServerSends {
    private final ActiveMQServer server;
    private final String user;
    private final String password;
    private final long timeoutMillis;
    private final String sessionPrefix;
    /** One broker session per hand-off thread, as the JMS path keeps one JMS session per thread. */
    private final ThreadLocal<Open> sessions = new ThreadLocal<>();
    /** Every session open, to be closed with the hand-off. */
    private final java.util.Set<Open> opened = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Texts from this size on (in the two bytes a character the broker stores) go over JMS, as large messages. */
    private static final int LARGE_BYTES = org.apache.activemq.artemis.api.core.client.ActiveMQClient.DEFAULT_MIN_LARGE_MESSAGE_SIZE;

    /**
     * @param sessions what the names of its broker sessions begin with (an operator or a test tells
     *     the hand-offs' sessions from the receipt mover's)
     */
    ServerSends(ActiveMQServer server, String user, String password, long timeoutMillis, String sessions) {
        this.sessionPrefix = sessions;
        this.server = server;
        this.user = user;
        this.password = password;
        this.timeoutMillis = timeoutMillis;
    }

    /** A thread's broker session, and the storage of the broker run it was opened in (a restarted broker has new storage). */
    private record Open(ServerSession session, OperationContext context, StorageManager storage, CoreMessageObjectPools pools) {}

    /** Whether this transaction is taken here: none of its texts is as large as the JMS client's large messages. */
    static boolean carries(List<Handoff.Outgoing> outgoing) {
        for (Handoff.Outgoing out : outgoing) {
            if (out.text() != null && 2L * out.text().length() + 1024 >= LARGE_BYTES) {
                return false;
            }
        }
        return true;
    }

    /**
     * Routes the messages in one transaction and returns when the broker has stored them all (its
     * journal and page files synced), as a JMS commit does.
     *
     * @throws Handoff.AlreadyStored when the broker's duplicate detection refused the transaction
     * @throws JMSException when the broker could not store it (nothing of it is kept), or a
     *     {@link Handoff.OutcomeUnknown} when its commit failed without the broker refusing it, or was
     *     not seen to be stored in time (it may be stored after all)
     */
    void commit(List<Handoff.Outgoing> outgoing) throws JMSException, Handoff.AlreadyStored {
        store((open, now) -> {
            for (Handoff.Outgoing out : outgoing) {
                open.session().send(message(out, now, open.pools()), false, null);
            }
        });
    }

    /**
     * Routes messages the broker already holds, copied (each with the address it is to go to), in
     * one transaction, and returns when the broker has stored them all.
     */
    void commitCopies(List<Message> copies) throws JMSException, Handoff.AlreadyStored {
        store((open, now) -> {
            for (Message copy : copies) {
                open.session().send(copy, false, null);
            }
        });
    }

    @FunctionalInterface
    private interface Sends {
        void into(Open open, long now) throws Exception;
    }

    private void store(Sends sends) throws JMSException, Handoff.AlreadyStored {
        StorageManager storage = server.getStorageManager();
        if (!server.isActive() || storage == null) {
            throw new JMSException("the embedded broker is not running");
        }
        Open open = null;
        boolean ended = false;
        boolean committing = false;
        try {
            open = session(storage);
            storage.setContext(open.context());
            sends.into(open, System.currentTimeMillis());
            committing = true;
            open.session().commit();
            awaitStored(storage, timeoutMillis);
            ended = true;
        } catch (Exception e) {
            if (isDuplicate(e)) {
                // the broker rolled the transaction back and gave the session a new one
                ended = true;
                throw new Handoff.AlreadyStored(e);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            String reason = e instanceof TimeoutException
                    ? "the broker did not store the hand-off within " + timeoutMillis + " ms" : String.valueOf(cause.getMessage());
            // a failed send stored nothing, nor a commit the broker refused; one that failed otherwise, or whose storing was not
            // seen to end, may be stored after all
            JMSException failed = committing && !Handoff.answeredWithFailure(cause) ? new Handoff.OutcomeUnknown(reason)
                    : new JMSException(reason);
            failed.setLinkedException(cause instanceof Exception x ? x : e);
            failed.initCause(cause);
            throw failed;
        } finally {
            if (!ended) {
                // whatever stopped it, an Error too: no message of this transaction may go with the thread's next one
                discard(open);
            }
            storage.clearContext();
        }
    }

    /**
     * Returns when the broker has stored what this thread's operation context has done so far (its
     * journal and page files synced).
     *
     * @throws TimeoutException after {@code timeoutMillis}, the operations still under way
     * @throws ExecutionException when the broker could not store them
     */
    static void awaitStored(StorageManager storage, long timeoutMillis) throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        storage.afterCompleteOperations(new IOCallback() {
            @Override
            public void done() {
                stored.complete(null);
            }

            @Override
            public void onError(int code, String message) {
                stored.completeExceptionally(new IllegalStateException("the broker could not store it: " + message));
            }
        });
        stored.get(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private static Message message(Handoff.Outgoing out, long now, CoreMessageObjectPools pools) {
        // the broker gives it its id when it is sent
        CoreMessage message = new CoreMessage(0, encodedSize(out));
        message.setType(out.text() == null ? Message.DEFAULT_TYPE : Message.TEXT_TYPE);
        message.setDurable(true);
        message.setTimestamp(now);
        message.setPriority((byte) out.priority());
        message.setUserID(UUIDGenerator.getInstance().generateUUID());
        if (out.timeToLiveMillis() > 0) {
            message.setExpiration(now + out.timeToLiveMillis());
        }
        out.strings().forEach(message::putStringProperty);
        out.longs().forEach(message::putLongProperty);
        if (out.text() != null) {
            message.getBodyBuffer().writeNullableSimpleString(SimpleString.of(out.text()));
        }
        message.setAddress(out.queue());
        message.setRoutingType(RoutingType.ANYCAST);
        message.getEncodeSize();
        // kept as the broker keeps a message it received: read back from its encoding, its property names and short
        // values shared from the pools, its buffer of the encoding's size. The message as built took some 3.4 KB of
        // heap for a follow-up clock, which waits in memory for days; received, 1.9 KB (measured for 50,000)
        CoreMessage received = new CoreMessage(pools);
        received.receiveBuffer(message.getBuffer().copy(0, message.getBuffer().writerIndex()));
        return received;
    }

    /** What the message takes encoded (two bytes a character, as the broker stores text), with room to spare: built once, not grown. */
    private static int encodedSize(Handoff.Outgoing out) {
        int chars = out.queue().length() + (out.text() == null ? 0 : out.text().length());
        for (var property : out.strings().entrySet()) {
            chars += property.getKey().length() + (property.getValue() == null ? 0 : property.getValue().length());
        }
        for (String key : out.longs().keySet()) {
            chars += key.length() + 8;
        }
        int properties = out.strings().size() + out.longs().size();
        return 2 * chars + 16 * properties + 256;
    }

    private Open session(StorageManager storage) throws Exception {
        Open open = sessions.get();
        if (open != null && open.storage() != storage) {
            discard(open);
            open = null;
        }
        if (open == null) {
            ManagementRemotingConnection connection = new ManagementRemotingConnection();
            String validated = server.validateUser(user, password, connection, null);
            OperationContext context = server.newOperationContext();
            ServerSession session = server.createSession(sessionPrefix + UUIDGenerator.getInstance().generateStringUUID(),
                    user, password, Integer.MAX_VALUE, connection, false, false, false, false, null, connection.callback,
                    false, context, Map.of(), null, validated, false);
            open = new Open(session, context, storage, new CoreMessageObjectPools());
            sessions.set(open);
            opened.add(open);
        }
        return open;
    }

    /** Drops a session that failed (its transaction rolled back); the next hand-off on this thread opens another. */
    private void discard(Open open) {
        sessions.remove();
        if (open != null) {
            opened.remove(open);
            try {
                open.session().rollback(false);
                open.session().close(false);
            } catch (Exception ignored) {
                // the broker is going or gone; the session goes with it
            }
        }
    }

    /** Closes every session this hand-off opened (their threads open new ones if they hand off again). */
    void close() {
        for (Open open : List.copyOf(opened)) {
            opened.remove(open);
            try {
                open.session().close(false);
            } catch (Exception ignored) {
                // the broker is stopping or stopped; its sessions go with it
            }
        }
    }

    private static boolean isDuplicate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException) {
                return true;
            }
        }
        return false;
    }
}

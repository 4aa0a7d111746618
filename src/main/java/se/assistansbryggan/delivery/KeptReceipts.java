package se.assistansbryggan.delivery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the embedded broker keeps a hand-off's receipt first, and the mover that takes receipts
 * from there to their buckets in batches.
 *
 * <p>A bucket holds far more receipts than the broker's memory, so it pages: a receipt handed off
 * straight to its bucket was written to the bucket's page file in its own transaction, and the
 * commit waited for that file's sync (sixteen buckets, so no two receipts shared one): a sync, two
 * thread hand-offs and a wait per message. Kept on {@value Handoff#RECENT_RECEIPTS} instead, a
 * receipt is stored by the journal sync its transaction makes anyway; every
 * {@value #PERIOD_MILLIS} ms the mover copies what has arrived to the buckets in one transaction
 * (one page sync per bucket for the lot), and then deletes what it copied. A receipt is thus
 * always on one of the two queues, for a while on both: a lookup reads the recent queue first,
 * then the bucket.
 *
 * <p>Duplicate detection is per address: the recent queue remembers the ids it was given (the
 * transaction's one id, as the buckets do), and the mover gives each copy the id it had, so its
 * bucket remembers it from then on. A hand-off asks both first ({@link #kept}): the recent queue
 * for ids not yet moved, the bucket for ids moved (and those kept by versions before this one).
 * The recent queue remembers {@value #RECENT_IDS} ids; a hand-off keeps its receipt on the recent
 * queue only while fewer than {@value #LAG_LIMIT} wait there to be moved, so an id leaves that
 * memory only once it is in its bucket's. A mover that falls behind (or fails) therefore slows
 * the hand-offs to what they cost before, never lets an id through twice.
 *
 * <p>Only with the embedded broker: a hand-off to an external broker, which several gateway
 * instances share, keeps its receipt in the bucket at once.
 */
final class KeptReceipts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeptReceipts.class);
    /** How often the mover looks for receipts to move. */
    static final long PERIOD_MILLIS = 500;
    /** The ids the recent queue remembers. */
    static final int RECENT_IDS = 20_000;
    /** Receipts waiting to be moved from which on a hand-off keeps its receipt in its bucket at once. */
    static final int LAG_LIMIT = RECENT_IDS / 4;
    /** At most this many receipts are moved in one transaction. */
    private static final int BATCH = 4_000;
    private static final SimpleString RECENT = SimpleString.of(Handoff.RECENT_RECEIPTS);

    /**
     * One move at a time on a broker, whichever hand-off's mover makes it (a test may open a second
     * hand-off on the gateway's broker): a copy is routed only once the last move's are stored and
     * its bucket remembers their ids, so no receipt is copied twice.
     */
    private static final Map<ActiveMQServer, Object> MOVES = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private final ActiveMQServer server;
    private final ServerSends sends;
    private final boolean moving;
    private final ScheduledExecutorService mover;
    private final int lagLimit;
    /** Since when moves fail (0: they do not), and when that was last said in the log. */
    private volatile long failingSince;
    private long saidAt;

    /**
     * @param moving whether a thread of its own moves receipts every {@value #PERIOD_MILLIS} ms
     *     (a test that wants to see them where they are first calls {@link #move} itself)
     * @param lagLimit receipts waiting to be moved from which on a hand-off keeps its own in its bucket at
     *     once ({@link #LAG_LIMIT}; at most {@link #RECENT_IDS}, less the hand-offs that may run at once)
     */
    KeptReceipts(ActiveMQServer server, ServerSends sends, boolean moving, int lagLimit) {
        this.lagLimit = lagLimit;
        this.server = server;
        this.sends = sends;
        this.moving = moving;
        if (moving) {
            this.mover = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "receipt-mover");
                thread.setDaemon(true);
                return thread;
            });
            mover.scheduleWithFixedDelay(this::moveQuietly, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            this.mover = null;
        }
    }

    /** The recent queue's own address settings: its memory and its ids (the rest as the buckets'). */
    static org.apache.activemq.artemis.core.settings.impl.AddressSettings settings(long maxBytes) {
        return new org.apache.activemq.artemis.core.settings.impl.AddressSettings().setMaxSizeBytes(maxBytes).setIDCacheSize(RECENT_IDS);
    }

    /**
     * Whether the broker already keeps a receipt for this duplicate id: on the recent queue or in
     * the bucket (the broker's own check, made here for both addresses before the transaction
     * routes to one of them).
     */
    boolean kept(String duplicateId, String bucket) {
        if (!server.isActive() || server.getPostOffice() == null) {
            // the hand-off fails on the stopped broker itself
            return false;
        }
        byte[] id = SimpleString.of(duplicateId).getData();
        var postOffice = server.getPostOffice();
        return postOffice.getDuplicateIDCache(RECENT).contains(id) || postOffice.getDuplicateIDCache(SimpleString.of(bucket)).contains(id);
    }

    /** The queue a hand-off's receipt goes to: the recent one, or its bucket while the mover lags behind. */
    String queueFor(String bucket) {
        Queue recent = server.isActive() ? server.locateQueue(RECENT) : null;
        return recent != null && recent.getMessageCount() < lagLimit ? Handoff.RECENT_RECEIPTS : bucket;
    }

    private void moveQuietly() {
        try {
            int moved = move();
            if (failingSince != 0) {
                LOG.info("kept receipts are moved to their buckets again ({} now, after {} s)", moved,
                        (System.currentTimeMillis() - failingSince) / 1000);
                failingSince = 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            if (Thread.currentThread().isInterrupted() || mover.isShutdown()) {
                // stopped while it waited for the broker: what is left is moved at the next start
                return;
            }
            long now = System.currentTimeMillis();
            if (failingSince == 0) {
                failingSince = now;
            }
            if (now - saidAt >= 60_000) {
                saidAt = now;
                // nothing is lost: the receipts stay on the recent queue, and past the lag limit hand-offs keep theirs in the buckets
                LOG.warn("kept receipts could not be moved to their buckets for {} s ({} wait on {}); trying again every {} ms",
                        (now - failingSince) / 1000, waiting(), Handoff.RECENT_RECEIPTS, PERIOD_MILLIS, e);
            }
        }
    }

    private long waiting() {
        Queue recent = server.isActive() ? server.locateQueue(RECENT) : null;
        return recent == null ? -1 : recent.getMessageCount();
    }

    /**
     * Moves up to a batch of receipts from the recent queue to their buckets: copies them in one
     * transaction, waits until the broker has stored it, then deletes what it copied. A receipt
     * whose bucket already remembers its id was copied before a crash took the delete: it is only
     * deleted. One past its time is only deleted.
     *
     * @return how many receipts left the recent queue
     */
    int move() throws Exception {
        synchronized (MOVES.computeIfAbsent(server, s -> new Object())) {
            return moveBatch();
        }
    }

    private int moveBatch() throws Exception {
        Queue recent = server.isActive() ? server.locateQueue(RECENT) : null;
        if (recent == null) {
            return 0;
        }
        List<Message> found = new ArrayList<>();
        try (LinkedListIterator<MessageReference> refs = recent.browserIterator()) {
            while (refs.hasNext() && found.size() < BATCH) {
                found.add(refs.next().getMessage());
            }
        }
        if (found.isEmpty()) {
            return 0;
        }
        List<Message> copies = copies(found);
        try {
            if (!copies.isEmpty()) {
                sends.commitCopies(copies);
            }
        } catch (Handoff.AlreadyStored one) {
            // a bucket learnt one of these ids since it was asked (it cannot, while the lag limit holds): each on its own
            for (Message receipt : found) {
                try {
                    List<Message> copy = copies(List.of(receipt));
                    if (!copy.isEmpty()) {
                        sends.commitCopies(copy);
                    }
                } catch (Handoff.AlreadyStored kept) {
                    // its bucket keeps it already
                }
            }
        }
        Set<Long> leaving = new HashSet<>();
        found.forEach(receipt -> leaving.add(receipt.getMessageID()));
        recent.deleteMatchingReferences(BATCH, new Matching("receipts moved to their buckets", receipt -> leaving.contains(receipt.getMessageID())),
                AckReason.NORMAL);
        // the recent queue counts them gone once the delete is stored
        ServerSends.awaitStored(server.getStorageManager(), 5_000);
        return leaving.size();
    }

    /** Copies for their buckets of the receipts still to be moved: not past their time, not yet remembered by their bucket. */
    private List<Message> copies(List<Message> receipts) {
        var postOffice = server.getPostOffice();
        long now = System.currentTimeMillis();
        List<Message> copies = new ArrayList<>();
        for (Message receipt : receipts) {
            if (receipt.getExpiration() != 0 && receipt.getExpiration() <= now) {
                continue;
            }
            Object messageId = receipt.getObjectProperty(Handoff.MESSAGE_ID);
            String bucket = messageId == null ? Handoff.RECEIPTS : Handoff.receiptQueue(messageId.toString());
            byte[] id = receipt.getDuplicateIDBytes();
            if (id != null && postOffice.getDuplicateIDCache(SimpleString.of(bucket)).contains(id)) {
                continue;
            }
            // a large message's copy needs an id (and a file) of its own; a receipt is small, but one sent over JMS could be large
            Message copy = receipt.isLargeMessage() ? receipt.copy(server.getStorageManager().generateID()) : receipt.copy();
            copy.setAddress(bucket);
            copies.add(copy);
        }
        return copies;
    }

    @Override
    public void close() {
        boolean ended = true;
        if (mover != null) {
            mover.shutdown();
            try {
                if (!mover.awaitTermination(5, TimeUnit.SECONDS)) {
                    // a move still waiting for the broker: its copies may yet be stored, so no move after it here (the
                    // next start's mover finds their ids in the buckets and only deletes the originals)
                    ended = false;
                    mover.shutdownNow();
                    mover.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                ended = false;
                Thread.currentThread().interrupt();
            }
        }
        if (moving && ended) {
            // what is left goes to the buckets now: a version before this one looks for receipts there only
            try {
                for (int batches = 0; batches < 10 && move() > 0; batches++) {
                    // at most a batch a move; some thousands may wait
                }
            } catch (Exception | Error e) {
                LOG.warn("kept receipts left on {} at stop: this version moves them at its next start", Handoff.RECENT_RECEIPTS, e);
            }
        } else if (moving && waiting() > 0) {
            LOG.warn("{} kept receipts left on {} at stop: this version moves them at its next start", waiting(), Handoff.RECENT_RECEIPTS);
        }
        sends.close();
    }
}

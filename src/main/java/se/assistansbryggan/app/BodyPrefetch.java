package se.assistansbryggan.app;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.handlers.HttpContinueReadHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.cxf.transport.http_undertow.CXFUndertowHttpHandler;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;
import se.assistansbryggan.message.Refusal;

/**
 * Reads a request's whole body without a worker thread before a door sees it, so a sender that
 * trickles its bodies holds connections and buffers (both bounded: the body ceiling, and the
 * bulkhead's requests per party) but never the workers everyone else's messages need. The body
 * must arrive within the configured time; otherwise the sender gets a signed REQUEST_TIMEOUT (408)
 * and the connection is closed. A chunked body over the ceiling gets the signed MESSAGE_TOO_LARGE.
 * The door then reads the buffered body as if from the connection.
 */
final class BodyPrefetch implements CXFUndertowHttpHandler {
    private final Duration timeout;
    private final HttpRefusals refusals;
    private final int limit;
    /** A client that waits for "100 Continue" gets it when the reading begins. */
    private final HttpHandler continued = new HttpContinueReadHandler(this::read);
    private HttpHandler next;

    BodyPrefetch(Duration timeout, int limit, HttpRefusals refusals) {
        this.timeout = timeout;
        this.limit = limit;
        this.refusals = refusals;
    }

    @Override
    public void setNext(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isRequestComplete()) {
            next.handleRequest(exchange);
        } else {
            continued.handleRequest(exchange);
        }
    }

    private void read(HttpServerExchange exchange) throws Exception {
        new Read(exchange).start();
    }

    /**
     * One body being read: first what has already arrived (on the calling thread), then the rest
     * as it arrives (on the connection's I/O thread, where the deadline runs too, so the two never
     * race).
     */
    private final class Read implements ChannelListener<StreamSourceChannel> {
        private final HttpServerExchange exchange;
        private final StreamSourceChannel channel;
        private final List<PooledByteBuffer> buffers = new ArrayList<>();
        private XnioExecutor.Key deadline;
        /** Whether the reading goes on on the I/O thread (answers then go to a worker) or still on the caller's thread. */
        private boolean waiting;
        private boolean over;

        Read(HttpServerExchange exchange) {
            this.exchange = exchange;
            this.channel = exchange.getRequestChannel();
        }

        void start() throws Exception {
            if (drain()) {
                if (!over) {
                    over = true;
                    handOn();
                    next.handleRequest(exchange);
                }
                return;
            }
            waiting = true;
            channel.getReadSetter().set(this);
            deadline = exchange.getIoThread().executeAfter(this::timedOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
            channel.resumeReads();
        }

        @Override
        public void handleEvent(StreamSourceChannel ignored) {
            if (over || !drain() || over) {
                return;
            }
            over = true;
            deadline.remove();
            handOn();
            Connectors.executeRootHandler(next, exchange);
        }

        /** Reads what is there: true when the body is complete, or the read failed (then it is over and answered). */
        private boolean drain() {
            try {
                while (true) {
                    PooledByteBuffer last = buffers.isEmpty() ? null : buffers.get(buffers.size() - 1);
                    if (last == null || !last.getBuffer().hasRemaining()) {
                        last = exchange.getConnection().getByteBufferPool().allocate();
                        buffers.add(last);
                    }
                    int read = channel.read(last.getBuffer());
                    if (read == -1) {
                        return true;
                    }
                    if (read == 0) {
                        return false;
                    }
                }
            } catch (RequestTooBigException tooBig) {
                fail(() -> refusals.send(exchange, Refusal.MESSAGE_TOO_LARGE.because("the body is longer than "
                        + limit + " bytes"), Map.of()));
            } catch (IOException | RuntimeException gone) {
                // the client closed the connection, or broke the framing, before its body ended
                fail(() -> HttpRefusals.closeNow(exchange));
            }
            return true;
        }

        private void timedOut() {
            if (over) {
                return;
            }
            fail(() -> refusals.send(exchange, Refusal.REQUEST_TIMEOUT.because("the body did not arrive within " + timeout),
                    Map.of()));
        }

        /** Stops reading, frees the buffers, and answers on a worker. */
        private void fail(Runnable answer) {
            over = true;
            if (deadline != null) {
                deadline.remove();
            }
            stopReading();
            buffers.forEach(IoUtils::safeClose);
            buffers.clear();
            if (waiting) {
                exchange.getConnection().getWorker().execute(answer);
            } else if (exchange.isInIoThread()) {
                exchange.dispatch(answer);
            } else {
                answer.run();
            }
        }

        /** The door reads the buffered body as the request's. */
        private void handOn() {
            stopReading();
            List<PooledByteBuffer> filled = new ArrayList<>();
            for (PooledByteBuffer buffer : buffers) {
                buffer.getBuffer().flip();
                if (buffer.getBuffer().hasRemaining()) {
                    filled.add(buffer);
                } else {
                    buffer.close();
                }
            }
            buffers.clear();
            if (!filled.isEmpty()) {
                Connectors.ungetRequestBytes(exchange, filled.toArray(PooledByteBuffer[]::new));
            }
            Connectors.resetRequestChannel(exchange);
        }

        private void stopReading() {
            channel.getReadSetter().set(null);
            channel.suspendReads();
        }
    }
}

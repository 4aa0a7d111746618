package se.assistansbryggan.app;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.cxf.transport.http_undertow.CXFUndertowHttpHandler;
import se.assistansbryggan.message.Refusal;

/**
 * A hard ceiling on request bodies at the HTTP layer, so no door (the SOAP stack buffers whole
 * envelopes) can be made to read an unbounded body. A body declared larger than the ceiling is
 * not read at all: the sender gets HTTP 413 with the gateway's signed MESSAGE_TOO_LARGE receipt
 * (on the SOAP door as the operation's output, HTTP 200), and the connection is closed. A body that does not declare
 * its length is cut off at the ceiling; intake's own limit answers below it.
 */
final class BodyCeiling implements CXFUndertowHttpHandler {
    private final ToLongFunction<String> ceilingOfPath;
    private final int limit;
    private final HttpRefusals refusals;
    private HttpHandler next;

    /**
     * @param ceilingOfPath the most bytes a request to a path may declare
     * @param limit the message size limit the refusal names
     * @param refusals how a refusal is answered; null where none is signed (the console answers a bare 413)
     */
    BodyCeiling(ToLongFunction<String> ceilingOfPath, int limit, HttpRefusals refusals) {
        this.ceilingOfPath = ceilingOfPath;
        this.limit = limit;
        this.refusals = refusals;
    }

    @Override
    public void setNext(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long ceiling = ceilingOfPath.applyAsLong(exchange.getRequestPath());
        if (exchange.getRequestContentLength() > ceiling) {
            if (exchange.isInIoThread()) {
                // signing and auditing the refusal is worker's work, not the I/O thread's
                exchange.dispatch(() -> refuse(exchange));
            } else {
                refuse(exchange);
            }
            return;
        }
        exchange.setMaxEntitySize(ceiling);
        next.handleRequest(exchange);
    }

    private void refuse(HttpServerExchange exchange) {
        String channel = HttpRefusals.channelOf(exchange.getRequestPath());
        if (refusals == null || !("soap".equals(channel) || "post".equals(channel))) {
            exchange.setStatusCode(Refusal.MESSAGE_TOO_LARGE.httpStatus());
            exchange.setPersistent(false);
            exchange.endExchange();
            return;
        }
        refusals.send(exchange, Refusal.MESSAGE_TOO_LARGE.because("the body declares " + exchange.getRequestContentLength()
                + " bytes; the limit is " + limit + " bytes"), Map.of());
    }
}

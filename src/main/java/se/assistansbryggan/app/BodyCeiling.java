package se.assistansbryggan.app;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import org.apache.cxf.transport.http_undertow.CXFUndertowHttpHandler;

/**
 * A hard ceiling on request bodies at the HTTP layer, so no door (the SOAP stack buffers whole
 * envelopes) can be made to read an unbounded body. Intake's own, lower limit answers with a
 * signed MESSAGE_TOO_LARGE below this ceiling; above it Undertow cuts the request off.
 */
final class BodyCeiling implements CXFUndertowHttpHandler {
    private final long maxBytes;
    private HttpHandler next;

    BodyCeiling(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void setNext(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.getRequestContentLength() > maxBytes) {
            exchange.setStatusCode(413);
            exchange.setPersistent(false);
            exchange.endExchange();
            return;
        }
        exchange.setMaxEntitySize(maxBytes);
        next.handleRequest(exchange);
    }
}

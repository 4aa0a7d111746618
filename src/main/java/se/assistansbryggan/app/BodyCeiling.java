package se.assistansbryggan.app;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.util.function.ToLongFunction;
import org.apache.cxf.transport.http_undertow.CXFUndertowHttpHandler;
import org.w3c.dom.Document;
import se.assistansbryggan.intake.Receipts;
import se.assistansbryggan.intake.SoapRefusals;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.Submission;

/**
 * A hard ceiling on request bodies at the HTTP layer, so no door (the SOAP stack buffers whole
 * envelopes) can be made to read an unbounded body. A body declared larger than the ceiling is
 * not read at all: the sender gets HTTP 413 with the gateway's signed MESSAGE_TOO_LARGE receipt
 * (in a SOAP fault on the SOAP door), and the connection is closed. A body that does not declare
 * its length is cut off at the ceiling; intake's own limit answers below it.
 */
final class BodyCeiling implements CXFUndertowHttpHandler {
    private final ToLongFunction<String> ceilingOfPath;
    private final int limit;
    private volatile Receipts receipts;
    private HttpHandler next;

    /**
     * @param ceilingOfPath the most bytes a request to a path may declare
     * @param limit the message size limit the refusal names
     */
    BodyCeiling(ToLongFunction<String> ceilingOfPath, int limit) {
        this.ceilingOfPath = ceilingOfPath;
        this.limit = limit;
    }

    void refuseWith(Receipts receipts) {
        this.receipts = receipts;
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
        exchange.setStatusCode(Refusal.MESSAGE_TOO_LARGE.httpStatus());
        exchange.setPersistent(false);
        Receipts signer = receipts;
        String path = exchange.getRequestPath();
        if (signer == null || !(path.startsWith("/soap") || path.startsWith("/messages"))) {
            exchange.endExchange();
            return;
        }
        try {
            answer(exchange, signer, path.startsWith("/soap"));
        } catch (RuntimeException e) {
            exchange.endExchange();
            throw e;
        }
    }

    private void answer(HttpServerExchange exchange, Receipts signer, boolean soap) {
        RefusedException refusal = Refusal.MESSAGE_TOO_LARGE.because("the body declares " + exchange.getRequestContentLength()
                + " bytes; the limit is " + limit + " bytes");
        Document receipt = signer.refusal(refusal, new Submission(soap ? "soap" : "post", null), null);
        byte[] body = soap ? SoapRefusals.faultEnvelope(refusal, receipt) : SecureXml.serialize(receipt);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, soap ? "text/xml; charset=UTF-8" : "application/xml; charset=UTF-8");
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }
}

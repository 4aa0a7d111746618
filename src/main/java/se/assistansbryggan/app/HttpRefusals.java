package se.assistansbryggan.app;

import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.w3c.dom.Document;
import org.xnio.IoUtils;
import se.assistansbryggan.intake.Receipts;
import se.assistansbryggan.intake.SoapRefusals;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.Submission;

/**
 * A refusal answered at the HTTP layer, before any door has read the request: the gateway's
 * signed receipt (on the SOAP door as the operation's output, HTTP 200), logged, audited and counted like every other
 * refusal; the rest of the request is never read, so the connection is then closed (on HTTP/2,
 * the stream).
 * Runs on a worker thread: signing is not the I/O thread's work.
 */
final class HttpRefusals {
    private final Receipts receipts;

    HttpRefusals(Receipts receipts) {
        this.receipts = receipts;
    }

    /** The channel name a path's door goes by in receipts, the audit trail and metrics. */
    static String channelOf(String path) {
        if (path.startsWith("/soap")) {
            return "soap";
        }
        if (path.startsWith("/messages")) {
            return "post";
        }
        if (path.startsWith("/pull")) {
            return "pull";
        }
        return path.startsWith("/operations") ? "operations" : "other";
    }

    /** Answers the refusal with its HTTP status and the extra headers, then closes the connection. */
    void send(HttpServerExchange exchange, RefusedException refusal, Map<String, String> headers) {
        Submission submission = submissionOf(exchange);
        boolean soap = "soap".equals(submission.channel());
        // on the SOAP door every refusal is the operation's output with HTTP 200 (WS-I Basic Profile; a standard client
        // reads the Kvittens instead of failing on a transport error); elsewhere the refusal's own status
        exchange.setStatusCode(soap ? 200 : refusal.refusal().httpStatus());
        exchange.setPersistent(false);
        headers.forEach((name, value) -> exchange.getResponseHeaders().put(new HttpString(name), value));
        byte[] body;
        try {
            Document receipt = receipts.refusal(refusal, submission, null);
            body = soap ? SoapRefusals.outputEnvelope(receipt) : SecureXml.serialize(receipt);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, soap ? "text/xml; charset=UTF-8" : "application/xml; charset=UTF-8");
        } catch (RuntimeException e) {
            closeNow(exchange);
            throw e;
        }
        exchange.getResponseSender().send(ByteBuffer.wrap(body), new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange done, Sender sender) {
                // not persistent: HTTP/1.1 closes the connection without reading on; HTTP/2 ends only this stream
                done.endExchange();
            }

            @Override
            public void onException(HttpServerExchange failed, Sender sender, IOException exception) {
                closeNow(failed);
            }
        });
    }

    /** The request as the audit trail and metrics know it: its door, and its sender as far as the bulkhead could tell. */
    private static Submission submissionOf(HttpServerExchange exchange) {
        PartyBulkhead.Sender sender = exchange.getAttachment(PartyBulkhead.SENDER);
        Submission submission = new Submission(channelOf(exchange.getRequestPath()), sender == null ? null : sender.certificate());
        if (sender != null && sender.party() != null) {
            submission.sentBy(sender.party());
        }
        return submission;
    }

    /** Ends the exchange and drops the connection without an answer (the client has gone, or signing failed). */
    static void closeNow(HttpServerExchange exchange) {
        exchange.setPersistent(false);
        IoUtils.safeClose(exchange.getConnection());
        exchange.endExchange();
    }
}

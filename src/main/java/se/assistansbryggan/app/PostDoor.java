package se.assistansbryggan.app;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.cxf.transport.http_undertow.CXFUndertowHttpHandler;
import se.assistansbryggan.intake.Channels;
import se.assistansbryggan.message.Refusal;

/**
 * The plain door, {@code POST /messages} (the contract {@link se.assistansbryggan.intake.MessageResource}
 * states, checked against the OpenAPI description), straight from Undertow into the intake route:
 * the body (already read by {@link BodyPrefetch}) and the TLS client's chain go in, the signed
 * receipt and its status come out. Another method there is not allowed (405); everything else on
 * the listener (SOAP, pull, the operators' API) goes on to CXF. It was a CXF JAX-RS endpoint:
 * profiled, that cost more CPU per message than the trust and policy stations together (a resource
 * lookup, interceptor chains, a continuation the servlet layer refused with an exception on every
 * request, a copy of the body).
 */
final class PostDoor implements CXFUndertowHttpHandler {
    static final String PATH = "/messages";
    /** No consumer waits on the route while the gateway starts or stops: the door answers at once instead. */
    private static final String INTAKE = "direct:intake?block=false";
    private final CamelContext camel;
    private final Channels channels;
    private final HttpRefusals refusals;
    private final int maxBytes;
    private volatile Producer intake;
    private HttpHandler next;

    PostDoor(CamelContext camel, Channels channels, HttpRefusals refusals, int maxBytes) {
        this.camel = camel;
        this.channels = channels;
        this.refusals = refusals;
        this.maxBytes = maxBytes;
    }

    @Override
    public void setNext(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRequestPath();
        if (!PATH.equals(path) && !(PATH + "/").equals(path)) {
            next.handleRequest(exchange);
            return;
        }
        if (!Methods.POST.equals(exchange.getRequestMethod())) {
            exchange.setStatusCode(405);
            exchange.getResponseHeaders().put(Headers.ALLOW, Methods.POST_STRING);
            exchange.endExchange();
            return;
        }
        if (exchange.isInIoThread()) {
            // parsing, verifying and signing are a worker's, not the connection's I/O thread's
            exchange.dispatch(this);
            return;
        }
        if (!camel.isStarted()) {
            refusals.send(exchange, Refusal.BROKER_UNAVAILABLE.because("the gateway is starting or stopping"), Map.of("Retry-After", "1"));
            return;
        }
        exchange.startBlocking();
        // at most one byte past the limit: intake answers MESSAGE_TOO_LARGE for a body it did not read to its end
        byte[] body = exchange.getInputStream().readNBytes(maxBytes + 1);
        Exchange message = producer().getEndpoint().createExchange();
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        channels.fromPostRequest(message, body, clientChain(exchange), contentType == null ? "" : contentType);
        try {
            producer().process(message);
        } catch (org.apache.camel.component.direct.DirectConsumerNotAvailableException stopping) {
            // the routes stopped between the check above and the call: nothing was stored
            refusals.send(exchange, Refusal.BROKER_UNAVAILABLE.because("the gateway is stopping"), Map.of("Retry-After", "1"));
            return;
        }
        byte[] receipt = message.getMessage().getBody(byte[].class);
        if (message.isFailed() || receipt == null) {
            // the route answers every refusal itself; only a failure of the refusal's own making reaches here
            refusals.send(exchange, Refusal.INTERNAL_ERROR.because("the intake route gave no receipt", message.getException()), Map.of());
            return;
        }
        exchange.setStatusCode(message.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class));
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/xml");
        exchange.getResponseSender().send(ByteBuffer.wrap(receipt));
    }

    /** The intake route's producer, made once the routes run (the door opens with the listener, before Camel starts). */
    private Producer producer() throws Exception {
        Producer made = intake;
        if (made == null) {
            synchronized (this) {
                if (intake == null) {
                    Producer producer = camel.getEndpoint(INTAKE).createProducer();
                    producer.start();
                    intake = producer;
                }
                made = intake;
            }
        }
        return made;
    }

    /** The TLS client's certificate chain as it presented it: its certificate first, then its issuing CAs. */
    private static List<X509Certificate> clientChain(HttpServerExchange exchange) {
        SSLSessionInfo tls = exchange.getConnection().getSslSessionInfo();
        List<X509Certificate> chain = new ArrayList<>();
        if (tls == null) {
            return chain;
        }
        try {
            for (Certificate c : tls.getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
        } catch (javax.net.ssl.SSLPeerUnverifiedException | io.undertow.server.RenegotiationRequiredException none) {
            // no client certificate: trust refuses the message for it
        }
        return chain;
    }
}

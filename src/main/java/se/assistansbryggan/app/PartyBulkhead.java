package se.assistansbryggan.app;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;
import org.apache.cxf.transport.http_undertow.CXFUndertowHttpHandler;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.Submission;
import se.assistansbryggan.metrics.GatewayMetrics;
import se.assistansbryggan.trust.ClientGate;
import se.assistansbryggan.trust.PartyDirectory;

/**
 * At most so many requests in progress per sending organisation, on every door of the listener
 * (messages, SOAP, pull, operations), from the moment its headers are read until it is answered;
 * above that the organisation gets a signed RATE_LIMITED (429, with Retry-After), audited and
 * counted per party. So one party's stuck or hostile system can hold only its own share of the
 * gateway. The organisation is the one the client certificate names, after the same trust gate
 * every door applies: a revoked or unknown certificate is counted on its own and cannot use up its
 * organisation's share. The gate runs on a worker (revocation may ask a responder); the body is
 * then read without one ({@link BodyPrefetch}).
 */
final class PartyBulkhead implements CXFUndertowHttpHandler {
    private final ClientGate gate;
    private final PartyDirectory directory;
    private final GatewayMetrics metrics;
    private final HttpRefusals refusals;
    private final ToIntFunction<String> limitOfParty;
    private final Duration retryAfter;
    /** Requests in progress by organisation (or certificate); an entry lives only while its count is above zero. */
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    private HttpHandler next;

    /**
     * @param limitOfParty the most requests in progress for a party id (a party's own setting or the default)
     */
    PartyBulkhead(ClientGate gate, PartyDirectory directory, GatewayMetrics metrics, HttpRefusals refusals,
            ToIntFunction<String> limitOfParty, Duration retryAfter) {
        this.gate = gate;
        this.directory = directory;
        this.metrics = metrics;
        this.refusals = refusals;
        this.limitOfParty = limitOfParty;
        this.retryAfter = retryAfter;
    }

    @Override
    public void setNext(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this::admit);
        } else {
            admit(exchange);
        }
    }

    private void admit(HttpServerExchange exchange) throws Exception {
        X509Certificate[] chain = chainOf(exchange);
        Optional<Party> party = Optional.empty();
        String key;
        if (chain.length == 0) {
            key = "no certificate"; // the doors refuse these; they share one small share
        } else {
            try {
                gate.admit(chain);
                Optional<Organisationsnummer> orgnr = Organisationsnummer.fromCertificate(chain[0]);
                party = orgnr.flatMap(directory::byOrganisationsnummer);
                key = party.map(Party::id).orElseGet(() -> orgnr.map(o -> "organisation " + o.value())
                        .orElse("subject " + chain[0].getSubjectX500Principal().getName()));
            } catch (RefusedException refused) {
                // the door refuses it with its own code; meanwhile it counts against itself alone
                key = "certificate " + chain[0].getIssuerX500Principal().getName() + " " + chain[0].getSerialNumber();
            }
        }
        int limit = limitOfParty.applyAsInt(party.map(Party::id).orElse(""));
        if (!acquire(key, limit)) {
            String label = party.map(Party::id).orElse("other");
            metrics.rateLimited(label);
            Submission submission = new Submission(HttpRefusals.channelOf(exchange.getRequestPath()), chain.length == 0 ? null : chain[0]);
            party.ifPresent(submission::sentBy);
            refusals.send(exchange, Refusal.RATE_LIMITED.because(limit + " requests from " + label + " are already in progress"),
                    submission, Map.of("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds()))));
            return;
        }
        String held = key;
        AtomicBoolean released = new AtomicBoolean();
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            if (released.compareAndSet(false, true)) {
                release(held);
            }
            nextListener.proceed();
        });
        next.handleRequest(exchange);
    }

    private boolean acquire(String key, int limit) {
        boolean[] admitted = new boolean[1];
        inFlight.compute(key, (k, count) -> {
            int now = count == null ? 0 : count;
            admitted[0] = now < limit;
            return admitted[0] ? now + 1 : count;
        });
        return admitted[0];
    }

    private void release(String key) {
        inFlight.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
    }

    /** Requests in progress now for a party id (for tests and the operators). */
    int inFlight(String partyId) {
        return inFlight.getOrDefault(partyId, 0);
    }

    private static X509Certificate[] chainOf(HttpServerExchange exchange) {
        SSLSessionInfo tls = exchange.getConnection().getSslSessionInfo();
        if (tls == null) {
            return new X509Certificate[0];
        }
        try {
            Certificate[] presented = tls.getPeerCertificates();
            X509Certificate[] chain = new X509Certificate[presented.length];
            for (int i = 0; i < presented.length; i++) {
                chain[i] = (X509Certificate) presented[i];
            }
            return chain;
        } catch (javax.net.ssl.SSLPeerUnverifiedException | io.undertow.server.RenegotiationRequiredException | ClassCastException none) {
            return new X509Certificate[0];
        }
    }
}

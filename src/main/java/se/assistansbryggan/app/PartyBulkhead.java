package se.assistansbryggan.app;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import io.undertow.util.AttachmentKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.cxf.transport.http_undertow.CXFUndertowHttpHandler;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.metrics.GatewayMetrics;
import se.assistansbryggan.trust.ClientGate;
import se.assistansbryggan.trust.PartyDirectory;

/**
 * At most so many requests in progress per sending organisation, on every door of the listener
 * (messages, SOAP, pull, operations), from the moment its headers are read until it is answered;
 * above that the organisation gets a signed RATE_LIMITED (429, with Retry-After), audited and
 * counted per party. So one party's stuck or hostile system can hold only its own share of the
 * gateway. The organisation is the one the client certificate names; the slot is taken before the
 * same trust gate every door applies (on a worker: revocation may ask a responder, and a slow one
 * holds at most that organisation's share), and a certificate the gate refuses counts on its own
 * afterwards, so a revoked one cannot use up its organisation's share. The body is then read
 * without a worker ({@link BodyPrefetch}).
 */
final class PartyBulkhead implements CXFUndertowHttpHandler {
    private final ClientGate gate;
    private final PartyDirectory directory;
    private final GatewayMetrics metrics;
    private final HttpRefusals refusals;
    private final Limits limits;
    private final Duration retryAfter;
    /** Requests in progress by organisation (or certificate); an entry lives only while its count is above zero. */
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    private HttpHandler next;

    /** Who sent a request, as far as the bulkhead could tell, for the refusals of the guards after it. */
    static final AttachmentKey<Sender> SENDER = AttachmentKey.create(Sender.class);

    /** The client certificate (null without one) and its party (null when the directory does not know it, or the gate refused it). */
    record Sender(X509Certificate certificate, Party party) {}

    /** The most requests in progress: a party's own setting, else the default. Read at start, so a bad value stops the start. */
    record Limits(int defaultLimit, Map<String, Integer> ofParty) {
        Limits {
            if (defaultLimit < 1 || ofParty.values().stream().anyMatch(limit -> limit < 1)) {
                throw new IllegalArgumentException("a limit of requests in progress must be at least 1");
            }
            ofParty = Map.copyOf(ofParty);
        }

        int limitOf(String partyId) {
            return ofParty.getOrDefault(partyId, defaultLimit);
        }
    }

    PartyBulkhead(ClientGate gate, PartyDirectory directory, GatewayMetrics metrics, HttpRefusals refusals, Limits limits,
            Duration retryAfter) {
        this.gate = gate;
        this.directory = directory;
        this.metrics = metrics;
        this.refusals = refusals;
        this.limits = limits;
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
        // the organisation the certificate names (its chain checked by TLS) holds the slot while the gate decides:
        // a gate waiting on a slow revocation responder holds at most that organisation's share of the workers
        Optional<Organisationsnummer> claimed = chain.length == 0 ? Optional.empty() : Organisationsnummer.fromCertificate(chain[0]);
        Optional<Party> party = claimed.flatMap(directory::byOrganisationsnummer);
        String key = chain.length == 0 ? "no certificate" // the doors refuse these; they share one share
                : party.map(Party::id).orElseGet(() -> claimed.map(o -> "organisation " + o.value())
                        .orElse("subject " + chain[0].getSubjectX500Principal().getName()));
        int limit = party.map(Party::id).map(limits::limitOf).orElse(limits.defaultLimit());
        if (!acquire(key, limit)) {
            refuse(exchange, chain, party, limit);
            return;
        }
        if (chain.length > 0) {
            try {
                gate.admit(chain);
            } catch (RefusedException refused) {
                // the door refuses it with its own code; meanwhile it counts against its certificate alone, so a
                // revoked certificate cannot hold its organisation's share
                release(key);
                party = Optional.empty();
                key = "certificate " + chain[0].getIssuerX500Principal().getName() + " " + chain[0].getSerialNumber();
                if (!acquire(key, limits.defaultLimit())) {
                    refuse(exchange, chain, party, limits.defaultLimit());
                    return;
                }
            }
        }
        exchange.putAttachment(SENDER, new Sender(chain.length == 0 ? null : chain[0], party.orElse(null)));
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

    private void refuse(HttpServerExchange exchange, X509Certificate[] chain, Optional<Party> party, int limit) {
        String label = party.map(Party::id).orElse("other");
        metrics.rateLimited(label);
        exchange.putAttachment(SENDER, new Sender(chain.length == 0 ? null : chain[0], party.orElse(null)));
        refusals.send(exchange, Refusal.RATE_LIMITED.because(limit + " requests from " + label + " are already in progress"),
                Map.of("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds()))));
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

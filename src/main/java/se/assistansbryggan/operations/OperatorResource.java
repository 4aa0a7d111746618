package se.assistansbryggan.operations;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.util.json.Jsoner;
import se.assistansbryggan.audit.AuditTrail;
import se.assistansbryggan.message.Personnummer;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.trust.ClientGate;
import se.assistansbryggan.trust.PartyDirectory;

/**
 * The operators' HTTPS API under /operations, on the gateway's mutual-TLS listener and on the
 * console listener: a client certificate named in gateway.operations.operators, or a console
 * session ({@link ConsoleSessions}) gets in; nothing else. Lists queues and dead letters, shows
 * one dead letter with personal numbers masked, retries or discards it with a reason. Every
 * action is in the audit trail with the operator's name and reason. A change made with a session
 * cookie must carry the header {@value #CSRF_HEADER}, which another site's page cannot send.
 */
@Path("/")
@Produces("application/json")
public final class OperatorResource {
    public static final String CSRF_HEADER = "X-Bryggan-Console";
    private final BrokerManagement broker;
    private final ConsoleSessions sessions;
    private final AuditTrail audit;
    private final Set<String> operators;
    private final ClientGate gate;
    private final Clock clock;
    private final PartyDirectory directory;

    public OperatorResource(BrokerManagement broker, AuditTrail audit, Set<String> operators, ConsoleSessions sessions, Clock clock,
            ClientGate gate, PartyDirectory directory) {
        this.gate = gate;
        this.directory = directory;
        this.broker = broker;
        this.sessions = sessions;
        this.audit = audit;
        this.operators = Set.copyOf(operators);
        this.clock = clock;
    }

    @GET
    @Path("queues")
    public Response queues(@Context HttpServletRequest request) throws Exception {
        operator(request);
        return json(broker.queues().stream().map(q -> map("queue", q.name(), "depth", q.depth(),
                "oldestAgeMillis", q.oldestAgeMillis())).toList());
    }

    @GET
    @Path("dead-letters")
    public Response deadLetters(@Context HttpServletRequest request, @QueryParam("queue") String queue,
            @QueryParam("type") String type, @QueryParam("sender") String sender,
            @QueryParam("olderThanMinutes") Long olderThanMinutes) throws Exception {
        operator(request);
        long cutoff = olderThanMinutes == null ? Long.MAX_VALUE : clock.millis() - olderThanMinutes * 60_000;
        return json(broker.deadLetters(queue, type, sender).stream().filter(d -> d.sentAt() <= cutoff)
                .map(d -> map("queue", d.queue(), "messageId", d.messageId(), "type", d.type(), "sender", d.sender(),
                        "originalAddress", d.originalAddress(), "sentAt", d.sentAt(), "attempts", d.attempts(),
                        "deadLetteredAt", d.deadLetteredAt(),
                        "reason", d.reason() == null ? "not acknowledged within the allowed delivery attempts" : d.reason()))
                .toList());
    }

    /** The functional addresses parties declared (which unit receives a type naming none); {@code party=} for one party. */
    @GET
    @Path("functions")
    public Response functions(@Context HttpServletRequest request, @QueryParam("party") String party) throws Exception {
        operator(request);
        if (party != null && directory.byId(party).isEmpty()) {
            return Response.status(404).entity(Jsoner.serialize(map("error", "no party " + party))).type("application/json").build();
        }
        var parties = party == null ? directory.all() : java.util.List.of(directory.byId(party).orElseThrow());
        return json(FunctionalAddresses.of(directory, parties));
    }

    @GET
    @Path("follow-ups")
    public Response followUps(@Context HttpServletRequest request) throws Exception {
        operator(request);
        return json(broker.scheduled(se.assistansbryggan.delivery.Handoff.FOLLOW_UPS));
    }

    @GET
    @Path("escalations")
    public Response escalations(@Context HttpServletRequest request) throws Exception {
        operator(request);
        return json(broker.escalations());
    }

    @GET
    @Path("dead-letters/{queue}/{messageId}")
    public Response show(@Context HttpServletRequest request, @PathParam("queue") String queue,
            @PathParam("messageId") String messageId) throws Exception {
        String operator = operator(request);
        var body = broker.body(queue, messageId);
        if (body.isEmpty()) {
            return notFound();
        }
        record(operator, "OPERATOR_SHOWED", queue, messageId, null);
        return json(map("queue", queue, "messageId", messageId, "body", Personnummer.maskAll(body.get())));
    }

    @POST
    @Path("dead-letters/{queue}/{messageId}/retry")
    public Response retry(@Context HttpServletRequest request, @PathParam("queue") String queue,
            @PathParam("messageId") String messageId, @QueryParam("reason") String reason) throws Exception {
        return act(request, queue, messageId, reason, "OPERATOR_RETRIED", "retried", () -> broker.retry(queue, messageId));
    }

    /** Retries many at once: every dead letter of the queue, or those of a type or sender; each one audited. */
    @POST
    @Path("dead-letters/{queue}/retry")
    public Response retryAll(@Context HttpServletRequest request, @PathParam("queue") String queue,
            @QueryParam("reason") String reason, @QueryParam("type") String type, @QueryParam("sender") String sender)
            throws Exception {
        String operator = changer(request);
        requireReason(reason);
        if (!broker.isDeadLetterQueue(queue)) {
            return notFound();
        }
        java.util.List<String> retried = new java.util.ArrayList<>();
        for (BrokerManagement.DeadLetter letter : broker.deadLetters(queue, type, sender)) {
            if (broker.retry(letter)) {
                record(operator, "OPERATOR_RETRIED", queue, letter.messageId(), reason);
                retried.add(letter.messageId());
            }
        }
        return json(map("retried", retried));
    }

    @DELETE
    @Path("dead-letters/{queue}/{messageId}")
    public Response discard(@Context HttpServletRequest request, @PathParam("queue") String queue,
            @PathParam("messageId") String messageId, @QueryParam("reason") String reason) throws Exception {
        return act(request, queue, messageId, reason, "OPERATOR_DISCARDED", "discarded", () -> broker.discard(queue, messageId));
    }

    /** An action on one dead letter: by an operator who may change things, with a reason, audited if it was done. */
    private Response act(HttpServletRequest request, String queue, String messageId, String reason, String event, String done,
            java.util.concurrent.Callable<Boolean> action) throws Exception {
        String operator = changer(request);
        requireReason(reason);
        if (!action.call()) {
            return notFound();
        }
        record(operator, event, queue, messageId, reason);
        return json(map(done, messageId));
    }

    /** The operator: by client certificate, else by console session; refused (403) otherwise. */
    private String operator(HttpServletRequest request) {
        String subject;
        try {
            subject = gate.admitIfPresent(request.getAttribute(ClientGate.SERVLET_ATTRIBUTE))
                    .map(c -> c.getSubjectX500Principal().getName()).orElse(null);
        } catch (RefusedException refused) {
            // a revoked or expired operator certificate is refused outright, not passed on to a session cookie
            audit.record("OPERATOR_REFUSED", map("code", refused.refusal().name()));
            throw new jakarta.ws.rs.ForbiddenException(Response.status(403).entity(Jsoner.serialize(map("error",
                    refused.refusal().sentence(), "code", refused.refusal().name()))).type("application/json").build());
        }
        if (subject != null && operators.contains(subject)) {
            return subject;
        }
        var session = sessions.operator(sessionCookie(request));
        if (session.isPresent()) {
            return "console:" + session.get();
        }
        audit.record("OPERATOR_REFUSED", map("subject", subject));
        throw new jakarta.ws.rs.ForbiddenException(Response.status(403)
                .entity(Jsoner.serialize(map("error", "not an operator"))).type("application/json").build());
    }

    /** An operator who changes something; with a session cookie only from the console's own page. */
    private String changer(HttpServletRequest request) {
        String operator = operator(request);
        if (operator.startsWith("console:") && request.getHeader(CSRF_HEADER) == null) {
            throw new jakarta.ws.rs.ForbiddenException(Response.status(403)
                    .entity(Jsoner.serialize(map("error", "changes need the " + CSRF_HEADER + " header"))).type("application/json").build());
        }
        return operator;
    }

    static String sessionCookie(HttpServletRequest request) {
        if (request.getCookies() != null) {
            for (jakarta.servlet.http.Cookie cookie : request.getCookies()) {
                if (ConsoleSessions.COOKIE.equals(cookie.getName())) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    private static void requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new jakarta.ws.rs.BadRequestException(Response.status(400)
                    .entity(Jsoner.serialize(map("error", "say why (reason=…)"))).type("application/json").build());
        }
    }

    private void record(String operator, String event, String queue, String messageId, String reason) {
        audit.record(event, map("operator", operator, "queue", queue, "messageId", messageId, "reason", reason));
    }

    private static Response notFound() {
        return Response.status(404).entity(Jsoner.serialize(map("error", "no such dead letter"))).build();
    }

    private static Response json(Object value) {
        return Response.ok(Jsoner.serialize(value)).build();
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

}

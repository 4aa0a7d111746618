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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.util.json.Jsoner;
import se.assistansbryggan.audit.AuditTrail;
import se.assistansbryggan.delivery.EmbeddedBroker;
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
    private final Map<String, String> queueNames = new java.util.HashMap<>();
    private final java.util.function.Supplier<Map<String, Integer>> refusals;
    private final java.time.Duration attentionAge;

    /**
     * @param refusals refusals by code in the last hour
     * @param attentionAge how old a queue's oldest message may be before it needs an operator
     */
    public OperatorResource(BrokerManagement broker, AuditTrail audit, Set<String> operators, ConsoleSessions sessions, Clock clock,
            ClientGate gate, PartyDirectory directory, java.util.function.Supplier<Map<String, Integer>> refusals,
            java.time.Duration attentionAge) {
        this.gate = gate;
        this.directory = directory;
        this.refusals = refusals;
        this.attentionAge = attentionAge;
        for (se.assistansbryggan.message.Party party : directory.all()) {
            queueNames.put(party.queue(), party.name());
            party.units().forEach(unit -> {
                se.assistansbryggan.message.Recipient recipient = new se.assistansbryggan.message.Recipient(party, unit);
                queueNames.put(recipient.queue(), recipient.name());
            });
        }
        this.broker = broker;
        this.sessions = sessions;
        this.audit = audit;
        this.operators = Set.copyOf(operators);
        this.clock = clock;
    }

    private java.util.function.Supplier<List<BrokerWatch.Point>> history = List::of;

    /** Where the last hour's points of queue depths come from (the broker watch). */
    public OperatorResource withHistory(java.util.function.Supplier<List<BrokerWatch.Point>> history) {
        this.history = history;
        return this;
    }

    private java.util.function.Supplier<Map<se.assistansbryggan.message.Organisationsnummer, se.assistansbryggan.message.PermitStatus>>
            permits = Map::of;

    private java.util.function.Supplier<List<Map<String, Object>>> heldClocks = List::of;

    /** The open clocks held for later days, listed with the scheduled ones. */
    public OperatorResource withHeldClocks(java.util.function.Supplier<List<Map<String, Object>>> heldClocks) {
        this.heldClocks = heldClocks;
        return this;
    }

    /** Where the providers' permit statuses come from (the broker). */
    public OperatorResource withPermits(
            java.util.function.Supplier<Map<se.assistansbryggan.message.Organisationsnummer, se.assistansbryggan.message.PermitStatus>> permits) {
        this.permits = permits;
        return this;
    }

    /**
     * Every provider: those of the directory with their IVO permit id, and any other IVO named in a
     * revocation; each with its permit status as recorded (ACTIVE when IVO revoked or suspended nothing).
     */
    @GET
    @Path("providers")
    public Response providers(@Context HttpServletRequest request) {
        operator(request);
        Map<se.assistansbryggan.message.Organisationsnummer, se.assistansbryggan.message.PermitStatus> recorded;
        try {
            recorded = new java.util.LinkedHashMap<>(permits.get());
        } catch (IllegalStateException brokerSilent) {
            return Response.status(503).entity(Jsoner.serialize(map("error", "the broker did not answer for the permit statuses")))
                    .type("application/json").build();
        }
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (se.assistansbryggan.message.Party provider : directory.ofKind(se.assistansbryggan.message.Party.Kind.ANORDNARE)) {
            out.add(provider(provider.orgnr().value(), provider.id(), provider.name(), directory.permitOf(provider).orElse(null),
                    recorded.remove(provider.orgnr())));
        }
        recorded.forEach((orgnr, status) -> out.add(provider(orgnr.value(), null, null, null, status)));
        return json(out);
    }

    private static Map<String, Object> provider(String orgnr, String id, String name, String permit,
            se.assistansbryggan.message.PermitStatus status) {
        return map("organisationsnummer", orgnr, "party", id, "name", name, "permit", permit,
                "status", status == null ? "ACTIVE" : status.status().name(),
                "graceEnds", status == null || status.graceEnds() == null ? null : status.graceEnds().toString(),
                "revocation", status == null ? null : status.revocationId(),
                "recordedAt", status == null ? null : status.recordedAt().toString());
    }

    /** The last hour: per point its time, the messages waiting for their recipients, the dead letters and the open clocks. */
    @GET
    @Path("history")
    public Response history(@Context HttpServletRequest request) {
        operator(request);
        List<Map<String, Object>> points = new java.util.ArrayList<>();
        for (BrokerWatch.Point p : history.get()) {
            points.add(map("at", p.at().toString(), "waiting", p.waiting(), "deadLetters", p.deadLetters(), "followUps", p.followUps()));
        }
        return json(points);
    }

    /**
     * Every queue with its depth, the age of its oldest message and the name of the party (or unit)
     * it belongs to; {@code search} keeps those whose queue or name contains it (any case), and
     * {@code offset}/{@code limit} page the list, whose full length is in {@code X-Total-Count}.
     */
    @GET
    @Path("queues")
    public Response queues(@Context HttpServletRequest request, @QueryParam("search") String search,
            @QueryParam("offset") Integer offset, @QueryParam("limit") Integer limit) throws Exception {
        operator(request);
        String wanted = search == null ? "" : search.strip().toLowerCase(java.util.Locale.ROOT);
        List<Map<String, Object>> rows = broker.queues().stream()
                .map(q -> map("queue", q.name(), "name", nameOf(q.name()), "depth", q.depth(), "oldestAgeMillis", q.oldestAgeMillis()))
                .filter(r -> wanted.isEmpty() || String.valueOf(r.get("queue")).toLowerCase(java.util.Locale.ROOT).contains(wanted)
                        || String.valueOf(r.get("name")).toLowerCase(java.util.Locale.ROOT).contains(wanted))
                .sorted(java.util.Comparator.comparing(r -> String.valueOf(r.get("queue"))))
                .toList();
        int from = Math.min(rows.size(), Math.max(0, offset == null ? 0 : offset));
        int to = limit == null ? rows.size() : Math.min(rows.size(), from + Math.max(0, limit));
        return Response.ok(Jsoner.serialize(rows.subList(from, to)), "application/json").header("X-Total-Count", rows.size()).build();
    }

    /**
     * What needs an operator, most urgent first: dead letters (oldest first), escalations waiting at
     * the kommuner, follow-up clocks past due, queues whose oldest message is older than
     * {@code gateway.operations.attention-age}, and refusals by code in the last hour.
     */
    @GET
    @Path("attention")
    public Response attention(@Context HttpServletRequest request) throws Exception {
        operator(request);
        List<Map<String, Object>> items = new ArrayList<>();
        List<BrokerManagement.QueueStatus> queues = broker.queues();
        queues.stream().filter(q -> q.name().startsWith(EmbeddedBroker.DEAD_LETTER_PREFIX) && q.depth() > 0)
                .sorted(java.util.Comparator.comparing((BrokerManagement.QueueStatus q) -> q.oldestAgeMillis() == null ? 0 : -q.oldestAgeMillis()))
                .forEach(q -> items.add(map("kind", "dead-letters", "queue", q.name(), "name", nameOf(q.name()), "count", q.depth(),
                        "oldestAgeMillis", q.oldestAgeMillis())));
        for (Map<String, Object> escalation : broker.escalations()) {
            Map<String, Object> item = new java.util.LinkedHashMap<>(escalation);
            item.put("kind", "escalation");
            item.put("name", nameOf(String.valueOf(escalation.get("queue"))));
            items.add(item);
        }
        long now = clock.millis();
        // a held clock is overdue only when it was not moved to the schedule in time (the gateway stopped, or the move failing)
        List<Map<String, Object>> clocks = new java.util.ArrayList<>(broker.scheduled(se.assistansbryggan.delivery.Handoff.FOLLOW_UPS));
        clocks.addAll(heldClocks.get());
        for (Map<String, Object> clockItem : clocks) {
            if (due(clockItem) <= now) {
                Map<String, Object> item = new java.util.LinkedHashMap<>(clockItem);
                item.put("kind", "overdue-follow-up");
                items.add(item);
            }
        }
        queues.stream().filter(q -> !q.name().startsWith(EmbeddedBroker.DEAD_LETTER_PREFIX) && !q.name().endsWith(".escalations")
                        && q.depth() > 0 && q.oldestAgeMillis() != null && q.oldestAgeMillis() > attentionAge.toMillis()
                        && directoryQueue(q.name()))
                .sorted(java.util.Comparator.comparing((BrokerManagement.QueueStatus q) -> -q.oldestAgeMillis()))
                .forEach(q -> items.add(map("kind", "old-messages", "queue", q.name(), "name", nameOf(q.name()), "count", q.depth(),
                        "oldestAgeMillis", q.oldestAgeMillis())));
        refusals.get().forEach((code, count) -> items.add(map("kind", "refusals", "code", code, "count", count)));
        return json(items);
    }

    private static long due(Map<String, Object> clockItem) {
        try {
            return Long.parseLong(String.valueOf(clockItem.get("due")));
        } catch (NumberFormatException unknown) {
            return Long.MAX_VALUE;
        }
    }

    /** Whether a queue is a party's or a unit's (not the gateway's own: receipts, clocks, events). */
    private boolean directoryQueue(String queue) {
        return !nameOf(queue).isEmpty();
    }

    /** The party (or unit) a queue belongs to, by name: a dead-letter, expiry or escalation queue by its original queue's. */
    private String nameOf(String queue) {
        String q = queue.startsWith(EmbeddedBroker.DEAD_LETTER_PREFIX) ? queue.substring(EmbeddedBroker.DEAD_LETTER_PREFIX.length())
                : queue.startsWith(EmbeddedBroker.EXPIRY_PREFIX) ? queue.substring(EmbeddedBroker.EXPIRY_PREFIX.length()) : queue;
        q = q.endsWith(".escalations") ? q.substring(0, q.length() - ".escalations".length()) : q;
        return queueNames.getOrDefault(q, "");
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
        List<Map<String, Object>> clocks = new java.util.ArrayList<>(broker.scheduled(se.assistansbryggan.delivery.Handoff.FOLLOW_UPS));
        clocks.addAll(heldClocks.get());
        return json(clocks);
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
        return act(request, queue, messageId, reason, "OPERATOR_RETRIED", "retried", audit -> broker.retry(queue, messageId, audit));
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
            if (broker.retry(letter, recordOf(operator, "OPERATOR_RETRIED", queue, letter.messageId(), reason))) {
                retried.add(letter.messageId());
            }
        }
        return json(map("retried", retried));
    }

    @DELETE
    @Path("dead-letters/{queue}/{messageId}")
    public Response discard(@Context HttpServletRequest request, @PathParam("queue") String queue,
            @PathParam("messageId") String messageId, @QueryParam("reason") String reason) throws Exception {
        return act(request, queue, messageId, reason, "OPERATOR_DISCARDED", "discarded", audit -> broker.discard(queue, messageId, audit));
    }

    /** An action on a dead letter that commits its own audit record with it. */
    @FunctionalInterface
    private interface AuditedAction {
        boolean run(BrokerManagement.AuditRecord audit) throws Exception;
    }

    /** An action on one dead letter: by an operator who may change things, with a reason, audited in the action's transaction. */
    private Response act(HttpServletRequest request, String queue, String messageId, String reason, String event, String done,
            AuditedAction action) throws Exception {
        String operator = changer(request);
        requireReason(reason);
        if (!action.run(recordOf(operator, event, queue, messageId, reason))) {
            return notFound();
        }
        return json(map(done, messageId));
    }

    /** The audit event of an operator's action, to be committed with it. */
    private BrokerManagement.AuditRecord recordOf(String operator, String event, String queue, String messageId, String reason) {
        return new BrokerManagement.AuditRecord(se.assistansbryggan.delivery.AuditWriter.queue(audit.instance()),
                audit.encode(List.of(new AuditTrail.Event(event, map("operator", operator, "queue", queue, "messageId", messageId,
                        "reason", reason)))));
    }

    /** The operator: by client certificate, else by console session; refused (403) otherwise. */
    public String operator(HttpServletRequest request) {
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

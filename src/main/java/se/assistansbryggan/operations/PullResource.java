package se.assistansbryggan.operations;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import se.assistansbryggan.audit.AuditTrail;
import se.assistansbryggan.delivery.PullQueue;
import se.assistansbryggan.intake.Receipts;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.Recipient;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.Submission;
import se.assistansbryggan.trust.ClientGate;
import se.assistansbryggan.trust.PartyDirectory;

/**
 * {@code GET /pull/next} and {@code POST /pull/ack/{messageId}} for parties without a broker
 * client: the TLS client certificate's organisation decides whose queue is read, so a party can
 * only ever see its own messages. An unacknowledged message comes back after the visibility timeout;
 * acknowledging a notice also stops its follow-up clock (8 b § LSS).
 */
@Path("/")
public final class PullResource {
    private static final String TEXT = "text/plain; charset=UTF-8";
    private final PullQueue pull;
    private final BrokerManagement broker;
    private final PartyDirectory directory;
    private final AuditTrail audit;
    private final ClientGate gate;
    private final Receipts receipts;

    public PullResource(PullQueue pull, BrokerManagement broker, PartyDirectory directory, AuditTrail audit, ClientGate gate,
            Receipts receipts) {
        this.pull = pull;
        this.broker = broker;
        this.directory = directory;
        this.audit = audit;
        this.gate = gate;
        this.receipts = receipts;
    }

    @GET
    @Path("next")
    public Response next(@Context HttpServletRequest request, @QueryParam("unit") String unit) throws Exception {
        Party party = party(request);
        var fetched = pull.fetch(queue(party, unit));
        if (fetched.isEmpty()) {
            return Response.noContent().build();
        }
        audit.record("PULLED", auditFields(party.id(), fetched.get().messageId(), fetched.get().sender()));
        return Response.ok(fetched.get().body(), "application/xml").header("X-Message-Id", fetched.get().messageId())
                .header("X-Message-Type", fetched.get().type()).header("X-Message-Sender", fetched.get().sender()).build();
    }

    /** The calling party's functional addresses: which of its units receives which type when the sender names none. */
    @GET
    @Path("functions")
    @jakarta.ws.rs.Produces("application/json")
    public Response functions(@Context HttpServletRequest request) {
        Party party = party(request);
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("party", party.id());
        answer.put("declared", FunctionalAddresses.of(directory, java.util.List.of(party)));
        answer.put("toItsOwnQueue", FunctionalAddresses.undeclared(directory, party));
        answer.put("queue", party.queue());
        return Response.ok(org.apache.camel.util.json.Jsoner.serialize(answer), "application/json").build();
    }

    @POST
    @Path("ack/{messageId}")
    public Response ack(@Context HttpServletRequest request, @PathParam("messageId") String messageId,
            @QueryParam("unit") String unit, @QueryParam("sender") String sender) throws Exception {
        Party party = party(request);
        String queue = queue(party, unit);
        // ids are their senders': two senders' messages may share one; the acknowledgement must say whose
        List<String> senders = broker.sendersOf(queue, messageId);
        if (sender == null && senders.stream().distinct().count() > 1) {
            return Response.status(409).entity("several messages with this id: name the sender (?sender=, from X-Message-Sender)")
                    .type(TEXT).build();
        }
        String from = sender != null ? sender : senders.stream().findFirst().orElse(null);
        if (broker.removeAll(queue, messageId, sender) == 0) {
            return Response.status(404).entity("no such message waiting for acknowledgement").type(TEXT).build();
        }
        audit.record("ACKNOWLEDGED", auditFields(party.id(), messageId, from));
        // receipt is not contact (förslag till 8 b § LSS): the clock runs on; only a contact confirmation stops it
        pull.markReceived(messageId, party.id(), from, java.time.Instant.now());
        return Response.ok("acknowledged", TEXT).build();
    }

    /** Who received which sender's message (ids are their senders': the sender names the message). */
    private static Map<String, Object> auditFields(String recipient, String messageId, String sender) {
        Map<String, Object> fields = new java.util.HashMap<>();
        fields.put("recipient", recipient);
        fields.put("messageId", messageId);
        fields.put("sender", sender);
        return fields;
    }

    /** The party's own queue, or one of its units' ({@code ?unit=lss} → kommun.0180.lss). */
    private static String queue(Party party, String unit) {
        if (unit == null || unit.isBlank()) {
            return party.queue();
        }
        return party.unit(unit).map(u -> new Recipient(party, u).queue())
                .orElseThrow(() -> new jakarta.ws.rs.NotFoundException(Response.status(404).entity("no such unit of " + party.id())
                        .type(TEXT).build()));
    }

    /** The party whose admitted client certificate this is; a refused certificate, or one of no party, gets the signed refusal. */
    private Party party(HttpServletRequest request) {
        try {
            X509Certificate client = gate.admit(request.getAttribute(ClientGate.SERVLET_ATTRIBUTE));
            return Organisationsnummer.fromCertificate(client).flatMap(directory::byOrganisationsnummer)
                    .orElseThrow(() -> se.assistansbryggan.message.Refusal.UNKNOWN_SENDER
                            .because("the client certificate names no organisation of the directory"));
        } catch (RefusedException refused) {
            Document receipt = receipts.refusal(refused, new Submission("pull", null), null);
            throw new jakarta.ws.rs.WebApplicationException(Response.status(refused.refusal().httpStatus())
                    .entity(SecureXml.serialize(receipt)).type("application/xml").build());
        }
    }
}

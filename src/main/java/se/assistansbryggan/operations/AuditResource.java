package se.assistansbryggan.operations;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.util.json.Jsoner;
import org.w3c.dom.Document;
import se.assistansbryggan.audit.AuditTrail;
import se.assistansbryggan.audit.RegisterExtract;
import se.assistansbryggan.message.KeyMaterial;
import se.assistansbryggan.message.Personnummer;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.XmlSigner;

/**
 * The audit trail for operators, at {@code /audit}: the newest signed checkpoint of every
 * instance as the broker keeps it ({@code GET checkpoints}, for {@code audit-verify}), and a
 * person's register extract ({@code POST extract}, the personal number in the body, never in a
 * URL), as JSON or as an XHTML page signed by the gateway. Every extract is itself audited.
 */
@Path("/")
public final class AuditResource {
    private final OperatorResource operators;
    private final BrokerManagement broker;
    private final AuditTrail audit;
    private final List<java.nio.file.Path> trails;
    private final byte[] secret;
    private final KeyMaterial signingKey;
    private final Clock clock;

    /** @param trails this instance's trail first, then the other instances' (shared storage), all searched for an extract */
    public AuditResource(OperatorResource operators, BrokerManagement broker, AuditTrail audit, List<java.nio.file.Path> trails,
            byte[] secret, KeyMaterial signingKey, Clock clock) {
        this.operators = operators;
        this.broker = broker;
        this.audit = audit;
        this.trails = List.copyOf(trails);
        this.secret = secret.clone();
        this.signingKey = signingKey;
        this.clock = clock;
    }

    @GET
    @Path("checkpoints")
    public Response checkpoints(@Context HttpServletRequest request) throws Exception {
        operators.operator(request);
        return Response.ok("[" + String.join(",", broker.auditCheckpoints()) + "]", "application/json").build();
    }

    @POST
    @Path("extract")
    public Response extract(@Context HttpServletRequest request, @QueryParam("format") String format, byte[] body) throws Exception {
        String operator = operators.operator(request);
        Personnummer person;
        try {
            person = Personnummer.parse(new String(body, StandardCharsets.UTF_8).strip().replace("-", ""));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Response.status(400).entity(Jsoner.serialize(Map.of("error", "the body is not a personnummer (12 digits)")))
                    .type("application/json").build();
        }
        List<RegisterExtract.Entry> entries = RegisterExtract.find(trails, secret, person);
        List<String> instances = new ArrayList<>();
        trails.forEach(t -> instances.add(t.toString()));
        Instant made = Instant.now(clock);
        audit.record("AUDIT_EXTRACTED", Map.of("operator", operator, "person", person, "events", entries.size(),
                "format", "html".equals(format) ? "html" : "json"));
        if ("html".equals(format)) {
            Document page = RegisterExtract.page(person, entries, made, instances);
            XmlSigner.sign(page, signingKey);
            return Response.ok(SecureXml.serialize(page), "application/xhtml+xml; charset=UTF-8").build();
        }
        return Response.ok(RegisterExtract.json(person, entries, made, instances), "application/json").build();
    }
}

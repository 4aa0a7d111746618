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
 * The audit trail for operators with a client certificate, at {@code /audit}: every instance's
 * mark as the broker keeps it ({@code GET marks}: how far its trail reached, its newest signed
 * checkpoint; for {@code audit-verify --from-gateway}), and a
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

    /** Every instance's mark: how far its trail reached at the last commit, and its newest signed checkpoint. */
    @GET
    @Path("marks")
    public Response marks(@Context HttpServletRequest request) throws Exception {
        operator(request);
        return Response.ok(Jsoner.serialize(broker.auditMarks()), "application/json").build();
    }

    /** An operator by certificate: the trail is evidence, and an extract is personal data; a console session is not enough. */
    private String operator(HttpServletRequest request) {
        String operator = operators.operator(request);
        if (operator.startsWith("console:")) {
            throw new jakarta.ws.rs.ForbiddenException(Response.status(403).entity(Jsoner.serialize(Map.of("error",
                    "the audit trail needs an operator's client certificate"))).type("application/json").build());
        }
        return operator;
    }

    @POST
    @Path("extract")
    public Response extract(@Context HttpServletRequest request, @QueryParam("format") String format, byte[] body) throws Exception {
        String operator = operator(request);
        Personnummer person;
        try {
            person = Personnummer.parse(new String(body, StandardCharsets.UTF_8).strip().replace("-", ""));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Response.status(400).entity(Jsoner.serialize(Map.of("error", "the body is not a personnummer (12 digits)")))
                    .type("application/json").build();
        }
        // the gateway signs what it extracts: only from trails whose chains verify
        List<String> instances = new ArrayList<>();
        for (java.nio.file.Path trail : trails) {
            AuditTrail.Verification checked = AuditTrail.check(trail, secret, signingKey.certificate().getPublicKey(), List.of());
            if (!checked.ok()) {
                return Response.status(409).entity(Jsoner.serialize(Map.of("error", "the audit trail of instance '" + checked.instance()
                        + "' is broken at line " + checked.firstBroken().get() + " (" + checked.problem() + "): run audit-verify")))
                        .type("application/json").build();
            }
            instances.add(checked.instance().isEmpty() ? trail.getFileName().toString() : checked.instance());
        }
        List<RegisterExtract.Entry> entries = RegisterExtract.find(trails, secret, person);
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

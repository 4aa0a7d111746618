package se.assistansbryggan.intake;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * {@code POST /messages}: the signed XML document as the body; the signed receipt as the answer.
 * Any content type reaches intake, so that a wrong one gets a signed refusal, not a bare 415; the
 * receipt is XML whatever the request accepts. The contract of the plain door ({@code app.PostDoor}
 * answers it straight from the HTTP server), checked against the OpenAPI description.
 */
@Path("/")
public interface MessageResource {
    @POST
    @Consumes("*/*")
    @Produces("application/xml")
    Response submit(InputStream document);
}

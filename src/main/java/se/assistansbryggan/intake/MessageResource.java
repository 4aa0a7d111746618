package se.assistansbryggan.intake;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * {@code POST /messages}: the signed XML document as the body; the signed receipt as the answer.
 * Any content type reaches intake, so that a wrong one gets a signed refusal, not a bare 415.
 */
@Path("/")
public interface MessageResource {
    @POST
    @Consumes("*/*")
    @Produces("application/xml")
    Response submit(InputStream document);
}

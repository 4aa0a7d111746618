package se.assistansbryggan.operations;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3 description of the REST doors (/messages, /pull, /operations), served as YAML at
 * {@code /openapi} (the SOAP door describes itself at {@code /soap?wsdl}); an integrator generates
 * a client from it. Kept beside the code in {@code src/main/resources/openapi/} and checked against
 * what the doors answer by {@code OpenApiTest}.
 */
@Path("/")
public final class ApiDescription {
    public static final String RESOURCE = "/openapi/assistansbryggan.yaml";
    private final byte[] yaml;

    public ApiDescription() {
        try (InputStream in = ApiDescription.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no " + RESOURCE + " on the class path");
            }
            yaml = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    public Response yaml() {
        return Response.ok(yaml, "application/yaml").build();
    }
}

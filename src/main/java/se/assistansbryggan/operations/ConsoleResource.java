package se.assistansbryggan.operations;

import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import se.assistansbryggan.audit.AuditTrail;

/**
 * The operators' web page under /console: a static page and script over the /operations API, and
 * sign-in with configured credentials, which sets a session cookie (Secure, HttpOnly,
 * SameSite=Strict). The page may load nothing but itself (Content-Security-Policy).
 */
@Path("/")
public final class ConsoleResource {
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8", "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");
    private final ConsoleSessions sessions;
    private final AuditTrail audit;

    public ConsoleResource(ConsoleSessions sessions, AuditTrail audit) {
        this.sessions = sessions;
        this.audit = audit;
    }

    @GET
    public Response page() throws IOException {
        return file("index.html");
    }

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String file) throws IOException {
        String type = FILES.get(file);
        if (type == null) {
            return Response.status(404).build();
        }
        try (InputStream in = ConsoleResource.class.getResourceAsStream("/console/" + file)) {
            return Response.ok(in.readAllBytes(), type)
                    .header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'")
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Cache-Control", "no-store")
                    .build();
        }
    }

    @POST
    @Path("login")
    public Response login(@FormParam("name") String name, @FormParam("password") String password) {
        var token = sessions.signIn(name, password);
        if (token.isEmpty()) {
            boolean locked = sessions.locked(name);
            audit.record(locked ? "OPERATOR_LOGIN_LOCKED" : "OPERATOR_LOGIN_FAILED", Map.of("operator", String.valueOf(name)));
            return back(locked ? "/console/?failed&locked" : "/console/?failed").build();
        }
        audit.record("OPERATOR_LOGGED_IN", Map.of("operator", "console:" + name));
        return back("/console/").cookie(cookie(token.get(), (int) sessions.lifetime().toSeconds())).build();
    }

    @POST
    @Path("logout")
    public Response logout() {
        return back("/console/").cookie(cookie("", 0)).build();
    }

    /** 303 to a path on this listener (a raw Location: JAX-RS would resolve it against the service's base address). */
    private static Response.ResponseBuilder back(String path) {
        return Response.status(Response.Status.SEE_OTHER).header("Location", path);
    }

    private static NewCookie cookie(String value, int maxAge) {
        return new NewCookie.Builder(ConsoleSessions.COOKIE).value(value).path("/").maxAge(maxAge).secure(true)
                .httpOnly(true).sameSite(NewCookie.SameSite.STRICT).build();
    }
}

package se.assistansbryggan.e2e;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static se.assistansbryggan.e2e.TransportTest.headersOnly;

/** The plain door, POST /messages, over raw HTTP/1.1 with mutual TLS, as a client that is not ours speaks it. */
class PlainDoorTest extends SharedGateway {
    /**
     * POST /messages (or /messages/) is the door; another method there is not allowed and says
     * which is; the receipt is XML whatever the client says it accepts.
     */
    @Test
    void the_plain_door_answers_post_and_refuses_other_methods() throws Exception {
        for (String method : new String[] {"GET", "PUT", "DELETE"}) {
            String answer = headersOnly(method + " /messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 405"), method + ": " + answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("allow: post"), method + ": " + answer);
        }
        byte[] signed = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        for (String path : new String[] {"/messages", "/messages/"}) {
            byte[] body = path.equals("/messages") ? signed : GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
            String answer = post(path, body);
            assertTrue(answer.startsWith("HTTP/1.1 200"), path + ": " + answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/xml"), answer);
            Receipt receipt = Receipt.parse(answer.substring(answer.indexOf("<Kvittens"), answer.indexOf("</Kvittens>") + 11));
            assertEquals("ACCEPTED", receipt.status(), path);
        }
        // sent again on the same door, the original receipt: the same message is not stored twice
        String again = post("/messages", signed);
        assertTrue(again.startsWith("HTTP/1.1 200"), again);
        assertEquals(2, harness.gateway().broker().depth("kommun.0180"));
    }

    private static String post(String path, byte[] body) throws Exception {
        java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
        // a client that asks for JSON still gets the signed XML receipt: there is no other
        request.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\nAccept: application/json\r\n"
                + "Connection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(body);
        return TransportTest.raw(request.toByteArray());
    }

}

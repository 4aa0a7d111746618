package se.assistansbryggan.e2e;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import se.assistansbryggan.client.GatewayClient.Answer;
import se.assistansbryggan.client.GatewayClient;
import se.assistansbryggan.client.MessageSigner;
import se.assistansbryggan.e2e.GatewayHarness.Receipt;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.trust.XmlSignatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded fuzz run over real HTTPS: valid withdrawal notices mutated before signing (so they
 * reach schema, trust and policy) and after signing (bytes flipped, cut, repeated). Every answer
 * must be a signed receipt, ACCEPTED or a refusal the sender is to blame for, never a gateway
 * failure; and the broker must hold exactly the accepted ones. Bounded in count and time; the
 * seed is printed so a failure can be replayed with -Dfuzz.seed=N.
 */
class IntakeFuzzTest {
    static final X509Certificate GATEWAY_SIGNER = GatewayHarness.key("gateway-sign").certificate();
    static final int RUNS = Integer.getInteger("fuzz.runs", 400);
    static final Duration BUDGET = Duration.ofSeconds(Long.getLong("fuzz.seconds", 45));

    @TempDir
    Path data;

    @Test
    void every_mutated_message_is_accepted_or_refused_with_a_code_and_nothing_else_reaches_a_queue() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("IntakeFuzzTest seed " + seed);
        Random random = new Random(seed);
        Map<Refusal, Integer> seen = new EnumMap<>(Refusal.class);
        int accepted = 0;
        try (GatewayHarness harness = new GatewayHarness(data).start()) {
            GatewayClient fk = harness.clientAs("fk");
            Instant deadline = Instant.now().plus(BUDGET);
            for (int run = 0; run < RUNS && Instant.now().isBefore(deadline); run++) {
                byte[] body = random.nextBoolean() ? mutateThenSign(random) : signThenMutate(random);
                Answer answer = fk.post(body);
                Receipt receipt = Receipt.parse(answer.body());
                assertEquals(GATEWAY_SIGNER, XmlSignatures.verify(receipt.document()), "seed " + seed);
                if ("ACCEPTED".equals(receipt.status())) {
                    accepted++;
                } else {
                    Refusal refusal = Refusal.valueOf(receipt.code());
                    assertEquals(Refusal.Blame.SENDER, refusal.blame(), "seed " + seed + ", run " + run + ": " + answer.body());
                    seen.merge(refusal, 1, Integer::sum);
                }
            }
            assertEquals(accepted, harness.gateway().broker().depth("kommun.0180"), "seed " + seed);
        }
        System.out.println("IntakeFuzzTest accepted " + accepted + ", refused " + seen);
        assertNotEquals(0, seen.size());
        assertTrue(seen.size() >= 3, "the mutations should reach several stations: " + seen);
    }

    private static byte[] mutateThenSign(Random random) throws Exception {
        Document document = GatewayHarness.freshFixture(random.nextBoolean()
                ? "withdrawal-with-reasons-no-consent.xml" : "withdrawal-with-reasons-and-consent.xml");
        NodeList all = document.getElementsByTagNameNS("*", "*");
        Element target = (Element) all.item(random.nextInt(all.getLength()));
        switch (random.nextInt(5)) {
            case 0 -> { if (target != document.getDocumentElement()) target.getParentNode().removeChild(target); }
            case 1 -> { if (target != document.getDocumentElement()) target.getParentNode().insertBefore(target.cloneNode(true), target); }
            case 2 -> target.setTextContent(randomText(random));
            case 3 -> target.setAttribute("x" + random.nextInt(10), randomText(random));
            default -> { }
        }
        return MessageSigner.sign(document, GatewayHarness.key(random.nextInt(4) == 0 ? "kommun-0180" : "fk"));
    }

    private static byte[] signThenMutate(Random random) throws Exception {
        byte[] signed = GatewayHarness.signedFixture("withdrawal-with-reasons-no-consent.xml", "fk");
        int at = random.nextInt(signed.length);
        return switch (random.nextInt(4)) {
            case 0 -> { signed[at] = (byte) random.nextInt(256); yield signed; }
            case 1 -> Arrays.copyOf(signed, at);
            case 2 -> concat(Arrays.copyOf(signed, at), Arrays.copyOfRange(signed, random.nextInt(signed.length), signed.length));
            default -> signed;
        };
    }

    private static String randomText(Random random) {
        String[] samples = {"", " ", "0180", "202100-5521", "2026-13-45", "ÅÄÖ", "<", "&amp;", "x".repeat(300),
            "00000000-0000-4000-8000-000000000000", "MOTIVERING_TILL_KOMMUN", "19840709238" + random.nextInt(10)};
        return samples[random.nextInt(samples.length)];
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

}

package se.assistansbryggan.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;

/**
 * A signed statement that a trail had reached a line: instance, chain, the line's number and the
 * MAC of the line before it, signed with the gateway's signing key. It is itself that line of
 * the trail (a CHECKPOINT event) and is also kept outside it, beside the file and in the broker,
 * so a trail whose newest lines or whole file were deleted no longer reaches its latest checkpoint.
 */
public record Checkpoint(String instance, String chain, long seq, String prev, String time, String signature) {
    private static final String PURPOSE = "assistansbryggan-audit-checkpoint";

    /** The text the signature is over. */
    String signedText() {
        return String.join("|", PURPOSE, instance, chain, Long.toString(seq), prev, time);
    }

    static Checkpoint sign(String instance, String chain, long seq, String prev, String time, PrivateKey key) {
        Checkpoint unsigned = new Checkpoint(instance, chain, seq, prev, time, "");
        try {
            Signature signer = Signature.getInstance(algorithm(key.getAlgorithm()));
            signer.initSign(key);
            signer.update(unsigned.signedText().getBytes(StandardCharsets.UTF_8));
            return new Checkpoint(instance, chain, seq, prev, time, Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the checkpoint cannot be signed: " + e.getMessage(), e);
        }
    }

    /** True when the signature is the holder's of this public key over this checkpoint. */
    public boolean signedBy(PublicKey key) {
        try {
            Signature verifier = Signature.getInstance(algorithm(key.getAlgorithm()));
            verifier.initVerify(key);
            verifier.update(signedText().getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String algorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> "SHA256withRSA";
        };
    }

    /** The fields the trail's CHECKPOINT line carries besides seq, prev and time. */
    Map<String, Object> lineFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("chain", chain);
        fields.put("signature", signature);
        return fields;
    }

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("instance", instance);
        json.put("chain", chain);
        json.put("seq", seq);
        json.put("prev", prev);
        json.put("time", time);
        json.put("signature", signature);
        return Jsoner.serialize(json);
    }

    public static Checkpoint parse(String json) {
        try {
            JsonObject o = (JsonObject) Jsoner.deserialize(json);
            return new Checkpoint(o.getString("instance"), o.getString("chain"), ((Number) o.get("seq")).longValue(),
                    o.getString("prev"), o.getString("time"), o.getString("signature"));
        } catch (org.apache.camel.util.json.DeserializationException | ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("not a checkpoint: " + e.getMessage(), e);
        }
    }
}

package se.assistansbryggan.policy;

import java.time.Clock;
import java.time.OffsetDateTime;
import org.w3c.dom.Element;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.SchemaValues;

/**
 * The person's samtycke (consent) elements of a message. A consent counts only if it covers the
 * disclosure, was given before now, has not expired and has not been withdrawn (återkallat).
 */
public final class Consents {
    private Consents() {}

    public static boolean covers(Element root, String scope, Clock clock) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        for (Element consent : Dom.children(root, "Samtycke")) {
            if (scope.equals(SchemaValues.tokenValue(Dom.child(consent, "Omfattning"))) && inForce(consent, now)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inForce(Element consent, OffsetDateTime now) {
        if (SchemaValues.dateTimeValue(Dom.child(consent, "Lamnat"), "Samtycke/Lamnat").isAfter(now)) {
            return false;
        }
        Element until = Dom.childOrNull(consent, "GiltigtTill");
        if (until != null && SchemaValues.dateValue(until, "Samtycke/GiltigtTill").isBefore(now.toLocalDate())) {
            return false;
        }
        Element withdrawn = Dom.childOrNull(consent, "Aterkallat");
        return withdrawn == null || SchemaValues.dateTimeValue(withdrawn, "Samtycke/Aterkallat").isAfter(now);
    }
}

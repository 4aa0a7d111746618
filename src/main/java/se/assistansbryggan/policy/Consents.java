package se.assistansbryggan.policy;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.w3c.dom.Element;
import se.assistansbryggan.message.Dom;

/**
 * The person's samtycke (consent) elements of a message. A consent counts only if it covers the
 * disclosure, was given before now, has not expired and has not been withdrawn (återkallat).
 */
public final class Consents {
    private Consents() {}

    public static boolean covers(Element root, String scope, Clock clock) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        for (Element consent : Dom.children(root, "Samtycke")) {
            if (scope.equals(Dom.text(consent, "Omfattning")) && inForce(consent, now)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inForce(Element consent, OffsetDateTime now) {
        if (OffsetDateTime.parse(Dom.text(consent, "Lamnat")).isAfter(now)) {
            return false;
        }
        String until = Dom.textOrNull(consent, "GiltigtTill");
        if (until != null && LocalDate.parse(until).isBefore(now.toLocalDate())) {
            return false;
        }
        String withdrawn = Dom.textOrNull(consent, "Aterkallat");
        return withdrawn == null || OffsetDateTime.parse(withdrawn).isAfter(now);
    }
}

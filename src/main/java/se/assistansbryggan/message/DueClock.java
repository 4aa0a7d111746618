package se.assistansbryggan.message;

import java.time.Instant;

/**
 * A follow-up clock that came due, as the escalation or reminder document needs it: the message it
 * follows up, its type, the recipient id, when it came due, what it does and, for a reminder, the
 * date it reminds of, and when the recipient's system acknowledged receiving the message (null:
 * not reported; receipt is not contact).
 */
public record DueClock(String messageId, String type, String recipient, Instant due, ClockKind kind, String date, Instant receivedAt) {

    /** A clock whose message no pull acknowledgement reported received. */
    public DueClock(String messageId, String type, String recipient, Instant due, ClockKind kind, String date) {
        this(messageId, type, recipient, due, kind, date, null);
    }
}

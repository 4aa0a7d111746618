package se.assistansbryggan.message;

import java.time.Instant;

/**
 * A follow-up clock that came due, as the escalation or reminder document needs it: the message it
 * follows up, its type, the recipient id, when it came due, what it does and, for a reminder, the
 * date it reminds of.
 */
public record DueClock(String messageId, String type, String recipient, Instant due, ClockKind kind, String date) {}

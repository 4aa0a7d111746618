package se.assistansbryggan.policy;

import se.assistansbryggan.trust.Organisationsnummer;

/** A party of the directory, and the durable queue its messages are delivered to. */
public record Party(String id, Kind kind, String name, Organisationsnummer orgnr, String kommunkod) {

    /** What kind of authority a party is; the policy speaks in these. */
    public enum Kind { FK, IVO, KOMMUN }

    /** The party's durable queue, e.g. {@code kommun.0180}, {@code fk}, {@code ivo}. */
    public String queue() {
        return kind == Kind.KOMMUN ? "kommun." + kommunkod : kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Where reminders go when a notice was not acted on in time, e.g. {@code kommun.0180.escalations}. */
    public String escalationQueue() {
        return queue() + ".escalations";
    }
}

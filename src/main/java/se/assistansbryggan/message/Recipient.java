package se.assistansbryggan.message;

/**
 * Where one delivery goes: a party, or one of its units, each with its own durable queue
 * ({@code kommun.0180}, {@code kommun.0180.lss}) and escalation queue.
 */
public record Recipient(Party party, Party.Unit unit) {

    public static Recipient of(Party party) {
        return new Recipient(party, null);
    }

    public String id() {
        return unit == null ? party.id() : party.id() + "/" + unit.id();
    }

    public String queue() {
        return unit == null ? party.queue() : party.queue() + "." + unit.id();
    }

    public String escalationQueue() {
        return queue() + ".escalations";
    }

    public String name() {
        return unit == null ? party.name() : party.name() + ", " + unit.name();
    }
}

package se.assistansbryggan.message;

import java.util.List;

/**
 * A party of the directory, its units (e.g. a kommun's stadsdelsnämnder or LSS unit, seed 002),
 * and the durable queue its messages are delivered to.
 */
public record Party(String id, Kind kind, String name, Organisationsnummer orgnr, String kommunkod, List<Unit> units) {

    /**
     * What kind of party it is; the policy speaks in these. ANORDNARE is an assistance provider
     * holding (or having held) IVO's permit under 23 § LSS, not an authority.
     */
    public enum Kind { FK, IVO, KOMMUN, ANORDNARE }

    /** A function inside a party that receives its own messages on its own queue. */
    public record Unit(String id, String name) {}

    public Party {
        units = List.copyOf(units);
    }

    public Party(String id, Kind kind, String name, Organisationsnummer orgnr, String kommunkod) {
        this(id, kind, name, orgnr, kommunkod, List.of());
    }

    /** The party's durable queue, e.g. {@code kommun.0180}, {@code fk}, {@code ivo}, {@code anordnare.5569001232}. */
    public String queue() {
        return switch (kind) {
            case KOMMUN -> "kommun." + kommunkod;
            case ANORDNARE -> "anordnare." + orgnr.value().replace("-", "");
            default -> kind.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Where reminders go when a notice was not acted on in time, e.g. {@code kommun.0180.escalations}. */
    public String escalationQueue() {
        return queue() + ".escalations";
    }

    /** Kommuner and the providers that work with them under LSS write and read the municipal family; FK and IVO the FK family. */
    public SchemaFamily family() {
        return kind == Kind.KOMMUN || kind == Kind.ANORDNARE ? SchemaFamily.KOMMUN : SchemaFamily.FK;
    }

    /** The unit named by id or by its exact name, as a sender writes it in Enhet. */
    public java.util.Optional<Unit> unit(String idOrName) {
        return units.stream().filter(u -> u.id().equals(idOrName) || u.name().equals(idOrName)).findFirst();
    }

    /** Every queue the party reads: its own, each unit's, and their escalation queues. */
    public List<String> queues() {
        java.util.List<String> all = new java.util.ArrayList<>();
        all.add(queue());
        units.forEach(u -> all.add(new Recipient(this, u).queue()));
        // a clock that is not answered escalates on the recipient's own escalation queue (FK's: a transfer it did not answer)
        all.add(escalationQueue());
        units.forEach(u -> all.add(new Recipient(this, u).escalationQueue()));
        return List.copyOf(all);
    }
}

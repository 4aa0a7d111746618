package se.assistansbryggan.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import se.assistansbryggan.message.Luhn;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.Recipient;

/**
 * The parties the gateway knows, read from {@code config/parties.csv}
 * ({@code id;kind;name;organisationsnummer;kommunkod}), and their units from
 * {@code units.csv} beside it ({@code party id;unit id;name}), if present. Checked when loaded:
 * valid organisation numbers (Luhn), four-digit kommunkod for kommuner, no duplicates, units of
 * known parties with ids fit for a queue name; and their functional addresses from
 * {@code functions.csv} ({@code party id;message type;unit id}). Changing the files needs no code change.
 */
public final class PartyDirectory {
    private final Map<String, Party> byId = new LinkedHashMap<>();
    private final Map<Organisationsnummer, Party> byOrgnr = new LinkedHashMap<>();
    private final Map<String, Party> byKommunkod = new LinkedHashMap<>();
    private final Map<String, String> unconnected = new LinkedHashMap<>();
    /** A provider's IVO permit id, by party id (providers.csv). */
    private final Map<String, String> permits = new LinkedHashMap<>();
    /** Functional addresses: per party, the unit that receives a message type naming no unit. */
    private final Map<String, Map<MessageType, Party.Unit>> functions = new LinkedHashMap<>();

    public PartyDirectory(List<Party> parties) {
        this(parties, Map.of());
    }

    /** The parties, and kommuner known by kommunkod and name only (not connected: no verified organisation number). */
    public PartyDirectory(List<Party> parties, Map<String, String> unconnectedKommuner) {
        for (Party party : parties) {
            if (byId.putIfAbsent(party.id(), party) != null || byOrgnr.putIfAbsent(party.orgnr(), party) != null) {
                throw new IllegalArgumentException("party listed twice: " + party.id());
            }
            if (party.kommunkod() != null && byKommunkod.putIfAbsent(party.kommunkod(), party) != null) {
                throw new IllegalArgumentException("kommunkod listed twice: " + party.kommunkod());
            }
        }
        unconnectedKommuner.forEach((kod, name) -> {
            if (byKommunkod.containsKey(kod) || unconnected.putIfAbsent(kod, name) != null) {
                throw new IllegalArgumentException("kommunkod listed twice: " + kod);
            }
        });
    }

    public static PartyDirectory load(Path csv) {
        List<Party> parties = rows(csv, 5, "id;kind;name;organisationsnummer;kommunkod").stream()
                .map(f -> parse(f, csv + ": " + f[0])).toList();
        Map<String, String> unconnected = new LinkedHashMap<>();
        Path kommuner = csv.resolveSibling("kommuner.csv");
        if (Files.exists(kommuner)) {
            parties = withKommuner(parties, kommuner, unconnected);
        }
        Path units = csv.resolveSibling("units.csv");
        PartyDirectory directory = new PartyDirectory(Files.exists(units) ? withUnits(parties, units) : parties, unconnected);
        Path functions = csv.resolveSibling("functions.csv");
        if (Files.exists(functions)) {
            directory.declareFunctions(functions);
        }
        Path providers = csv.resolveSibling("providers.csv");
        if (Files.exists(providers)) {
            directory.declarePermits(providers);
        }
        return directory;
    }

    /** {@code providers.csv} ({@code party id;IVO permit id}): every ANORDNARE party's permit, once. */
    private void declarePermits(Path csv) {
        for (String[] f : rows(csv, 2, "party id;IVO permit id")) {
            Party party = byId(f[0]).orElseThrow(() -> new IllegalArgumentException(csv + ": no party " + f[0]));
            if (party.kind() != Party.Kind.ANORDNARE) {
                throw new IllegalArgumentException(csv + ": " + f[0] + " is not a provider (ANORDNARE)");
            }
            if (f[1].isBlank() || permits.putIfAbsent(party.id(), f[1]) != null) {
                throw new IllegalArgumentException(csv + ": " + f[0] + " needs one IVO permit id");
            }
        }
        for (Party provider : ofKind(Party.Kind.ANORDNARE)) {
            if (!permits.containsKey(provider.id())) {
                throw new IllegalArgumentException(csv + ": provider " + provider.id() + " has no IVO permit id");
            }
        }
    }

    /** A provider's IVO permit id (providers.csv). */
    public Optional<String> permitOf(Party provider) {
        return Optional.ofNullable(permits.get(provider.id()));
    }

    /**
     * {@code functions.csv} ({@code party id;message type;unit id}): which unit of a party receives a
     * message type when the sender names no unit (seed 002: notices must reach the LSS case officer,
     * not the economy office). Checked when loaded: a known party, type and unit of that party, once each.
     */
    private void declareFunctions(Path csv) {
        for (String[] f : rows(csv, 3, "party id;message type;unit id")) {
            Party party = byId(f[0]).orElseThrow(() -> new IllegalArgumentException(csv + ": no party " + f[0]));
            MessageType type;
            try {
                type = MessageType.valueOf(f[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(csv + ": no message type " + f[1], e);
            }
            Party.Unit unit = party.units().stream().filter(u -> u.id().equals(f[2])).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(csv + ": " + f[0] + " has no unit " + f[2] + " (units.csv)"));
            if (functions.computeIfAbsent(party.id(), k -> new LinkedHashMap<>()).putIfAbsent(type, unit) != null) {
                throw new IllegalArgumentException(csv + ": " + f[0] + " declares " + type + " twice");
            }
        }
    }

    /** The unit a party declared for a message type that names no unit, if any. */
    public Optional<Party.Unit> functionFor(Party party, MessageType type) {
        return Optional.ofNullable(functions.getOrDefault(party.id(), Map.of()).get(type));
    }

    /** A party's declared functional addresses, by message type. */
    public Map<MessageType, Party.Unit> functionsOf(Party party) {
        return Map.copyOf(functions.getOrDefault(party.id(), Map.of()));
    }

    /**
     * Every kommun of {@code kommuner.csv} ({@code kommunkod;name;organisationsnummer}): those with an
     * organisation number become parties unless parties.csv lists them (it must agree on the number);
     * the others are known but not connected.
     */
    private static List<Party> withKommuner(List<Party> parties, Path csv, Map<String, String> unconnected) {
        List<Party> all = new ArrayList<>(parties);
        Map<String, Party> listed = new LinkedHashMap<>();
        parties.stream().filter(p -> p.kommunkod() != null).forEach(p -> listed.put(p.kommunkod(), p));
        Set<String> seen = new java.util.HashSet<>();
        for (String[] f : rows(csv, 3, "kommunkod;name;organisationsnummer")) {
            if (!f[0].matches("\\d{4}") || !seen.add(f[0])) {
                throw new IllegalArgumentException(csv + ": not a kommunkod, or listed twice: " + f[0]);
            }
            Party party = listed.get(f[0]);
            if (party != null) {
                if (!f[2].isEmpty() && !Organisationsnummer.of(f[2]).equals(party.orgnr())) {
                    throw new IllegalArgumentException(csv + ": " + f[0] + " has another organisation number in parties.csv");
                }
            } else if (f[2].isEmpty()) {
                unconnected.put(f[0], f[1]);
            } else {
                all.add(new Party("kommun-" + f[0], Party.Kind.KOMMUN, f[1], Organisationsnummer.of(f[2]), f[0]));
            }
        }
        listed.keySet().stream().filter(k -> !seen.contains(k)).findFirst().ifPresent(k -> {
            throw new IllegalArgumentException(csv + ": parties.csv has a kommun " + k + " that is not in the register");
        });
        return all;
    }

    private static List<Party> withUnits(List<Party> parties, Path csv) {
        Map<String, List<Party.Unit>> units = new LinkedHashMap<>();
        Set<String> known = parties.stream().map(Party::id).collect(java.util.stream.Collectors.toSet());
        for (String[] f : rows(csv, 3, "party id;unit id;name")) {
            // "escalations" would be the party's own escalation queue
            if (!known.contains(f[0]) || !f[1].matches("[a-z0-9][a-z0-9-]{0,40}") || f[1].equals("escalations")) {
                throw new IllegalArgumentException(csv + ": unit " + f[1] + " of " + f[0]
                        + " (the party must exist; a unit id is lower-case letters, digits and hyphens)");
            }
            List<Party.Unit> of = units.computeIfAbsent(f[0], k -> new ArrayList<>());
            if (of.stream().anyMatch(u -> u.id().equals(f[1]))) {
                throw new IllegalArgumentException(csv + ": unit listed twice: " + f[0] + "/" + f[1]);
            }
            of.add(new Party.Unit(f[1], f[2]));
        }
        return parties.stream().map(p -> new Party(p.id(), p.kind(), p.name(), p.orgnr(), p.kommunkod(),
                units.getOrDefault(p.id(), List.of()))).toList();
    }

    private static List<String[]> rows(Path csv, int fields, String format) {
        List<String[]> rows = new ArrayList<>();
        try {
            int lineNumber = 0;
            for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
                lineNumber++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(";", -1);
                if (f.length != fields) {
                    throw new IllegalArgumentException(csv + ":" + lineNumber + ": expected " + format);
                }
                rows.add(java.util.Arrays.stream(f).map(String::trim).toArray(String[]::new));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + csv, e);
        }
        return rows;
    }

    private static Party parse(String[] f, String where) {
        Party.Kind kind = Party.Kind.valueOf(f[1].trim());
        String kommunkod = f[4];
        if ((kind == Party.Kind.KOMMUN) != kommunkod.matches("\\d{4}")) {
            throw new IllegalArgumentException(where + ": a kommun, and only a kommun, has a four-digit kommunkod");
        }
        return new Party(f[0], kind, f[2], Organisationsnummer.of(f[3]),
                kommunkod.isEmpty() ? null : kommunkod);
    }

    public Optional<Party> byOrganisationsnummer(Organisationsnummer orgnr) {
        return Optional.ofNullable(byOrgnr.get(orgnr));
    }

    /** The name of a kommun that is known but not connected (no verified organisation number yet). */
    public Optional<String> unconnectedKommun(String kommunkod) {
        return Optional.ofNullable(unconnected.get(kommunkod));
    }

    public Optional<Party> byKommunkod(String kommunkod) {
        return Optional.ofNullable(byKommunkod.get(kommunkod));
    }

    /** Every party of a kind (FK, IVO, or all kommuner). */
    public List<Party> ofKind(Party.Kind kind) {
        return byId.values().stream().filter(p -> p.kind() == kind).toList();
    }

    /** A recipient by its id: a party's, or {@code party/unit}. */
    public Optional<Recipient> recipient(String id) {
        String[] parts = id.split("/", 2);
        return byId(parts[0]).flatMap(p -> parts.length == 1 ? Optional.of(Recipient.of(p))
                : p.unit(parts[1]).map(u -> new Recipient(p, u)));
    }

    public Optional<Party> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<Party> all() {
        return List.copyOf(byId.values());
    }
}

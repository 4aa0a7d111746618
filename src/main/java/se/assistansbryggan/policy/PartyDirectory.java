package se.assistansbryggan.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import se.assistansbryggan.trust.Organisationsnummer;

/**
 * The parties the gateway knows, read from {@code config/parties.csv}
 * ({@code id;kind;name;organisationsnummer;kommunkod}). Checked when loaded: valid organisation
 * numbers, four-digit kommunkod for kommuner, no duplicates.
 */
public final class PartyDirectory {
    private final Map<String, Party> byId = new LinkedHashMap<>();
    private final Map<Organisationsnummer, Party> byOrgnr = new LinkedHashMap<>();

    public PartyDirectory(List<Party> parties) {
        for (Party party : parties) {
            if (byId.putIfAbsent(party.id(), party) != null || byOrgnr.putIfAbsent(party.orgnr(), party) != null) {
                throw new IllegalArgumentException("party listed twice: " + party.id());
            }
        }
    }

    public static PartyDirectory load(Path csv) {
        List<Party> parties = new ArrayList<>();
        try {
            int lineNumber = 0;
            for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
                lineNumber++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                parties.add(parse(line, csv + ":" + lineNumber));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the party directory " + csv, e);
        }
        return new PartyDirectory(parties);
    }

    private static Party parse(String line, String where) {
        String[] f = line.split(";", -1);
        if (f.length != 5) {
            throw new IllegalArgumentException(where + ": expected id;kind;name;organisationsnummer;kommunkod");
        }
        Party.Kind kind = Party.Kind.valueOf(f[1].trim());
        String kommunkod = f[4].trim();
        if ((kind == Party.Kind.KOMMUN) != kommunkod.matches("\\d{4}")) {
            throw new IllegalArgumentException(where + ": a kommun, and only a kommun, has a four-digit kommunkod");
        }
        return new Party(f[0].trim(), kind, f[2].trim(), Organisationsnummer.of(f[3].trim()),
                kommunkod.isEmpty() ? null : kommunkod);
    }

    public Optional<Party> byOrganisationsnummer(Organisationsnummer orgnr) {
        return Optional.ofNullable(byOrgnr.get(orgnr));
    }

    public Optional<Party> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<Party> all() {
        return List.copyOf(byId.values());
    }
}

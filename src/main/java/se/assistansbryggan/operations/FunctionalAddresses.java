package se.assistansbryggan.operations;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.Party;
import se.assistansbryggan.message.Recipient;
import se.assistansbryggan.trust.PartyDirectory;

/**
 * The functional addresses parties declared ({@code config/functions.csv}): which unit receives a
 * message type that names none, as operators ({@code GET /operations/functions}) and each party
 * ({@code GET /pull/functions}) list them.
 */
final class FunctionalAddresses {
    private FunctionalAddresses() {}

    static List<Map<String, Object>> of(PartyDirectory directory, Collection<Party> parties) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Party party : parties) {
            directory.functionsOf(party).entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(declared -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("party", party.id());
                row.put("name", party.name());
                row.put("type", declared.getKey().name());
                row.put("unit", declared.getValue().id());
                row.put("unitName", declared.getValue().name());
                row.put("queue", new Recipient(party, declared.getValue()).queue());
                rows.add(row);
            });
        }
        return rows;
    }

    /** Types a party declared no unit for go to its own queue: say so, so a listing is complete. */
    static List<String> undeclared(PartyDirectory directory, Party party) {
        return java.util.Arrays.stream(MessageType.values()).filter(t -> !directory.functionsOf(party).containsKey(t))
                .map(MessageType::name).toList();
    }
}

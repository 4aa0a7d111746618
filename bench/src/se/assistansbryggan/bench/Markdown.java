package se.assistansbryggan.bench;

import java.util.Map;

/** The benchmark report as a Markdown table a person reads. */
final class Markdown {
    private Markdown() {}

    @SuppressWarnings("unchecked")
    static String of(Map<String, Object> report) {
        Map<String, Object> limits = (Map<String, Object>) report.get("limits");
        Map<String, Object> closed = (Map<String, Object>) report.get("closedLoop");
        Map<String, Object> open = (Map<String, Object>) report.get("openLoop");
        Map<String, Object> ratios = (Map<String, Object>) report.get("ratios");
        Map<String, Object> once = (Map<String, Object>) report.get("exactlyOnce");
        StringBuilder md = new StringBuilder("# Assistansbryggan benchmark\n\n");
        md.append("| mode | accepted/s | p50 ms | p95 ms | p99 ms | max ms | CPU % | peak heap MB | heap after GC MB | max heap MB |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        row(md, "closed loop", closed);
        row(md, "open loop (fixed rate)", open);
        Map<String, Object> misbehaving = (Map<String, Object>) report.get("whileOneMisbehaves");
        row(md, "open loop while one party misbehaves", (Map<String, Object>) misbehaving.get("wellBehaved"));
        md.append("\n| mode | generator share of CPU % | gateway CPU ms per message | gateway alone, projected /s | JIT % of CPU (compiler threads' CPU) | GC % of time (pauses) |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (var mode : java.util.List.of(Map.entry("closed loop", closed), Map.entry("open loop", open), Map.entry(
                "open loop while one party misbehaves", (Map<String, Object>) misbehaving.get("wellBehaved")))) {
            md.append("| ").append(mode.getKey()).append(" | ").append(mode.getValue().get("generatorShareOfCpuPercent")).append(" | ")
                    .append(mode.getValue().get("gatewayCpuMsPerMessage")).append(" | ")
                    .append(mode.getValue().get("gatewayOnlyProjectedPerSecond")).append(" | ")
                    .append(mode.getValue().get("jitPercentOfCpu")).append(" | ")
                    .append(mode.getValue().get("gcPercentOfTime")).append(" |\n");
        }
        md.append("\nWhere the gateway's CPU went, ms per accepted message (stations metered on the request threads; "
                + "the other parts by thread; the generator's threads left out):\n\n| part | closed loop | open loop |\n|---|---|---|\n");
        Map<String, Object> closedBy = (Map<String, Object>) closed.get("gatewayCpuMsPerMessageBy");
        Map<String, Object> openBy = (Map<String, Object>) open.get("gatewayCpuMsPerMessageBy");
        closedBy.forEach((part, ms) -> md.append("| ").append(part).append(" | ").append(ms).append(" | ")
                .append(openBy.getOrDefault(part, "")).append(" |\n"));
        md.append("| cryptography a message needs (one verification, two signatures; measured in one thread's CPU time, parsing left out) | ")
                .append(limits.get("cryptoMsPerMessage")).append(" | |\n");
        Map<String, Object> closedCrypto = (Map<String, Object>) closed.get("cryptoInSitu");
        Map<String, Object> openCrypto = (Map<String, Object>) open.get("cryptoInSitu");
        md.append("| the same cryptography at what it cost in the gateway in each phase (within the parts above; each operation's thread CPU, "
                + "one in eight timed at random) | ").append(closedCrypto.get("oneVerificationTwoSignaturesMs")).append(" | ")
                .append(openCrypto.get("oneVerificationTwoSignaturesMs")).append(" |\n");
        md.append("\nThe signatures the gateway made and checked (closed loop; open loop): ").append(closedCrypto.get("signaturesPerMessage"))
                .append(" and ").append(openCrypto.get("signaturesPerMessage")).append(" made and ").append(closedCrypto.get("verificationsPerMessage"))
                .append(" and ").append(openCrypto.get("verificationsPerMessage")).append(" checked per accepted message, at ")
                .append(closedCrypto.get("signatureMicros")).append(" and ").append(openCrypto.get("signatureMicros")).append(" µs a signature and ")
                .append(closedCrypto.get("verificationMicros")).append(" and ").append(openCrypto.get("verificationMicros"))
                .append(" µs a verification of their thread's CPU (the yardstick: ")
                .append(Benchmark.round(1e6 / ((Number) limits.get("signaturesPerSecondPerCore")).doubleValue())).append(" and ")
                .append(Benchmark.round(1e6 / ((Number) limits.get("verificationsPerSecondPerCore")).doubleValue())).append(" µs alone).\n");
        md.append("\nWhile one party misbehaved (").append(misbehaving.get("misbehavingParty")).append(" kept ")
                .append(misbehaving.get("slowRequestsKeptOpen")).append(" requests open, each body a byte every 200 ms, three times its share of ")
                .append(misbehaving.get("itsShare")).append("), the others sent at the open loop's rate; it was answered, by HTTP status (then waiting Retry-After): ")
                .append(misbehaving.get("misbehavingPartyAnsweredByStatus")).append(".\n");
        Map<String, Object> held = (Map<String, Object>) report.get("heldWhenMeasuringBegan");
        md.append("\nWhen the closed loop began, after the warm-up: ").append(held.get("acceptedBefore"))
                .append(" messages accepted, ").append(held.get("receiptsKept")).append(" receipts kept (")
                .append(held.get("receiptQueuesPaging")).append(" of their ").append(se.assistansbryggan.delivery.Handoff.receiptQueues().size())
                .append(" queues paging to disk), ").append(held.get("followUpClocksOpen")).append(" follow-up clocks open (")
                .append(held.get("followUpClocksScheduled")).append(" of them scheduled, ")
                .append(Boolean.TRUE.equals(held.get("followUpClocksPaging")) ? "paging to disk" : "in memory")
                .append("; the others held on ").append(held.get("heldClockDays")).append(" days' queues, ")
                .append(held.get("heldClockDaysPaging")).append(" of them paging to disk)")
                .append(". What the broker holds may add to its and the collector's CPU per message.\n");
        md.append("\nDeliveries the consumers had not yet read when the closed loop ended: ")
                .append(closed.get("deliveriesNotYetReadAtTheEnd")).append(".\n");
        if (Boolean.TRUE.equals(closed.get("ranOutOfPresignedMessages"))) {
            md.append("\nThe closed loop ran out of presigned messages before its time was up: its figure is a floor "
                    + "(raise -Dbench.messages).\n");
        }
        Map<String, Object> warmUp = (Map<String, Object>) report.get("warmUp");
        md.append("\nWarm-up before measuring (until the JIT settles: its compiler threads under ").append(Benchmark.JIT_SETTLED_PERCENT)
                .append(" % of a core in each of ").append(Benchmark.JIT_QUIET_WINDOWS).append(" windows of ").append(Benchmark.JIT_WINDOW_SECONDS)
                .append(" s in a row, the senders running the closed loop's own loop; the PERMIT_REVOCATION fan-out between the stages):");
        for (var stage : warmUp.values()) {
            Map<String, Object> st = (Map<String, Object>) stage;
            md.append(" ").append(st.get("messages")).append(" messages from ").append(st.get("senders")).append(" senders in ")
                    .append(st.get("seconds")).append(" s, the JIT at ").append(st.get("jitPercentOfOneCoreAtTheEnd"))
                    .append(" % of a core at the end (").append(st.getOrDefault("ended", Boolean.TRUE.equals(st.get("settled")) ? "settled" : "time cap"))
                    .append(");");
        }
        md.setLength(md.length() - 1);
        md.append(".\n");
        md.append("\n| limit measured in this run | value |\n|---|---|\n");
        limits.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n| ratio | value |\n|---|---|\n");
        ratios.forEach((k, v) -> md.append("| closed loop: ").append(k.startsWith("of") ? "throughput " + k : k).append(" | ")
                .append(v).append(" |\n"));
        Map<String, Object> transfer = (Map<String, Object>) report.get("transfer2026");
        md.append("\nThe 2026 transfer: ").append(transfer.get("accepted")).append(" of ").append(transfer.get("messages"))
                .append(" DECISION_TRANSFER accepted and delivered in ").append(transfer.get("seconds")).append(" s (")
                .append(transfer.get("acceptedPerSecond")).append("/s; target under ").append(transfer.get("targetSeconds"))
                .append(" s).\n");
        Map<String, Object> resends = (Map<String, Object>) report.get("resends");
        md.append("\nResends (the original receipt looked up among all kept): ").append(resends.get("originalReceiptReturned"))
                .append(" of ").append(resends.get("resent")).append(" answered with it, p50 ").append(resends.get("p50ms"))
                .append(" ms, max ").append(resends.get("maxMs")).append(" ms.\n");
        Map<String, Object> fanOut = (Map<String, Object>) report.get("fanOutToEveryKommun");
        md.append("\nA PERMIT_REVOCATION naming all 290 kommuner (").append(fanOut.get("recipientsEach"))
                .append(" signed, minimised copies in one transaction): ").append(fanOut.get("accepted")).append(" of ")
                .append(fanOut.get("messages")).append(" accepted, one at a time, p50 ").append(fanOut.get("p50ms"))
                .append(" ms, max ").append(fanOut.get("maxMs")).append(" ms.\n");
        md.append("\nExactly once (every type, every queue): ").append(once).append("\n");
        md.append("\nThe generator's presigned messages (").append(report.get("presignedMB"))
                .append(" MB) are kept outside the heap, in direct buffers; each send takes a copy.\n");
        md.append("\nCPU and heap are the whole JVM: the gateway, the load generator (senders, the copies they send) and the\n"
                + "consumers reading every queue (as FK and the kommuner do) share this machine; the generator's share counts both.\n");
        return md.toString();
    }

    private static void row(StringBuilder md, String name, Map<String, Object> r) {
        md.append("| ").append(name).append(" | ").append(r.get("acceptedPerSecond")).append(" | ").append(r.get("p50ms"))
                .append(" | ").append(r.get("p95ms")).append(" | ").append(r.get("p99ms")).append(" | ").append(r.get("maxMs"))
                .append(" | ").append(r.get("cpuPercent")).append(" | ").append(r.get("peakHeapMB"))
                .append(" | ").append(r.get("heapAfterGcMB")).append(" | ").append(r.get("maxHeapMB")).append(" |\n");
    }
}

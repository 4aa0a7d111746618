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
        md.append("| mode | accepted/s | p50 ms | p95 ms | p99 ms | max ms | CPU % | peak heap MB |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        row(md, "closed loop", closed);
        row(md, "open loop (fixed rate)", open);
        md.append("\n| limit measured in this run | value |\n|---|---|\n");
        limits.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n| ratio | value |\n|---|---|\n");
        ratios.forEach((k, v) -> md.append("| closed-loop throughput ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\nExactly once: ").append(once).append("\n");
        md.append("\nCPU and heap are the whole JVM: the gateway and the load generator share this machine.\n");
        return md.toString();
    }

    private static void row(StringBuilder md, String name, Map<String, Object> r) {
        md.append("| ").append(name).append(" | ").append(r.get("acceptedPerSecond")).append(" | ").append(r.get("p50ms"))
                .append(" | ").append(r.get("p95ms")).append(" | ").append(r.get("p99ms")).append(" | ").append(r.get("maxMs"))
                .append(" | ").append(r.get("cpuPercent")).append(" | ").append(r.get("peakHeapMB")).append(" |\n");
    }
}

package dev.msm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Turns the measurements of {@link LoadBenchmark} into {@code load-<yyyy-MM-dd-HHmm>.md}, the same as {@code .json},
 * and {@code load-latest.md}: medians over rounds, the ratio to StandardManager (per round, median over rounds), store
 * commands and CPU per request, the sequential probe, the targets of TARGETS.md met or missed, and every round's raw
 * numbers.
 */
final class LoadReport {

    /** Where {@code TARGETS.md}'s throughput targets are checked: configuration, page, minimum ratio. */
    private static final List<Object[]> RATIO_TARGETS = List.of(
            new Object[] {"B", "read", 0.95}, new Object[] {"B", "modify", 0.90},
            new Object[] {"C", "read", 0.45}, new Object[] {"C", "modify", 0.30},
            new Object[] {"D", "read", 0.45}, new Object[] {"D", "modify", 0.30});

    /** {@code TARGETS.md}'s store commands per request: configuration, request, maximum. */
    private static final List<Object[]> OPS_TARGETS = List.of(
            new Object[] {"B", "read-only page, existing session", 0.0},
            new Object[] {"B", "modifying page", 1.0},
            new Object[] {"B", "page that never calls getSession, with cookie", 0.0},
            new Object[] {"B", "static resource with cookie", 0.0},
            new Object[] {"B", "new session", 2.0},
            new Object[] {"C", "read-only page, existing session", 1.0},
            new Object[] {"C", "modifying page", 3.0},
            new Object[] {"C", "page that never calls getSession, with cookie", 0.0},
            new Object[] {"C", "static resource with cookie", 0.0},
            new Object[] {"C", "new session", 2.0},
            new Object[] {"D", "modifying page", 5.0},
            new Object[] {"D", "page that never calls getSession, with cookie", 0.0},
            new Object[] {"D", "static resource with cookie", 0.0},
            new Object[] {"D", "new session", 2.0});

    private LoadReport() {
    }

    /**
     * Everything a report shows.
     *
     * @param settings the benchmark's settings
     * @param started  when it started
     * @param seconds  how long it ran
     * @param machine  {@link Machine#describe}
     * @param software versions
     * @param labels   configuration key to label
     * @param managers configuration key to its {@code <Manager>} attributes
     * @param runs     the measurements
     * @param probes   configuration key to request kind to store commands (over all probe requests)
     * @param profiles "config page" to a markdown summary of its JFR recording
     * @param notes    anything that went wrong or was cut short
     */
    record Data(LoadBenchmark.Settings settings, LocalDateTime started, long seconds, Map<String, String> machine,
            Map<String, String> software, Map<String, String> labels, Map<String, Map<String, String>> managers,
            List<LoadBenchmark.Run> runs, Map<String, Map<String, Map<String, Long>>> probes,
            Map<String, String> profiles, List<String> notes) {
    }

    /**
     * A configuration's result on one page over all rounds.
     *
     * @param config        configuration key
     * @param page          page key
     * @param rps           median requests per second
     * @param p50Ms         median of the rounds' median latency
     * @param p99Ms         median of the rounds' 99th percentile latency
     * @param ratio         median over rounds of the ratio to A in the same round, NaN without A
     * @param ratios        the ratio of each round
     * @param opsPerRequest store commands per request, over all rounds
     * @param ops           store commands per request by command, over all rounds
     * @param statusErrors  responses with status 400 or more, all rounds
     * @param socketErrors  socket errors, all rounds
     * @param tomcatUserUs  Tomcat's user CPU per request, µs
     * @param tomcatSysUs   Tomcat's system (kernel) CPU per request, µs
     * @param storeCpuUs    the store servers' CPU per request, µs
     * @param busy          share of the machine's CPU that was busy during the measurements
     * @param checks        the session checks that failed, empty when all passed
     */
    record Summary(String config, String page, double rps, double p50Ms, double p99Ms, double ratio,
            List<Double> ratios, double opsPerRequest, Map<String, Double> ops, long statusErrors, long socketErrors,
            double tomcatUserUs, double tomcatSysUs, double storeCpuUs, double busy, Set<String> checks) {
    }

    /**
     * Writes the three files.
     *
     * @param data the results
     * @return the markdown file of this run
     * @throws IOException when a file cannot be written
     */
    static Path write(Data data) throws IOException {
        Files.createDirectories(data.settings().results());
        String stamp = data.started().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
        String name = "load-" + stamp;
        List<Summary> summaries = summarize(data);
        Path md = data.settings().results().resolve(name + ".md");
        String text = markdown(data, summaries, name + ".json");
        Files.writeString(md, text, StandardCharsets.UTF_8);
        Files.writeString(data.settings().results().resolve("load-latest.md"), text, StandardCharsets.UTF_8);
        Files.writeString(data.settings().results().resolve(name + ".json"), Json.write(json(data, summaries)),
                StandardCharsets.UTF_8);
        return md;
    }

    /**
     * @param data the results
     * @return one summary per configuration and page, in the order of the configurations
     */
    static List<Summary> summarize(Data data) {
        List<Summary> out = new ArrayList<>();
        for (String config : data.labels().keySet()) {
            for (LoadBenchmark.Page page : LoadBenchmark.Page.ALL) {
                List<LoadBenchmark.Run> runs = data.runs().stream()
                        .filter(r -> r.config().equals(config) && r.page().equals(page.key())).toList();
                if (runs.isEmpty()) {
                    continue;
                }
                List<Double> ratios = new ArrayList<>();
                for (LoadBenchmark.Run r : runs) {
                    data.runs().stream().filter(b -> b.config().equals("A") && b.page().equals(page.key())
                            && b.round() == r.round()).findFirst()
                            .ifPresent(b -> ratios.add(r.wrk().rps() / b.wrk().rps()));
                }
                long requests = runs.stream().mapToLong(r -> r.wrk().requests()).sum();
                Map<String, Double> ops = new TreeMap<>();
                runs.forEach(r -> r.ops().forEach((k, v) -> ops.merge(k, (double) v / Math.max(1, requests),
                        Double::sum)));
                Set<String> checks = new LinkedHashSet<>();
                runs.stream().filter(r -> !r.check().equals("ok"))
                        .forEach(r -> checks.add("round " + r.round() + ": " + r.check()));
                double busy = runs.stream().mapToDouble(LoadBenchmark.Run::machineBusyMs).sum()
                        / Math.max(1, runs.stream().mapToDouble(LoadBenchmark.Run::machineMs).sum());
                out.add(new Summary(config, page.key(), median(runs, r -> r.wrk().rps()),
                        median(runs, r -> r.wrk().p50Ms()), median(runs, r -> r.wrk().p99Ms()),
                        ratios.isEmpty() ? Double.NaN : median(ratios, d -> d), ratios,
                        ops.values().stream().mapToDouble(Double::doubleValue).sum(), ops,
                        runs.stream().mapToLong(r -> r.wrk().statusErrors()).sum(),
                        runs.stream().mapToLong(r -> r.wrk().socketErrors()).sum(),
                        1000 * runs.stream().mapToDouble(LoadBenchmark.Run::tomcatUserMs).sum() / Math.max(1, requests),
                        1000 * runs.stream().mapToDouble(LoadBenchmark.Run::tomcatSysMs).sum() / Math.max(1, requests),
                        1000 * runs.stream().mapToDouble(LoadBenchmark.Run::storeCpuMs).sum() / Math.max(1, requests),
                        busy, checks));
            }
        }
        return out;
    }

    private static <T> double median(List<T> values, ToDoubleFunction<T> f) {
        double[] d = values.stream().mapToDouble(f).sorted().toArray();
        if (d.length == 0) {
            return Double.NaN;
        }
        return d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
    }

    private static String markdown(Data data, List<Summary> summaries, String jsonName) {
        LoadBenchmark.Settings s = data.settings();
        StringBuilder md = new StringBuilder("# Load benchmark: msm vs StandardManager vs Redisson\n\n");
        md.append("Measured ").append(data.started().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .append(" by `bench/load.sh` (`dev.msm.bench.LoadBenchmark`) in ").append(data.seconds())
                .append(" s; machine-readable: `").append(jsonName).append("`.\n\n");
        md.append("- machine: ");
        md.append(String.join(", ", data.machine().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .toList())).append('\n');
        data.software().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("- load: `wrk -t").append(s.connections()).append(" -c").append(s.connections()).append(" -d")
                .append(s.duration().toSeconds()).append("s --latency` on 127.0.0.1, one session per connection ")
                .append("(one wrk thread per connection: wrk's Lua state is per thread), sessions created before; ")
                .append("each Tomcat warmed before the rounds (both pages with ").append(s.connections() / 4)
                .append(", then ").append(s.connections()).append(" connections, ")
                .append(s.initialWarmup().toSeconds()).append(" s each) and for ").append(s.warmup().toSeconds())
                .append(" s before each measurement; ").append(s.rounds())
                .append(" rounds requested, configurations interleaved in each (")
                .append(String.join(" ", data.labels().keySet())).append(")\n");
        md.append("- configurations (each its own Tomcat; each msm one its own two memcached nodes):\n");
        data.labels().forEach((k, v) -> md.append("  - ").append(k).append(": ").append(v).append(" — `")
                .append(managerText(data.managers().get(k))).append("`\n"));
        if (!data.notes().isEmpty()) {
            md.append("\n**Notes:**\n");
            data.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }

        md.append("\n## Throughput and latency (median over rounds)\n\n")
                .append("| configuration | page | req/s | p50 (ms) | p99 (ms) | ratio to StandardManager | per round "
                        + "| status ≥ 400 | store ops/request | sessions after the run |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Summary x : summaries) {
            md.append("| ").append(x.config()).append(" ").append(data.labels().get(x.config())).append(" | ")
                    .append(LoadBenchmark.Page.of(x.page()).label()).append(" | ").append(f0(x.rps())).append(" | ")
                    .append(f2(x.p50Ms())).append(" | ").append(f2(x.p99Ms())).append(" | **")
                    .append(f2(x.ratio())).append("** | ")
                    .append(String.join(", ", x.ratios().stream().map(LoadReport::f2).toList())).append(" | ")
                    .append(x.statusErrors() + x.socketErrors() == 0 ? "0" : "**" + x.statusErrors() + " (+"
                            + x.socketErrors() + " socket errors) FLAGGED**").append(" | ")
                    .append(f2(x.opsPerRequest())).append(opsText(x.ops())).append(" | ")
                    .append(x.checks().isEmpty() ? "ok" : "**" + String.join("; ", x.checks()) + "**")
                    .append(" |\n");
        }

        md.append("\n## Targets of TARGETS.md\n\n| target | measured | met |\n|---|---|---|\n");
        for (Object[] t : RATIO_TARGETS) {
            summaries.stream().filter(x -> x.config().equals(t[0]) && x.page().equals(t[1])).findFirst()
                    .ifPresent(x -> md.append("| ").append(t[0]).append(" ").append(data.labels().get(x.config()))
                            .append(", ").append(LoadBenchmark.Page.of(x.page()).label()).append(": ratio ≥ ")
                            .append(f2((Double) t[2])).append(" | ").append(f2(x.ratio())).append(" | ")
                            .append(x.ratio() >= (Double) t[2] ? "yes" : "**no**").append(" |\n"));
        }
        for (Summary x : summaries) {
            if (x.config().equals("A") || x.config().equals("E")) {
                continue;
            }
            summaries.stream().filter(e -> e.config().equals("E") && e.page().equals(x.page())).findFirst()
                    .ifPresent(e -> md.append("| ").append(x.config()).append(" beats Redisson, ")
                            .append(LoadBenchmark.Page.of(x.page()).label()).append(" | ").append(f0(x.rps()))
                            .append(" vs ").append(f0(e.rps())).append(" req/s | ")
                            .append(x.rps() > e.rps() ? "yes" : "**no**").append(" |\n"));
        }
        for (Object[] t : OPS_TARGETS) {
            Map<String, Map<String, Long>> probe = data.probes().get((String) t[0]);
            if (probe == null || probe.get((String) t[1]) == null) {
                continue;
            }
            double measured = StoreCounters.total(probe.get((String) t[1])) / (double) s.probeRequests();
            md.append("| ").append(t[0]).append(" ").append(t[1]).append(": store ops/request ≤ ")
                    .append(f0((Double) t[2])).append(" | ").append(f2(measured)).append(" | ")
                    .append(measured <= (Double) t[2] + 0.005 ? "yes" : "**no**").append(" |\n");
        }

        if (!data.probes().isEmpty()) {
            md.append("\n## Store commands per request (").append(s.probeRequests())
                    .append(" sequential requests of each kind, before the rounds)\n\n| request |");
            data.probes().keySet().forEach(k -> md.append(' ').append(k).append(' ')
                    .append(data.labels().get(k)).append(" |"));
            md.append("\n|---|").append("---|".repeat(data.probes().size())).append('\n');
            Set<String> kinds = new LinkedHashSet<>();
            data.probes().values().forEach(p -> kinds.addAll(p.keySet()));
            for (String kind : kinds) {
                md.append("| ").append(kind).append(" |");
                for (Map<String, Map<String, Long>> p : data.probes().values()) {
                    Map<String, Long> c = p.get(kind);
                    if (c == null) {
                        md.append(" |");
                        continue;
                    }
                    Map<String, Double> per = new TreeMap<>();
                    c.forEach((k, v) -> per.put(k, v / (double) s.probeRequests()));
                    md.append(' ').append(f2(StoreCounters.total(c) / (double) s.probeRequests()))
                            .append(opsText(per)).append(" |");
                }
                md.append('\n');
            }
        }

        md.append("\n## CPU per request (all rounds; µs of CPU time per request)\n\n| configuration | page "
                + "| Tomcat user | Tomcat kernel | store servers | machine busy |\n|---|---|---|---|---|---|\n");
        for (Summary x : summaries) {
            md.append("| ").append(x.config()).append(" | ").append(x.page()).append(" | ")
                    .append(f0(x.tomcatUserUs())).append(" | ").append(f0(x.tomcatSysUs())).append(" | ")
                    .append(f0(x.storeCpuUs())).append(" | ").append(f0(100 * x.busy())).append("% |\n");
        }

        md.append("\n## Every measurement\n\n| round | configuration | page | req/s | p50 (ms) | p90 (ms) | p99 (ms) "
                + "| max (ms) | requests | status ≥ 400 | socket errors | store ops/request | sessions |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<LoadBenchmark.Run> ordered = new ArrayList<>(data.runs());
        ordered.sort(Comparator.comparingInt(LoadBenchmark.Run::round));
        for (LoadBenchmark.Run r : ordered) {
            Wrk.Result w = r.wrk();
            md.append("| ").append(r.round()).append(" | ").append(r.config()).append(" | ").append(r.page())
                    .append(" | ").append(f0(w.rps())).append(" | ").append(f2(w.p50Ms())).append(" | ")
                    .append(f2(w.p90Ms())).append(" | ").append(f2(w.p99Ms())).append(" | ").append(f2(w.maxMs()))
                    .append(" | ").append(w.requests()).append(" | ").append(w.statusErrors()).append(" | ")
                    .append(w.socketErrors()).append(" | ").append(f2(r.opsPerRequest())).append(" | ")
                    .append(r.check()).append(" |\n");
        }

        if (!data.profiles().isEmpty()) {
            md.append("\n## Profiles (JFR CPU samples of Tomcat's JVM, one extra run each)\n");
            data.profiles().forEach((k, v) -> md.append("\n### ").append(k).append("\n\n").append(v));
        }
        return md.toString();
    }

    private static String managerText(Map<String, String> manager) {
        StringBuilder sb = new StringBuilder("<Manager");
        manager.forEach((k, v) -> sb.append(' ').append(k).append("=\"").append(v).append('"'));
        return sb.append("/>").toString();
    }

    private static String opsText(Map<String, Double> ops) {
        if (ops.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        ops.forEach((k, v) -> {
            if (v >= 0.005) {
                parts.add(f2(v) + " " + k);
            }
        });
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static Map<String, Object> json(Data data, List<Summary> summaries) {
        LoadBenchmark.Settings s = data.settings();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("started", data.started().toString());
        root.put("seconds", data.seconds());
        root.put("machine", data.machine());
        root.put("software", data.software());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("rounds", s.rounds());
        settings.put("durationSeconds", s.duration().toSeconds());
        settings.put("warmupSeconds", s.warmup().toSeconds());
        settings.put("initialWarmupSeconds", s.initialWarmup().toSeconds());
        settings.put("connections", s.connections());
        settings.put("wrk", "wrk -t" + s.connections() + " -c" + s.connections() + " -d" + s.duration().toSeconds()
                + "s --latency");
        settings.put("probeRequests", s.probeRequests());
        root.put("settings", settings);
        Map<String, Object> configs = new LinkedHashMap<>();
        data.labels().forEach((k, v) -> configs.put(k, Map.of("label", v, "manager", data.managers().get(k))));
        root.put("configurations", configs);
        List<Object> sums = new ArrayList<>();
        for (Summary x : summaries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("configuration", x.config());
            m.put("page", x.page());
            m.put("rps", x.rps());
            m.put("p50Ms", x.p50Ms());
            m.put("p99Ms", x.p99Ms());
            m.put("ratioToStandardManager", x.ratio());
            m.put("ratiosPerRound", x.ratios());
            m.put("storeOpsPerRequest", x.opsPerRequest());
            m.put("storeOpsPerRequestByCommand", x.ops());
            m.put("statusErrors", x.statusErrors());
            m.put("socketErrors", x.socketErrors());
            m.put("tomcatUserCpuMicrosPerRequest", x.tomcatUserUs());
            m.put("tomcatKernelCpuMicrosPerRequest", x.tomcatSysUs());
            m.put("storeCpuMicrosPerRequest", x.storeCpuUs());
            m.put("machineBusy", x.busy());
            m.put("sessionChecks", x.checks().isEmpty() ? List.of("ok") : new ArrayList<>(x.checks()));
            sums.add(m);
        }
        root.put("summary", sums);
        List<Object> runs = new ArrayList<>();
        for (LoadBenchmark.Run r : data.runs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("round", r.round());
            m.put("configuration", r.config());
            m.put("page", r.page());
            m.put("rps", r.wrk().rps());
            m.put("requests", r.wrk().requests());
            m.put("seconds", r.wrk().seconds());
            m.put("p50Ms", r.wrk().p50Ms());
            m.put("p90Ms", r.wrk().p90Ms());
            m.put("p99Ms", r.wrk().p99Ms());
            m.put("meanMs", r.wrk().meanMs());
            m.put("maxMs", r.wrk().maxMs());
            m.put("statusErrors", r.wrk().statusErrors());
            m.put("socketErrors", r.wrk().socketErrors());
            m.put("storeOps", r.ops());
            m.put("tomcatUserCpuMs", r.tomcatUserMs());
            m.put("tomcatKernelCpuMs", r.tomcatSysMs());
            m.put("storeCpuMs", r.storeCpuMs());
            m.put("machineBusyMs", r.machineBusyMs());
            m.put("machineMs", r.machineMs());
            m.put("sessionCheck", r.check());
            runs.add(m);
        }
        root.put("runs", runs);
        Map<String, Object> probes = new LinkedHashMap<>();
        data.probes().forEach((config, kinds) -> {
            Map<String, Object> k = new LinkedHashMap<>();
            kinds.forEach((kind, ops) -> k.put(kind, Map.of("opsPerRequest",
                    StoreCounters.total(ops) / (double) s.probeRequests(), "ops", ops)));
            probes.put(config, k);
        });
        root.put("probes", probes);
        root.put("profiles", data.profiles());
        root.put("notes", data.notes());
        return root;
    }

    private static String f0(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.0f", d) : "n/a";
    }

    private static String f2(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.2f", d) : "n/a";
    }
}

package dev.msm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs JMH with the command line given (JMH's own options) and writes the results twice: JMH's JSON to
 * {@code jmh-<yyyy-MM-dd>.json} and a markdown summary to {@code jmh-latest.md}, both in the directory of the system
 * property {@code bench.results} (default {@code bench/results}). The summary turns operations per second into
 * microseconds per operation, and the auxiliary {@code bytes} counter into the size of one serialized session.
 *
 * <p>Run: {@code bench/jmh.sh} (which passes {@code -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}), or
 * {@code java -Dbench.results=bench/results -cp bench/target/benchmarks.jar dev.msm.bench.JmhRun <jmh options>}.
 */
public final class JmhRun {

    private JmhRun() {
    }

    /**
     * @param args JMH's command line options, e.g. {@code SerializerBenchmark -f 1 -wi 3 -i 5}
     * @throws RunnerException when JMH fails
     * @throws IOException     when a results file cannot be written
     */
    public static void main(String[] args) throws RunnerException, IOException {
        CommandLineOptions cli;
        try {
            cli = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Bad JMH options: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path dir = Path.of(System.getProperty("bench.results", "bench/results"));
        Files.createDirectories(dir);
        Path json = dir.resolve("jmh-" + LocalDate.now() + ".json");
        Options options = new OptionsBuilder().parent(cli).resultFormat(ResultFormatType.JSON)
                .result(json.toString()).build();
        Collection<RunResult> results = new Runner(options).run();
        String md = summary(results, String.join(" ", args), json.getFileName().toString());
        Files.writeString(dir.resolve("jmh-latest.md"), md, StandardCharsets.UTF_8);
        System.out.println("Wrote " + json + " and " + dir.resolve("jmh-latest.md"));
    }

    /**
     * @param results   JMH's results
     * @param arguments the JMH options used
     * @param jsonName  the JSON file's name, for the reference in the text
     * @return the markdown summary
     */
    static String summary(Collection<RunResult> results, String arguments, String jsonName) {
        StringBuilder md = new StringBuilder("# JMH results\n\n");
        md.append("Measured ").append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .append(" with `JmhRun ").append(arguments).append("`; raw results in `").append(jsonName)
                .append("`.\n");
        Machine.describe().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("\nSession shapes (`SessionShapes`; the attribute map with plain Java serialization): ");
        List<String> shapes = new ArrayList<>();
        for (String name : SessionShapes.NAMES) {
            Map<?, ?> attributes = (Map<?, ?>) SessionShapes.build(name)[0];
            shapes.add(String.format(Locale.ROOT, "%s %,d bytes (%d attributes)", name,
                    SessionShapes.javaSize(attributes), attributes.size()));
        }
        md.append(String.join(", ", shapes)).append(". The size columns below are the whole stored state ")
                .append("(attributes, principal, auth type, notes) as the serializer or the envelope writes it.\n");
        md.append("\nTimes are microseconds per operation (lower is better, ± the 99.9% confidence interval); ")
                .append("alloc is bytes allocated per operation (`-prof gc`).\n");

        Map<String, Row> rows = new LinkedHashMap<>();
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            String benchmark = p.getBenchmark();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String owner = benchmark.substring(0, benchmark.lastIndexOf('.'));
            String type = owner.substring(owner.lastIndexOf('.') + 1);
            List<String> key = new ArrayList<>(List.of(type));
            for (String name : p.getParamsKeys()) {
                key.add(name + "=" + p.getParam(name));
            }
            Row row = rows.computeIfAbsent(String.join(" ", key), k -> new Row(type, p));
            Result<?> primary = r.getPrimaryResult();
            double opsPerSecond = primary.getScore();
            Measure m = new Measure(1e6 / opsPerSecond, 1e6 * primary.getScoreError() / (opsPerSecond * opsPerSecond),
                    secondary(r, "bytes") / opsPerSecond, secondary(r, "gc.alloc.rate.norm"));
            row.measures.put(method, m);
        }

        List<Row> sorted = new ArrayList<>(rows.values());
        sorted.sort(Comparator.comparing((Row row) -> row.type)
                .thenComparing(row -> order("shape", row.param("shape")))
                .thenComparing(row -> order("serializer", row.param("serializer")))
                .thenComparing(row -> order("compression", row.param("compression")))
                .thenComparing(row -> order("encryption", row.param("encryption"))));
        md.append("\n## Serializers (`SerializerBenchmark`): Java serialization vs Kryo\n\n")
                .append("| shape | serializer | size (bytes) | serialize (µs) | deserialize (µs) | serialize alloc (B) "
                        + "| deserialize alloc (B) | time vs java (ser. / deser.) |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (Row row : sorted) {
            if (!row.type.equals("SerializerBenchmark")) {
                continue;
            }
            Measure ser = row.measures.get("serialize");
            Measure de = row.measures.get("deserialize");
            Row java = find(rows, "SerializerBenchmark", "shape", row.param("shape"), "serializer", "java");
            md.append("| ").append(row.param("shape")).append(" | ").append(row.param("serializer")).append(" | ")
                    .append(size(ser)).append(" | ").append(time(ser)).append(" | ").append(time(de)).append(" | ")
                    .append(alloc(ser)).append(" | ").append(alloc(de)).append(" | ")
                    .append(java == null ? "" : ratio(ser, java.measures.get("serialize")) + " / "
                            + ratio(de, java.measures.get("deserialize"))).append(" |\n");
        }

        md.append("\n## Stored-value envelope (`CodecBenchmark`): Kryo + compression and/or encryption\n\n")
                .append("| shape | compression | encryption | stored (bytes) | encode (µs) | decode (µs) "
                        + "| encode alloc (B) | decode alloc (B) | time vs off/off (enc. / dec.) |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : sorted) {
            if (!row.type.equals("CodecBenchmark")) {
                continue;
            }
            Measure enc = row.measures.get("encode");
            Measure dec = row.measures.get("decode");
            Row base = find(rows, "CodecBenchmark", "shape", row.param("shape"), "compression", "off", "encryption",
                    "off");
            md.append("| ").append(row.param("shape")).append(" | ").append(row.param("compression")).append(" | ")
                    .append(row.param("encryption")).append(" | ").append(size(enc)).append(" | ").append(time(enc))
                    .append(" | ").append(time(dec)).append(" | ").append(alloc(enc)).append(" | ")
                    .append(alloc(dec)).append(" | ")
                    .append(base == null ? "" : ratio(enc, base.measures.get("encode")) + " / "
                            + ratio(dec, base.measures.get("decode"))).append(" |\n");
        }
        return md.toString();
    }

    /** The order of parameter values in the tables: baseline first, shapes by size. */
    private static int order(String param, String value) {
        List<String> values = switch (param) {
            case "shape" -> SessionShapes.NAMES;
            case "serializer" -> List.of("java", "kryo", "kryo-positional");
            default -> List.of("off", "on");
        };
        int i = value == null ? -1 : values.indexOf(value);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    private static Row find(Map<String, Row> rows, String type, String... params) {
        for (Row row : rows.values()) {
            boolean match = row.type.equals(type);
            for (int i = 0; match && i < params.length; i += 2) {
                match = params[i + 1].equals(row.param(params[i]));
            }
            if (match) {
                return row;
            }
        }
        return null;
    }

    private static double secondary(RunResult r, String suffix) {
        for (String name : r.getSecondaryResults().keySet()) {
            if (name.endsWith(suffix)) {
                Result<?> secondary = r.getSecondaryResults().get(name);
                return secondary.getScore();
            }
        }
        return Double.NaN;
    }

    private static String time(Measure m) {
        if (m == null) {
            return "";
        }
        return Double.isFinite(m.error) ? fmt(m.micros) + " ± " + fmt(m.error) : fmt(m.micros);
    }

    private static String size(Measure m) {
        return m == null || Double.isNaN(m.bytes) ? "" : String.format(Locale.ROOT, "%,d", Math.round(m.bytes));
    }

    private static String alloc(Measure m) {
        return m == null || Double.isNaN(m.alloc) ? "" : String.format(Locale.ROOT, "%,d", Math.round(m.alloc));
    }

    private static String ratio(Measure m, Measure base) {
        return m == null || base == null ? "" : String.format(Locale.ROOT, "%.2f×", m.micros / base.micros);
    }

    private static String fmt(double micros) {
        if (micros >= 100) {
            return String.format(Locale.ROOT, "%.0f", micros);
        }
        if (micros >= 10) {
            return String.format(Locale.ROOT, "%.1f", micros);
        }
        return String.format(Locale.ROOT, "%.2f", micros);
    }

    /** One benchmark class with one combination of parameters. */
    private static final class Row {
        final String type;
        final BenchmarkParams params;
        final Map<String, Measure> measures = new LinkedHashMap<>();

        Row(String type, BenchmarkParams params) {
            this.type = type;
            this.params = params;
        }

        String param(String name) {
            return params.getParamsKeys().contains(name) ? params.getParam(name) : null;
        }
    }

    /**
     * One benchmark method's result.
     *
     * @param micros microseconds per operation
     * @param error  the confidence interval's half width, in microseconds
     * @param bytes  serialized or stored bytes per operation
     * @param alloc  bytes allocated per operation
     */
    private record Measure(double micros, double error, double bytes, double alloc) {
    }
}

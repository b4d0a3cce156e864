package dev.msm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load benchmark's bookkeeping without any server: wrk's summary line, Redis's command statistics, the session
 * checks and the medians and ratios of the report.
 */
@Tag("unit")
class LoadBenchmarkTest {

    private static final LoadBenchmark.Page READ = LoadBenchmark.Page.of("read");
    private static final LoadBenchmark.Page MODIFY = LoadBenchmark.Page.of("modify");

    @Test
    void wrkParse_ReadsTheSummaryLine() {
        Wrk.Result r = Wrk.parse("Running 10s test\nMSM-BENCH requests=150000 duration_us=10000000 status=2 socket=1 "
                + "p50_us=900 p90_us=1500 p99_us=4200 mean_us=1010.5 max_us=30000\n");
        assertEquals(15000.0, r.rps(), 1e-9);
        assertEquals(2, r.statusErrors());
        assertEquals(1, r.socketErrors());
        assertEquals(0.9, r.p50Ms(), 1e-9);
        assertEquals(4.2, r.p99Ms(), 1e-9);
    }

    @Test
    void wrkParse_WithoutSummary_Fails() {
        assertThrows(IllegalStateException.class, () -> Wrk.parse("unable to connect to 127.0.0.1:1\n"));
    }

    @Test
    void wrkScript_GivesEachThreadOneCookie_AndRefusesOddIds(@TempDir Path dir) throws Exception {
        Path script = Wrk.script(dir.resolve("s.lua"), List.of("AB12-n1.a", "CD34-n2.a"));
        String lua = Files.readString(script, StandardCharsets.UTF_8);
        assertTrue(lua.contains("local cookies = { \"AB12-n1.a\", \"CD34-n2.a\" }"), lua);
        assertTrue(lua.contains("thread:set(\"cookie\""), lua);
        assertThrows(IllegalArgumentException.class, () -> Wrk.script(dir.resolve("t.lua"), List.of("a\" .. x")));
    }

    @Test
    void commandStats_CountSessionCommands_NotTheBenchmarksOwn() {
        Map<String, Long> calls = StoreCounters.parseCommandStats("$300\n# Commandstats\n"
                + "cmdstat_hget:calls=10,usec=20,usec_per_call=2.00,rejected_calls=0,failed_calls=0\n"
                + "cmdstat_evalsha:calls=5,usec=50,usec_per_call=10.00,rejected_calls=0,failed_calls=0\n"
                + "cmdstat_info:calls=3,usec=90,usec_per_call=30.00,rejected_calls=0,failed_calls=0\n"
                + "cmdstat_client|setname:calls=4,usec=4,usec_per_call=1.00,rejected_calls=0,failed_calls=0\n"
                + "cmdstat_ping:calls=7,usec=7,usec_per_call=1.00,rejected_calls=0,failed_calls=0\n\n");
        assertEquals(Map.of("hget", 10L, "evalsha", 5L), calls);
    }

    @Test
    void difference_LeavesOutUnchangedCounters() {
        Map<String, Long> diff = StoreCounters.difference(Map.of("get", 10L, "set", 4L),
                Map.of("get", 30L, "set", 4L, "touch", 2L));
        assertEquals(Map.of("get", 20L, "touch", 2L), diff);
        assertEquals(22, StoreCounters.total(diff));
    }

    @Test
    void check_ModifyingPage_AcceptsRequestsStillInFlight_FlagsLostUpdates() {
        Wrk.Result r = result(100, 0, 0);
        assertEquals("ok", LoadBenchmark.check(MODIFY, new long[] {1, 1}, new long[] {51, 52}, r));
        assertEquals("increments 90 for 100 requests", LoadBenchmark.check(MODIFY, new long[] {1, 1},
                new long[] {46, 46}, r));
    }

    @Test
    void check_ReadOnlyPage_FlagsChangedCountsGoneSessionsAndErrors() {
        assertEquals("ok", LoadBenchmark.check(READ, new long[] {5, 7}, new long[] {5, 7}, result(100, 0, 0)));
        assertEquals("counts changed by 1 on a read-only page", LoadBenchmark.check(READ, new long[] {5, 7},
                new long[] {6, 7}, result(100, 0, 0)));
        assertEquals("1 of 2 sessions gone; 3 responses with status >= 400; 1 socket errors",
                LoadBenchmark.check(READ, new long[] {5, 2}, new long[] {5, -1}, result(100, 3, 1)));
    }

    @Test
    void summarize_TakesTheMedianOfPerRoundRatios() {
        List<LoadBenchmark.Run> runs = List.of(run("A", 1, 1000), run("B", 1, 900), run("A", 2, 2000),
                run("B", 2, 1000), run("A", 3, 1000), run("B", 3, 950));
        LoadReport.Data data = new LoadReport.Data(settings(), LocalDateTime.now(), 1, Map.of(), Map.of(),
                Map.of("A", "StandardManager", "B", "msm sticky"), Map.of(), runs, Map.of(), Map.of(), List.of());
        LoadReport.Summary b = LoadReport.summarize(data).stream().filter(s -> s.config().equals("B")).findFirst()
                .orElseThrow();
        assertEquals(List.of(0.9, 0.5, 0.95), b.ratios());
        assertEquals(0.9, b.ratio(), 1e-9);
        assertEquals(950, b.rps(), 1e-9);
    }

    @Test
    void configs_ReferencePointsRunStandardManager_OutsideTheDefaultRun() {
        List<LoadBenchmark.Config> all = LoadBenchmark.Config.all(Path.of("l"));
        assertEquals(List.of("A", "B", "C", "D", "E", "F", "G", "H", "I"),
                all.stream().map(LoadBenchmark.Config::key).toList());
        assertEquals(List.of("A", "B", "C", "D", "E"), LoadBenchmark.Settings.fromSystemProperties().configs());
        for (LoadBenchmark.Config c : all) {
            boolean reference = List.of("G", "H", "I").contains(c.key());
            assertEquals(reference, !c.spyOps().isEmpty(), c.key());
            if (reference) {
                assertEquals(all.get(0).manager(), c.manager(), c.key());
                assertEquals("spymemcached", c.store(), c.key());
            }
        }
        assertEquals(List.of("get", "get+2set", "set"), all.subList(6, 9).stream().map(LoadBenchmark.Config::spyOps)
                .toList());
    }

    @Test
    void withParameters_AddsContextParametersBeforeTheEnd() {
        String xml = "<?xml version=\"1.0\"?>\n<Context reloadable=\"true\">\n  <Manager a=\"b\"/>\n</Context>\n";
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("benchSpymemcached", "127.0.0.1:11211");
        parameters.put("benchSpymemcachedOps", "get");
        assertEquals("<?xml version=\"1.0\"?>\n<Context reloadable=\"true\">\n  <Manager a=\"b\"/>\n"
                + "  <Parameter name=\"benchSpymemcached\" value=\"127.0.0.1:11211\" override=\"false\"/>\n"
                + "  <Parameter name=\"benchSpymemcachedOps\" value=\"get\" override=\"false\"/>\n</Context>\n",
                LoadBenchmark.withParameters(xml, parameters));
        assertThrows(IllegalArgumentException.class, () -> LoadBenchmark.withParameters("<Context/>", parameters));
    }

    @Test
    void json_EscapesStringsAndNests() {
        assertEquals("{\n  \"a\": \"x\\\"y\\n\"\n}\n", Json.write(Map.of("a", "x\"y\n")));
        assertEquals("[\n  1,\n  2.5,\n  null\n]\n", Json.write(Arrays.asList(1, 2.5, null)));
    }

    private static Wrk.Result result(long requests, long statusErrors, long socketErrors) {
        return new Wrk.Result(requests, 1.0, statusErrors, socketErrors, 1, 2, 3, 1, 4);
    }

    private static LoadBenchmark.Run run(String config, int round, long requests) {
        return new LoadBenchmark.Run(config, "read", round, result(requests, 0, 0), Map.of(), 0, 0, 0, 0, 1, "ok");
    }

    private static LoadBenchmark.Settings settings() {
        return new LoadBenchmark.Settings(Path.of("it/target"), Path.of("w"), Path.of("r"), Path.of("l"),
                Path.of("s"), 3, Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(6), 16,
                List.of("A", "B"), List.of(), Duration.ofSeconds(480), 50);
    }
}

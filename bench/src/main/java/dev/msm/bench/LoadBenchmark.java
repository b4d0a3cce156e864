package dev.msm.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;

import dev.msm.api.Awaits;
import dev.msm.api.Http;
import dev.msm.api.ServerProcess;
import dev.msm.bench.app.SpyPages;
import dev.msm.it.SampleApp;
import dev.msm.it.TomcatInstance;
import dev.msm.it.TomcatVersion;

/**
 * The load benchmark: throughput and latency of a real Tomcat 10.1 distribution with the sample application
 * ({@link SampleApp}) under each session manager, relative to Tomcat's own {@code StandardManager} measured in the same
 * run, the way {@code /work/shared/TARGETS.md} reports MSM 2.3.2 and Redisson.
 *
 * <p>Configurations, each on a Tomcat of its own started fresh for this run (all of them run side by side; only the
 * one being measured gets load), and each msm configuration with two memcached nodes of its own, all on 127.0.0.1:
 * <ul>
 * <li>{@code A}: Tomcat's {@code StandardManager} (no msm jar), the baseline;</li>
 * <li>{@code B}: msm sticky;</li>
 * <li>{@code C}: msm non-sticky, {@code lockingMode="none"};</li>
 * <li>{@code D}: msm non-sticky, {@code lockingMode="all"};</li>
 * <li>{@code E}: Redisson's {@code RedissonSessionManager} 3.52.0 ({@code readMode="REDIS"}, default
 * {@code updateMode}) on a redis-server of its own, the competitor;</li>
 * <li>{@code F} (not in the default run; {@code -Dbench.configs=A,C,F}): C with {@code serializer="kryo"};</li>
 * <li>{@code G}, {@code H}, {@code I} (not in the default run; {@code -Dbench.configs=A,C,D,G,H}): reference points,
 * what a bare memcached round-trip costs here: A's {@code StandardManager}, and the pages additionally call a plain
 * spymemcached 2.12.3 client (binary protocol, one for the application) on one memcached node of their own, with
 * 1 KiB values: G one synchronous {@code get} per request on both pages; H a {@code get} on the read page, on the
 * modifying page a {@code get} then two {@code set}s back to back, waiting for the first (msm's non-sticky write);
 * I one asynchronous {@code set} per request, not awaited ({@link dev.msm.bench.app.SpyPages}).</li>
 * </ul>
 *
 * <p>Pages: {@code read.jsp} (an existing session, reads the attribute {@code count}) and {@code count.jsp}
 * (increments it). Load: wrk with 16 connections, each with its own session created beforehand ({@link Wrk} explains
 * why that means 16 wrk threads). Each Tomcat is first brought to its steady state: both pages with a quarter of the
 * connections, then with all of them (on 2 cores under full load the JIT compiler threads get little CPU, and msm's
 * longer code paths stay partly interpreted for half a minute: a first measurement after a short warmup showed half
 * the steady throughput). Then configurations are interleaved in rounds (A B C D E, A B C D E, ...) so that the
 * machine's drift hits all of them alike, each measurement after a short warmup of its own. Reported per
 * configuration and page: requests per second, p50 and p99 latency, responses with status 400 or more, store commands
 * per request (memcached {@code stats}, Redis {@code INFO commandstats}), CPU per request, and the ratio to
 * StandardManager (per round, median over rounds). After each measurement the sessions are read back: a read-only
 * page must leave every count as it was, the modifying page must have added exactly one per completed request (up to
 * one more per connection for requests still in flight when wrk stopped); anything else is flagged in the results.
 * Before the rounds, a probe of 50 sequential requests per kind counts store commands per request as TARGETS.md's
 * first table does.
 *
 * <p>Tomcat runs with {@code -Xms512m -Xmx512m} and the JDK's default collector and both JIT tiers (a
 * {@code bin/setenv.sh} in each CATALINA_BASE replaces the fixture's quick-start test options).
 *
 * <p>Run: {@code bench/load.sh} (installs wrk, memcached and redis-server when missing, builds, runs, writes
 * {@code bench/results/load-<yyyy-MM-dd-HHmm>.md}, {@code .json} and {@code load-latest.md}). Settings (system
 * properties): {@code bench.rounds} (2), {@code bench.duration} (10 s per measurement), {@code bench.warmup} (2 s
 * before each measurement), {@code bench.initialWarmup} (6 s: each of the four warm-up steps before the rounds),
 * {@code bench.connections} (16), {@code bench.configs} ({@code A,B,C,D,E}), {@code bench.profile} (e.g. {@code C}:
 * one extra run per page of that configuration with a JFR recording, summarized in the results; none by default),
 * {@code bench.budget} (480 s: no measurement starts that would end later; the results say so), {@code bench.probe}
 * (50), {@code msm.it.target} ({@code it/target}), {@code bench.results} ({@code bench/results}), {@code bench.work}
 * ({@code bench/target/load}), {@code bench.redissonLib} ({@code bench/redisson/target/lib}),
 * {@code bench.spymemcachedLib} ({@code bench/target/spymemcached}: the spymemcached jar of G, H, I).
 */
public final class LoadBenchmark {

    private static final System.Logger LOG = System.getLogger(LoadBenchmark.class.getName());
    private static final String APP = "bench";
    private static final String REDISSON_VERSION = "3.52.0";
    private static final String WEB_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
              <listener>
                <listener-class>dev.msm.it.app.SessionEvents</listener-class>
              </listener>
            </web-app>
            """;

    private final Settings settings;
    private final long started = System.nanoTime();
    private final LocalDateTime startedAt = LocalDateTime.now();
    private final List<Target> targets = new ArrayList<>();
    private final List<Run> runs = new ArrayList<>();
    private final Map<String, Map<String, Map<String, Long>>> probes = new LinkedHashMap<>();
    private final Map<String, String> profiles = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    private LoadBenchmark(Settings settings) {
        this.settings = settings;
    }

    /**
     * @param args none; see the class description for the system properties
     */
    public static void main(String[] args) {
        Settings settings = Settings.fromSystemProperties();
        LoadBenchmark bench = new LoadBenchmark(settings);
        boolean ok = false;
        try {
            bench.setUp();
            bench.probe();
            bench.rounds();
            bench.profile();
            ok = true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Load benchmark failed: " + e, e);
            bench.notes.add("FAILED: " + e);
        } finally {
            bench.tearDown();
        }
        try {
            Path md = LoadReport.write(bench.report());
            LOG.log(System.Logger.Level.INFO, "Results in " + md + " (" + bench.elapsedSeconds() + " s)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.exit(ok ? 0 : 1);
    }

    // ---- set-up -------------------------------------------------------------------------------------------------

    private void setUp() {
        Wrk.binary();
        resetPids();
        List<Config> configs = Config.all(settings.redissonLib()).stream()
                .filter(c -> settings.configs().contains(c.key())).toList();
        if (configs.isEmpty()) {
            throw new IllegalArgumentException("No configuration among bench.configs=" + settings.configs());
        }
        for (Config c : configs) {
            Target t = new Target(c);
            if (c.store().equals("memcached")) {
                t.memcached.add(ServerProcess.memcached());
                t.memcached.add(ServerProcess.memcached());
                t.memcached.forEach(m -> recordPid(m.pid(), "memcached"));
            } else if (c.store().equals("spymemcached")) {
                t.memcached.add(ServerProcess.memcached());
                recordPid(t.memcached.get(0).pid(), "memcached");
            } else if (c.store().equals("redis")) {
                t.redis = ServerProcess.redis();
                recordPid(t.redis.pid(), "redis-server");
            }
            t.tomcat = createTomcat(t);
            targets.add(t);
        }
        LOG.log(System.Logger.Level.INFO, "Starting " + targets.size() + " Tomcats ("
                + String.join(" ", targets.stream().map(t -> t.config.key()).toList()) + ") ...");
        CompletableFuture.allOf(targets.stream().map(t -> CompletableFuture.runAsync(() -> {
            t.tomcat.start();
            awaitReady(t);
        })).toArray(CompletableFuture[]::new)).orTimeout(240, TimeUnit.SECONDS).join();
        for (Target t : targets) {
            recordPid(t.tomcat.pid(), t.base.toString());
            for (int i = 0; i < settings.connections(); i++) {
                t.sessions.add(newSession(t));
            }
            t.script = Wrk.script(settings.work().resolve("wrk-" + t.config.key() + ".lua"), t.sessions);
        }
        LOG.log(System.Logger.Level.INFO, "Ready after " + elapsedSeconds() + " s; " + settings.connections()
                + " sessions per configuration");
    }

    private TomcatInstance createTomcat(Target t) {
        Config c = t.config;
        Path target = settings.itTarget();
        TomcatVersion version = TomcatVersion.TOMCAT_10_1;
        List<Path> libs = switch (c.store()) {
            case "memcached" -> List.of(version.dropin(target));
            case "redis" -> jars(settings.redissonLib());
            default -> List.of();
        };
        t.base = settings.work().resolve("tomcat-" + c.key()).toAbsolutePath();
        TomcatInstance tomcat = new TomcatInstance(version, target, t.base, c.route(), libs);
        Map<String, String> manager = new LinkedHashMap<>(c.manager());
        if (c.store().equals("memcached")) {
            manager.put("memcachedNodes", "n1:" + t.memcached.get(0).address() + " n2:" + t.memcached.get(1).address());
        }
        try {
            if (t.redis != null) {
                Path yaml = t.base.resolve("conf/redisson.yaml");
                Files.writeString(yaml, "singleServerConfig:\n  address: \"redis://" + t.redis.address() + "\"\n",
                        StandardCharsets.UTF_8);
                manager.put("configPath", yaml.toString());
            }
            // the fixture's options are for quick tests (C1 only, serial GC, 256 MB); a benchmark needs a server's
            Files.createDirectories(t.base.resolve("bin"));
            Files.writeString(t.base.resolve("bin/setenv.sh"), "# written by dev.msm.bench.LoadBenchmark\n"
                    + "CATALINA_OPTS=\"" + Settings.TOMCAT_OPTS + "\"\n", StandardCharsets.UTF_8);
            Path app = t.base.resolve("webapps").resolve(APP);
            SampleApp.deploy(app, manager, t.base.resolve("events-" + APP + ".log"));
            Files.writeString(app.resolve("static.txt"), "a static resource\n", StandardCharsets.UTF_8);
            // without the sample app's FORM login: with a login-config, Tomcat's authenticator reads the session of
            // every request carrying a session id (see the README), which is not what the probe's rows measure
            Files.writeString(app.resolve("WEB-INF/web.xml"), WEB_XML, StandardCharsets.UTF_8);
            if (!c.spyOps().isEmpty()) {
                deploySpyPages(app, t.memcached.get(0).address(), c.spyOps());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        t.managerAttributes = manager;
        return tomcat;
    }

    /**
     * Turns the sample application of G, H, I into the reference pages: {@code read.jsp} and {@code count.jsp} that
     * also call spymemcached ({@link dev.msm.bench.app.SpyPages}, into {@code WEB-INF/classes}), the spymemcached jar
     * in {@code WEB-INF/lib}, and the node and the calls as context parameters.
     */
    private void deploySpyPages(Path app, String address, String ops) throws IOException {
        for (String page : List.of("read.jsp", "count.jsp")) {
            copyResource("/dev/msm/bench/app/" + page, app.resolve(page));
        }
        // by name: loading the class here would need spymemcached, which only the application has
        String spyPages = "dev/msm/bench/app/SpyPages.class";
        copyResource("/" + spyPages, app.resolve("WEB-INF/classes").resolve(spyPages));
        Path lib = Files.createDirectories(app.resolve("WEB-INF/lib"));
        for (Path jar : jars(settings.spyLib())) {
            Files.copy(jar, lib.resolve(jar.getFileName().toString()));
        }
        Path contextXml = app.resolve("META-INF/context.xml");
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put(SpyPages.ADDRESS, address);
        parameters.put(SpyPages.OPS, ops);
        Files.writeString(contextXml, withParameters(Files.readString(contextXml, StandardCharsets.UTF_8),
                parameters), StandardCharsets.UTF_8);
    }

    /**
     * @param contextXml a {@code context.xml}
     * @param parameters context parameters to add (names and values need no escaping)
     * @return the {@code context.xml} with them as {@code <Parameter>} elements at the end
     */
    static String withParameters(String contextXml, Map<String, String> parameters) {
        int end = contextXml.lastIndexOf("</Context>");
        if (end < 0) {
            throw new IllegalArgumentException("No </Context> in " + contextXml);
        }
        StringBuilder xml = new StringBuilder(contextXml.substring(0, end));
        parameters.forEach((k, v) -> xml.append("  <Parameter name=\"").append(k).append("\" value=\"").append(v)
                .append("\" override=\"false\"/>\n"));
        return xml.append(contextXml.substring(end)).toString();
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = LoadBenchmark.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("Resource " + resource + " is missing from the classpath");
            }
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<Path> jars(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
            if (jars.isEmpty()) {
                throw new IllegalStateException("No jars in " + dir);
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException("No jars in " + dir + "; run: mvn -B -f bench/redisson/pom.xml package "
                    + "(Redisson's) or mvn -B -f bench/pom.xml package (spymemcached)", e);
        }
    }

    /** Not {@link TomcatInstance#start}'s check (its {@code status.jsp} reads msm's JMX bean): any page answers. */
    private void awaitReady(Target t) {
        String url = t.tomcat.url(APP) + "/nosession.jsp";
        try {
            Awaits.await(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!t.tomcat.isRunning()) {
                    throw new IllegalStateException(t.config.key() + ": Tomcat exited:\n" + t.tomcat.logTail(40));
                }
                try {
                    return Http.get(url, null).status() == 200;
                } catch (UncheckedIOException e) {
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(t.config.key() + ": not ready after 180 s:\n" + t.tomcat.logTail(40), e);
        }
    }

    private static String newSession(Target t) {
        Http.Response r = Http.get(t.tomcat.url(APP) + "/count.jsp", null);
        String id = r.sessionCookie();
        if (r.status() != 200 || id == null || !r.body().trim().equals("count=1")) {
            throw new IllegalStateException(t.config.key() + ": creating a session answered " + r.status() + " ["
                    + r.body().trim() + "], cookie [" + id + "]\n" + t.tomcat.logTail(30));
        }
        return id;
    }

    // ---- store commands per request (sequential probe) ----------------------------------------------------------

    private void probe() {
        int n = settings.probeRequests();
        for (Target t : targets) {
            String base = t.tomcat.url(APP);
            String cookie = "JSESSIONID=" + newSession(t);
            Map<String, String[]> kinds = new LinkedHashMap<>();
            kinds.put("read-only page, existing session", new String[] {"/read.jsp", cookie});
            kinds.put("modifying page", new String[] {"/count.jsp", cookie});
            kinds.put("page that never calls getSession, with cookie", new String[] {"/nosession.jsp", cookie});
            kinds.put("static resource with cookie", new String[] {"/static.txt", cookie});
            kinds.put("new session", new String[] {"/count.jsp", null});
            Map<String, Map<String, Long>> byKind = new LinkedHashMap<>();
            for (Map.Entry<String, String[]> k : kinds.entrySet()) {
                Map<String, Long> before = settle(t);
                for (int i = 0; i < n; i++) {
                    Http.Response r = Http.get(base + k.getValue()[0], k.getValue()[1]);
                    if (r.status() != 200) {
                        notes.add(t.config.key() + " probe [" + k.getKey() + "]: status " + r.status());
                    }
                }
                byKind.put(k.getKey(), StoreCounters.difference(before, settle(t)));
            }
            probes.put(t.config.key(), byKind);
        }
        LOG.log(System.Logger.Level.INFO, "Probes done after " + elapsedSeconds() + " s");
    }

    /**
     * Waits until the store's counters stop moving (sticky backups are asynchronous; requests wrk left in flight
     * finish), at most 5 s.
     *
     * @return the counters then
     */
    private Map<String, Long> settle(Target t) {
        AtomicReference<Map<String, Long>> last = new AtomicReference<>();
        try {
            Awaits.await(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(150)).until(() -> {
                Map<String, Long> now = StoreCounters.snapshot(t.memcached, t.redis);
                return now.equals(last.getAndSet(now));
            });
        } catch (ConditionTimeoutException e) {
            notes.add(t.config.key() + ": store counters still moving 5 s after a run");
        }
        return last.get();
    }

    // ---- measured rounds ------------------------------------------------------------------------------------------

    private void rounds() {
        int perRun = (int) (settings.warmup().toSeconds() + settings.duration().toSeconds() + 4);
        for (Target t : targets) {
            warm(t);
        }
        LOG.log(System.Logger.Level.INFO, "Warm after " + elapsedSeconds() + " s");
        for (int round = 1; round <= settings.rounds(); round++) {
            for (Target t : targets) {
                for (Page page : Page.ALL) {
                    if (elapsedSeconds() + perRun > settings.budget().toSeconds()) {
                        notes.add("Time budget of " + settings.budget().toSeconds() + " s reached: stopped before "
                                + "round " + round + " " + t.config.key() + " " + page.key());
                        return;
                    }
                    runs.add(measure(t, page, round));
                }
            }
        }
    }

    /**
     * Brings a Tomcat to its steady state before the rounds: both pages in turn, first with a quarter of the
     * connections (so that the JIT compiler threads get CPU; under full load on 2 cores they get little, and msm's
     * code paths stay partly interpreted for half a minute), then with all of them.
     */
    private void warm(Target t) {
        int light = Math.max(1, settings.connections() / 4);
        for (int connections : List.of(light, settings.connections())) {
            for (Page page : Page.ALL) {
                Wrk.run(t.tomcat.url(APP) + page.path(), t.script, connections, settings.initialWarmup(),
                        settings.work().resolve("wrk-warmup.txt"));
            }
        }
    }

    private Run measure(Target t, Page page, int round) {
        String url = t.tomcat.url(APP) + page.path();
        Path out = settings.work().resolve("wrk-" + t.config.key() + "-" + page.key() + "-" + round + ".txt");
        Wrk.run(url, t.script, settings.connections(), settings.warmup(), settings.work().resolve("wrk-warmup.txt"));
        settle(t);
        long[] countsBefore = counts(t);
        Map<String, Long> before = StoreCounters.snapshot(t.memcached, t.redis);
        double[] tomcatCpu = ProcessCpu.processUserSystemMillis(t.tomcat.pid());
        double storeCpu = storeCpu(t);
        double[] machine = ProcessCpu.machineMillis();
        Wrk.Result r = Wrk.run(url, t.script, settings.connections(), settings.duration(), out);
        double[] machineAfter = ProcessCpu.machineMillis();
        double[] tomcatCpuAfter = ProcessCpu.processUserSystemMillis(t.tomcat.pid());
        storeCpu = storeCpu(t) - storeCpu;
        Map<String, Long> ops = StoreCounters.difference(before, settle(t));
        String check = check(page, countsBefore, counts(t), r);
        Run run = new Run(t.config.key(), page.key(), round, r, ops, tomcatCpuAfter[0] - tomcatCpu[0],
                tomcatCpuAfter[1] - tomcatCpu[1], storeCpu, machineAfter[0] - machine[0], machineAfter[1] - machine[1],
                check);
        LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "round %d %s %-6s %8.0f req/s  p50 %6.2f ms  "
                + "p99 %6.2f ms  %5.2f store ops/req  %s  (%d s)", round, t.config.key(), page.key(), r.rps(),
                r.p50Ms(), r.p99Ms(), run.opsPerRequest(), check, elapsedSeconds()));
        return run;
    }

    private static double storeCpu(Target t) {
        double sum = 0;
        for (ServerProcess m : t.memcached) {
            sum += ProcessCpu.processMillis(m.pid());
        }
        return t.redis == null ? sum : sum + ProcessCpu.processMillis(t.redis.pid());
    }

    /** Each session's {@code count}, read with {@code read.jsp}; -1 for a session that is gone. */
    private static long[] counts(Target t) {
        long[] counts = new long[t.sessions.size()];
        for (int i = 0; i < counts.length; i++) {
            Http.Response r = Http.get(t.tomcat.url(APP) + "/read.jsp", "JSESSIONID=" + t.sessions.get(i));
            String body = r.body().trim();
            counts[i] = r.status() == 200 && body.matches("count=\\d+") ? Long.parseLong(body.substring(6)) : -1;
        }
        return counts;
    }

    /**
     * @return {@code ok}, or what is wrong with the sessions after the run
     */
    static String check(Page page, long[] before, long[] after, Wrk.Result r) {
        List<String> problems = new ArrayList<>();
        long lost = Arrays.stream(after).filter(c -> c < 0).count();
        if (lost > 0) {
            problems.add(lost + " of " + after.length + " sessions gone");
        }
        long delta = 0;
        for (int i = 0; i < after.length; i++) {
            if (before[i] >= 0 && after[i] >= 0) {
                delta += after[i] - before[i];
            }
        }
        if (page.modifies()) {
            if (delta < r.requests() || delta > r.requests() + after.length) {
                problems.add("increments " + delta + " for " + r.requests() + " requests");
            }
        } else if (delta != 0) {
            problems.add("counts changed by " + delta + " on a read-only page");
        }
        if (r.statusErrors() > 0) {
            problems.add(r.statusErrors() + " responses with status >= 400");
        }
        if (r.socketErrors() > 0) {
            problems.add(r.socketErrors() + " socket errors");
        }
        return problems.isEmpty() ? "ok" : String.join("; ", problems);
    }

    // ---- profile ----------------------------------------------------------------------------------------------------

    private void profile() {
        for (Target t : targets) {
            if (!settings.profile().contains(t.config.key())) {
                continue;
            }
            for (Page page : Page.ALL) {
                if (elapsedSeconds() + settings.warmup().toSeconds() + settings.duration().toSeconds() + 10
                        > settings.budget().toSeconds()) {
                    notes.add("Time budget reached: no profile of " + t.config.key() + " " + page.key());
                    return;
                }
                Path jfr = settings.work().resolve("profile-" + t.config.key() + "-" + page.key() + ".jfr")
                        .toAbsolutePath();
                jcmd(t.tomcat.pid(), "JFR.start", "name=msm-bench", "settings=profile", "filename=" + jfr);
                // JFR's start-up costs CPU for a few seconds; measure after it
                Wrk.run(t.tomcat.url(APP) + page.path(), t.script, settings.connections(), settings.warmup(),
                        settings.work().resolve("wrk-warmup.txt"));
                Wrk.Result r = Wrk.run(t.tomcat.url(APP) + page.path(), t.script, settings.connections(),
                        settings.duration(), settings.work().resolve("wrk-profile.txt"));
                jcmd(t.tomcat.pid(), "JFR.stop", "name=msm-bench", "filename=" + jfr);
                try {
                    profiles.put(t.config.key() + " " + page.key(), String.format(Locale.ROOT,
                            "%.0f req/s while recording (JFR `profile` settings, 10 s).%n%n", r.rps())
                            + JfrHotSpots.summarize(jfr, 20));
                } catch (IOException e) {
                    notes.add("Cannot read " + jfr + ": " + e);
                }
            }
        }
    }

    private static void jcmd(long pid, String... command) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid)));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- tear-down and report ---------------------------------------------------------------------------------------

    private void tearDown() {
        CompletableFuture.allOf(targets.stream().filter(t -> t.tomcat != null).map(t -> CompletableFuture.runAsync(
                () -> {
                    try {
                        t.tomcat.stop();
                    } catch (RuntimeException e) {
                        t.tomcat.kill();
                    }
                })).toArray(CompletableFuture[]::new)).orTimeout(90, TimeUnit.SECONDS).exceptionally(e -> null)
                .join();
        for (Target t : targets) {
            if (t.tomcat != null && t.tomcat.isRunning()) {
                t.tomcat.kill();
            }
            t.memcached.forEach(ServerProcess::close);
            if (t.redis != null) {
                t.redis.close();
            }
        }
        try {
            Files.deleteIfExists(pidsFile());
        } catch (IOException e) {
            notes.add("Cannot delete " + pidsFile() + ": " + e);
        }
    }

    private LoadReport.Data report() {
        Map<String, String> software = new LinkedHashMap<>();
        software.put("tomcat", TomcatVersion.TOMCAT_10_1.toString());
        software.put("msm", gitDescription());
        software.put("memcached", Machine.version(List.of(ServerProcess.binary("memcached", "memcached"), "-V")));
        software.put("redis", Machine.version(List.of(ServerProcess.binary("redis-server", "redis-server"),
                "--version")));
        software.put("redisson", "redisson-tomcat-10 " + REDISSON_VERSION);
        software.put("wrk", Machine.version(List.of(Wrk.binary(), "-v")));
        software.put("tomcat JVM options", Settings.TOMCAT_OPTS);
        Map<String, Map<String, String>> managers = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        for (Target t : targets) {
            labels.put(t.config.key(), t.config.label());
            managers.put(t.config.key(), t.managerAttributes);
        }
        return new LoadReport.Data(settings, startedAt, elapsedSeconds(), Machine.describe(), software, labels,
                managers, runs, probes, profiles, notes);
    }

    private static String gitDescription() {
        String v = Machine.version(List.of("git", "-C", Path.of("").toAbsolutePath().toString(), "describe",
                "--always", "--dirty"));
        return v.isEmpty() || v.contains("fatal") ? "unknown" : "git " + v;
    }

    private long elapsedSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    }

    /** Pids of everything started, for {@code bench/load.sh} to kill if this JVM dies without its shutdown hooks. */
    private Path pidsFile() {
        return settings.work().resolve("pids");
    }

    private void resetPids() {
        try {
            Files.createDirectories(settings.work());
            Files.writeString(pidsFile(), "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void recordPid(long pid, String commandLineContains) {
        try {
            Files.writeString(pidsFile(), pid + " " + commandLineContains + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- values -------------------------------------------------------------------------------------------------

    /**
     * A session manager configuration.
     *
     * @param key     {@code A} to {@code I}
     * @param label   what the results call it
     * @param route   the Engine's jvmRoute
     * @param store   {@code memcached} (two nodes, msm's), {@code redis}, {@code spymemcached} (one node, the pages'
     *                own client) or {@code none}
     * @param manager the {@code <Manager>} attributes (store addresses are added per run)
     * @param spyOps  the pages' spymemcached calls ({@link dev.msm.bench.app.SpyPages#OPS}), or empty for the sample
     *                application's pages
     */
    record Config(String key, String label, String route, String store, Map<String, String> manager,
            String spyOps) {

        Config(String key, String label, String route, String store, Map<String, String> manager) {
            this(key, label, route, store, manager, "");
        }

        static List<Config> all(Path redissonLib) {
            Map<String, String> standard = Map.of("className", "org.apache.catalina.session.StandardManager");
            Map<String, String> sticky = new LinkedHashMap<>();
            sticky.put("className", "dev.msm.tomcat.MsmManager");
            sticky.put("sticky", "true");
            Map<String, String> none = new LinkedHashMap<>();
            none.put("className", "dev.msm.tomcat.MsmManager");
            none.put("sticky", "false");
            none.put("lockingMode", "none");
            Map<String, String> all = new LinkedHashMap<>(none);
            all.put("lockingMode", "all");
            Map<String, String> kryo = new LinkedHashMap<>(none);
            kryo.put("serializer", "kryo");
            Map<String, String> redisson = new LinkedHashMap<>();
            redisson.put("className", "org.redisson.tomcat.RedissonSessionManager");
            redisson.put("readMode", "REDIS");
            redisson.put("updateMode", "DEFAULT");
            return List.of(
                    new Config("A", "StandardManager", "a", "none", standard),
                    new Config("B", "msm sticky", "b", "memcached", sticky),
                    new Config("C", "msm non-sticky, lockingMode=none", "c", "memcached", none),
                    new Config("D", "msm non-sticky, lockingMode=all", "d", "memcached", all),
                    new Config("E", "Redisson " + REDISSON_VERSION + " (readMode=REDIS)", "e", "redis", redisson),
                    new Config("F", "msm non-sticky, lockingMode=none, serializer=kryo", "f", "memcached", kryo),
                    new Config("G", "StandardManager + spymemcached sync get per request", "g", "spymemcached",
                            standard, "get"),
                    new Config("H", "StandardManager + spymemcached get; modify: get + 2 pipelined sets", "h",
                            "spymemcached", standard, "get+2set"),
                    new Config("I", "StandardManager + spymemcached async set per request", "i", "spymemcached",
                            standard, "set"));
        }
    }

    /**
     * A page under load.
     *
     * @param key      {@code read} or {@code modify}
     * @param label    what the results call it
     * @param path     the page in the sample application
     * @param modifies whether each request increments the session's {@code count}
     */
    record Page(String key, String label, String path, boolean modifies) {
        static final List<Page> ALL = List.of(
                new Page("read", "read-only page", "/read.jsp", false),
                new Page("modify", "modifying page", "/count.jsp", true));

        static Page of(String key) {
            return ALL.stream().filter(p -> p.key.equals(key)).findFirst().orElseThrow();
        }
    }

    /**
     * One measurement.
     *
     * @param config        the configuration's key
     * @param page          the page's key
     * @param round         1, 2, ...
     * @param wrk           wrk's summary
     * @param ops           store commands during the measurement, by command
     * @param tomcatUserMs  user CPU time of Tomcat's JVM during the measurement
     * @param tomcatSysMs   system (kernel) CPU time of Tomcat's JVM during the measurement
     * @param storeCpuMs    CPU time of the configuration's store servers
     * @param machineBusyMs CPU time the machine was busy (all cores)
     * @param machineMs     CPU time the machine had (all cores)
     * @param check         {@code ok} or what was wrong with the sessions afterwards
     */
    record Run(String config, String page, int round, Wrk.Result wrk, Map<String, Long> ops, double tomcatUserMs,
            double tomcatSysMs, double storeCpuMs, double machineBusyMs, double machineMs, String check) {

        double opsPerRequest() {
            return wrk.requests() == 0 ? 0 : StoreCounters.total(ops) / (double) wrk.requests();
        }
    }

    /** A configuration's processes and sessions during the run. */
    private static final class Target {
        final Config config;
        final List<ServerProcess> memcached = new ArrayList<>();
        final List<String> sessions = new ArrayList<>();
        ServerProcess redis;
        TomcatInstance tomcat;
        Path base;
        Path script;
        Map<String, String> managerAttributes;

        Target(Config config) {
            this.config = config;
        }
    }

    /**
     * The benchmark's settings, from system properties (see the class description).
     *
     * @param itTarget     the it module's {@code target}: Tomcat distributions and drop-in jars
     * @param work         where the Tomcats' bases, wrk scripts and outputs go
     * @param results      where the results files go
     * @param redissonLib  Redisson's jars
     * @param spyLib       the spymemcached jar of configurations G, H, I
     * @param rounds       rounds of A B C D E
     * @param duration     one measurement
     * @param warmup       before each measurement
     * @param initialWarmup each of the four steps that bring a Tomcat to its steady state before the rounds
     * @param connections  connections = sessions = wrk threads
     * @param configs      the configurations' keys
     * @param profile      configurations to record with JFR after the rounds
     * @param budget       no measurement starts that would end later than this after the start
     * @param probeRequests requests per kind in the store command probe
     */
    record Settings(Path itTarget, Path work, Path results, Path redissonLib, Path spyLib, int rounds,
            Duration duration, Duration warmup, Duration initialWarmup, int connections, List<String> configs,
            List<String> profile, Duration budget, int probeRequests) {

        /** Tomcat's JVM options. */
        static final String TOMCAT_OPTS = "-Xms512m -Xmx512m -XX:FlightRecorderOptions=stackdepth=256 "
                + "-Djava.security.egd=file:/dev/./urandom";

        static Settings fromSystemProperties() {
            return new Settings(path("msm.it.target", "it/target"), path("bench.work", "bench/target/load"),
                    path("bench.results", "bench/results"), path("bench.redissonLib", "bench/redisson/target/lib"),
                    path("bench.spymemcachedLib", "bench/target/spymemcached"),
                    integer("bench.rounds", 2, 1, 20), Duration.ofSeconds(integer("bench.duration", 10, 1, 600)),
                    Duration.ofSeconds(integer("bench.warmup", 2, 1, 600)),
                    Duration.ofSeconds(integer("bench.initialWarmup", 6, 1, 600)),
                    integer("bench.connections", 16, 1, 256), list("bench.configs", "A,B,C,D,E"),
                    list("bench.profile", ""), Duration.ofSeconds(integer("bench.budget", 480, 10, 36_000)),
                    integer("bench.probe", 50, 1, 10_000));
        }

        private static Path path(String name, String def) {
            return Path.of(System.getProperty(name, def)).toAbsolutePath();
        }

        private static int integer(String name, int def, int min, int max) {
            String v = System.getProperty(name);
            if (v == null || v.isBlank()) {
                return def;
            }
            int i = Integer.parseInt(v.trim());
            if (i < min || i > max) {
                throw new IllegalArgumentException(name + "=" + v + " is not within [" + min + ", " + max + "]");
            }
            return i;
        }

        private static List<String> list(String name, String def) {
            String v = System.getProperty(name, def).trim();
            return v.isEmpty() ? List.of() : List.of(v.toUpperCase(Locale.ROOT).split("[\\s,]+"));
        }
    }
}

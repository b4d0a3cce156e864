package dev.msm.it;

import static dev.msm.api.Awaits.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import dev.msm.api.ServerProcess;

/**
 * The cluster a scenario class starts once: two real memcached nodes {@code n1} and {@code n2}, optionally one real
 * redis-server, and two Tomcats ({@code jvmRoute} a and b) of one distribution with the drop-in jars in {@code lib/}
 * (the {@code msm-redis} jar too when there is a Redis), each in {@code target/instances/NAME-VERSION/ROUTE} with
 * the applications the scenario deploys. Every process is on a free port of 127.0.0.1 and stopped by its pid.
 *
 * <p>A scenario class holds it in a {@code @RegisterExtension} field, starts it in {@code @BeforeAll} and closes it
 * in {@code @AfterAll}. As an extension it checks every test: both console logs are marked right before the test
 * runs (after the class's {@code @BeforeEach} methods, which may restart processes), a line at SEVERE or ERROR
 * logged from there until after the class's {@code @AfterEach} methods fails the test (msm logs WARN for what
 * degrades and recovers), and a failed test's message ends with both Tomcats' console logs. The shortest user is
 * {@link AbstractHungNodeScenarios}.
 */
final class Cluster implements BeforeTestExecutionCallback, AfterEachCallback, TestExecutionExceptionHandler,
        AutoCloseable {

    /** The it module's {@code target} directory: distributions, drop-in jars and instances are there. */
    static final Path TARGET = Path.of(System.getProperty("msm.it.target", "target")).toAbsolutePath();

    private final TomcatVersion version;
    private final String name;
    private final boolean withRedis;
    private final Map<String, ServerProcess> memcached = new LinkedHashMap<>();
    private ServerProcess redis;
    private final List<TomcatInstance> tomcats = new ArrayList<>();
    private final Map<TomcatInstance, Long> logOffsets = new LinkedHashMap<>();

    /**
     * Names the cluster; nothing starts yet.
     *
     * @param version   the distribution of both Tomcats
     * @param name      the scenario, part of the instances' directory, e.g. {@code trust}
     * @param withRedis whether there is a redis-server too (and {@code msm-redis.jar} in the Tomcats)
     */
    Cluster(TomcatVersion version, String name, boolean withRedis) {
        this.version = version;
        this.name = name;
        this.withRedis = withRedis;
    }

    /** Starts the stores, then the Tomcats with what {@code deploy} puts into each: see {@link #startTomcats}. */
    void start(Consumer<TomcatInstance> deploy) {
        startStores();
        startTomcats(deploy);
    }

    /** Starts memcached {@code n1} and {@code n2} and, if the cluster has one, the redis-server. */
    void startStores() {
        memcached.put("n1", ServerProcess.memcached());
        memcached.put("n2", ServerProcess.memcached());
        if (withRedis) {
            redis = ServerProcess.redis();
        }
    }

    /**
     * Creates Tomcats a and b, lets {@code deploy} configure each (deploy applications, add pages, write
     * configuration) and starts both at once; returns when every application of both answers.
     */
    void startTomcats(Consumer<TomcatInstance> deploy) {
        List<Path> libs = new ArrayList<>(List.of(version.dropin(TARGET)));
        if (withRedis) {
            libs.add(TomcatVersion.Dropins.require(TARGET, "msm-redis.jar"));
        }
        for (String route : List.of("a", "b")) {
            Path base = TARGET.resolve("instances").resolve(name + "-" + version.name().toLowerCase(Locale.ROOT))
                    .resolve(route);
            TomcatInstance t = new TomcatInstance(version, TARGET, base, route, libs);
            tomcats.add(t);
            deploy.accept(t);
        }
        both(TomcatInstance::start);
    }

    /** @return the distribution of both Tomcats */
    TomcatVersion version() {
        return version;
    }

    /** @return Tomcat a */
    TomcatInstance a() {
        return tomcats.get(0);
    }

    /** @return Tomcat b */
    TomcatInstance b() {
        return tomcats.get(1);
    }

    /** @return Tomcats a and b (a view: empty until {@link #startTomcats}) */
    List<TomcatInstance> tomcats() {
        return Collections.unmodifiableList(tomcats);
    }

    /** @return the memcached node {@code n1} or {@code n2} */
    ServerProcess memcached(String node) {
        return memcached.get(node);
    }

    /** @return both memcached nodes */
    Collection<ServerProcess> memcachedNodes() {
        return memcached.values();
    }

    /** @return whether the cluster has a redis-server (once started) */
    boolean hasRedis() {
        return withRedis;
    }

    /** @return the redis-server, or {@code null} when the cluster has none or it has not started */
    ServerProcess redis() {
        return redis;
    }

    /**
     * @return a new {@code <Manager>} of the msm manager on both memcached nodes that lets the sample application's
     *         classes into sessions; the caller adds the rest
     */
    Map<String, String> memcachedManager() {
        Map<String, String> m = manager();
        m.put("memcachedNodes", "n1:" + memcached.get("n1").address() + " n2:" + memcached.get("n2").address());
        return m;
    }

    /**
     * @param attributes the application's own attributes, e.g. {@code sticky}; added in the order of their names
     * @return {@link #memcachedManager()} with these attributes and no {@code storageKeyPrefix}: a session's key in
     *         memcached is its id (MSM's key format), so that a scenario can read its copies by session id
     */
    Map<String, String> memcachedManagerKeyedById(Map<String, String> attributes) {
        Map<String, String> m = memcachedManager();
        m.putAll(new TreeMap<>(attributes));
        m.put("storageKeyPrefix", "");
        return m;
    }

    /**
     * @return a new {@code <Manager>} of the msm manager on the redis-server that lets the sample application's
     *         classes into sessions; the caller adds the rest
     */
    Map<String, String> redisManager() {
        Map<String, String> m = manager();
        m.put("store", "redis");
        m.put("redisUrl", "redis://" + redis.address());
        return m;
    }

    /** @return the attributes every application's {@code <Manager>} has; a caller may add a store of its own */
    static Map<String, String> manager() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("className", "dev.msm.tomcat.MsmManager");
        m.put("allowedClasses", "dev.msm.it.app.**");
        return m;
    }

    /** Runs {@code action} on both Tomcats at once (a start takes seconds) and waits for both. */
    void both(Consumer<TomcatInstance> action) {
        CompletableFuture.allOf(CompletableFuture.runAsync(() -> action.accept(a())),
                CompletableFuture.runAsync(() -> action.accept(b()))).join();
    }

    /** Starts again each Tomcat a previous test killed or stopped. */
    void startStoppedTomcats() {
        both(t -> {
            if (!t.isRunning()) {
                t.start();
            }
        });
    }

    /** Resumes (SIGCONT) every running store process a test may have paused. */
    void resumeStores() {
        for (ServerProcess server : stores()) {
            if (server.isRunning()) {
                server.resume();
            }
        }
    }

    /**
     * @return the value memcached {@code node} holds under {@code key} (bytes as ISO-8859-1), read on a connection
     *         of its own, or {@code null}
     */
    String stored(String node, String key) {
        String answer = memcached.get(node).command("get " + key, "END");
        return answer.startsWith("VALUE ") ? answer.substring(answer.indexOf('\n') + 1) : null;
    }

    /** Waits until the manager of {@code app} on {@code t} sees exactly these memcached nodes as available. */
    static void awaitNodes(TomcatInstance t, String app, String nodes) {
        await(Duration.ofSeconds(30)).alias(t + " " + app + " sees nodes [" + nodes + "]")
                .until(() -> new Browser().body(t.url(app) + "/status.jsp"), ("nodes=" + nodes)::equals);
    }

    // ---- console logs

    /** Marks where both console logs end now: {@link #logSince} and the check after the test start there. */
    @Override
    public void beforeTestExecution(ExtensionContext context) {
        for (TomcatInstance t : tomcats) {
            logOffsets.put(t, Webapps.logOffset(t));
        }
    }

    /** @return what {@code t} logged since the test began */
    String logSince(TomcatInstance t) {
        return Webapps.logSince(t, logOffsets.getOrDefault(t, 0L));
    }

    /** An ERROR/SEVERE line since the test began is a bug. */
    @Override
    public void afterEach(ExtensionContext context) {
        if (logOffsets.isEmpty()) {
            return; // the test did not run
        }
        try {
            for (TomcatInstance t : tomcats) {
                List<String> severe = Webapps.severeSince(t, logOffsets.get(t));
                if (!severe.isEmpty()) {
                    throw new AssertionError(t + " logged during [" + context.getDisplayName() + "]:\n"
                            + String.join("\n", severe));
                }
            }
        } finally {
            logOffsets.clear();
        }
    }

    /** Adds the end of both Tomcats' console logs to the message of a failed test. */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        StringBuilder logs = new StringBuilder(String.valueOf(failure.getMessage()));
        for (TomcatInstance t : tomcats) {
            logs.append("\n---- ").append(t).append(", ").append(t.consoleLog()).append(" (end) ----\n")
                    .append(t.logTail(40));
        }
        AssertionError withLogs = new AssertionError(logs.toString(), failure);
        withLogs.setStackTrace(failure.getStackTrace());
        throw withLogs;
    }

    /** Kills both Tomcats (SIGKILL), then resumes and stops every store process; what never started is skipped. */
    @Override
    public void close() {
        tomcats.forEach(TomcatInstance::kill);
        for (ServerProcess server : stores()) {
            if (server.isRunning()) {
                server.resume();
            }
            server.close();
        }
    }

    private List<ServerProcess> stores() {
        List<ServerProcess> all = new ArrayList<>(memcached.values());
        if (redis != null) {
            all.add(redis);
        }
        return all;
    }
}

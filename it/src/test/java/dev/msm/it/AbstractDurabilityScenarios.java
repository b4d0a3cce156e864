package dev.msm.it;

import static dev.msm.api.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.msm.api.ServerProcess;

/**
 * Issue 14 end to end on a real Tomcat distribution: two Tomcats ({@code jvmRoute} a and b) with the drop-in jars in
 * {@code lib/}, two real memcached nodes and a real redis-server; on each Tomcat the sample application in sticky
 * mode twice: {@code /sticky} on memcached and {@code /stickyredis} on Redis. Faults are real: {@code kill -9} of a
 * Tomcat, {@code kill -STOP} of a memcached node. Each version's class only names its Tomcat.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractDurabilityScenarios {

    static final String MEMCACHED = "sticky";
    static final String REDIS = "stickyredis";

    private final TomcatVersion version;
    private final Path target = Path.of(System.getProperty("msm.it.target", "target")).toAbsolutePath();
    private ServerProcess n1;
    private ServerProcess n2;
    private ServerProcess redis;
    private TomcatInstance a;
    private TomcatInstance b;
    private final Map<TomcatInstance, Long> logOffsets = new LinkedHashMap<>();

    /**
     * @param version the Tomcat distribution every test of the subclass runs on
     */
    protected AbstractDurabilityScenarios(TomcatVersion version) {
        this.version = version;
    }

    // ==================================================================== fixture

    @BeforeAll
    void startCluster() {
        n1 = ServerProcess.memcached();
        n2 = ServerProcess.memcached();
        redis = ServerProcess.redis();
        a = tomcat("a");
        b = tomcat("b");
        both(TomcatInstance::start);
    }

    @AfterAll
    void stopCluster() {
        for (TomcatInstance t : new TomcatInstance[] {a, b}) {
            if (t != null) {
                t.kill();
            }
        }
        for (ServerProcess p : new ServerProcess[] {n1, n2, redis}) {
            if (p != null) {
                signal(p, "CONT");
                p.close();
            }
        }
    }

    private TomcatInstance tomcat(String route) {
        TomcatInstance t = new TomcatInstance(version, target,
                target.resolve("instances").resolve("durability-" + version.name().toLowerCase()).resolve(route),
                route, List.of(version.dropin(target), TomcatVersion.Dropins.require(target, "msm-redis.jar")));
        Map<String, String> memcached = new LinkedHashMap<>();
        memcached.put("className", "dev.msm.tomcat.MsmManager");
        memcached.put("memcachedNodes", "n1:" + n1.address() + " n2:" + n2.address());
        memcached.put("allowedClasses", "dev.msm.it.app.**");
        t.deploy(MEMCACHED, memcached);
        Map<String, String> onRedis = new LinkedHashMap<>();
        onRedis.put("className", "dev.msm.tomcat.MsmManager");
        onRedis.put("store", "redis");
        onRedis.put("redisUrl", "redis://" + redis.address());
        onRedis.put("allowedClasses", "dev.msm.it.app.**");
        t.deploy(REDIS, onRedis);
        return t;
    }

    /** Every process up and running again, and every Tomcat's memcached manager sees both nodes. */
    @BeforeEach
    void healthyCluster() {
        signal(n1, "CONT");
        signal(n2, "CONT");
        both(t -> {
            if (!t.isRunning()) {
                t.start();
            }
        });
        for (TomcatInstance t : List.of(a, b)) {
            await(Duration.ofSeconds(30)).alias(t + " sees nodes [n1 n2]").until(
                    () -> new Browser().body(t.url(MEMCACHED) + "/status.jsp"), "nodes=n1 n2"::equals);
            logOffsets.put(t, size(t.consoleLog()));
        }
    }

    /** msm logs WARN for what degrades and recovers; an ERROR/SEVERE line is a bug. */
    @AfterEach
    void nothingSevereLogged() {
        signal(n1, "CONT");
        signal(n2, "CONT");
        for (TomcatInstance t : List.of(a, b)) {
            String since = since(t.consoleLog(), logOffsets.getOrDefault(t, 0L));
            List<String> severe = since.lines().filter(l -> l.contains(" SEVERE ") || l.contains(" ERROR "))
                    .toList();
            assertTrue(severe.isEmpty(), t + " logged:\n" + String.join("\n", severe));
        }
    }

    private void both(Consumer<TomcatInstance> action) {
        CompletableFuture.allOf(CompletableFuture.runAsync(() -> action.accept(a)),
                CompletableFuture.runAsync(() -> action.accept(b))).join();
    }

    /** Sends a signal to a server process: {@code STOP} pauses it (its connections stay open), {@code CONT} resumes. */
    private static void signal(ServerProcess server, String signal) {
        if (server == null || !server.isRunning()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " failed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String since(Path file, long offset) {
        try {
            byte[] all = Files.readAllBytes(file);
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int count(String body) {
        assertTrue(body.startsWith("count="), "not a count: [" + body + "]");
        return Integer.parseInt(body.substring("count=".length()));
    }

    private static String node(String id) {
        int dot = id.indexOf('.');
        String base = dot < 0 ? id : id.substring(0, dot);
        return base.substring(base.lastIndexOf('-') + 1);
    }

    /** SIGKILL to Tomcat's JVM at once, before anything else (the instance's bookkeeping follows). */
    private static void killNow(TomcatInstance t) {
        ProcessHandle.of(t.pid()).ifPresent(ProcessHandle::destroyForcibly);
        t.kill();
    }

    // ==================================================================== 14.3 backups without a timer

    /**
     * Issue 14: with a 100 ms backup timer, the other Tomcat continued at count 1 (memcached) or 3 (Redis). A
     * response now leaves once the store acknowledged the write that covers its change (bounded by
     * {@code sessionBackupTimeout}), so the store has every answered change even when the Tomcat dies the instant
     * the client has its answer: the test accepts only 5 of 5. Waiting only until the write was handed to the store
     * client lost the 5th change in 2 of 10 runs on Redis (its I/O thread had not sent it yet); not waiting at all
     * lost it in 4 of 6, the old 100 ms timer in 3 of 3.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {MEMCACHED, REDIS})
    void sticky_FiveQuickChanges_TomcatKilledRightAfterTheFifthAnswer_OtherTomcatHasAllFive(String app) {
        Browser user = new Browser();
        for (int i = 1; i <= 5; i++) {
            assertEquals(i, count(user.body(a.url(app) + "/count.jsp")));
        }
        killNow(a);

        assertEquals(6, count(user.body(b.url(app) + "/count.jsp")), "Tomcat b continues after the 5th change");
    }

    // ==================================================================== 14.7 bounded shutdown

    @Test
    void stop_WithHungMemcachedNode_EndsWithinOperationTimeoutPlusAFewSeconds_LiveNodeSessionsKept() {
        List<Browser> users = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Browser user = new Browser();
            assertEquals(1, count(user.body(a.url(MEMCACHED) + "/count.jsp")));
            users.add(user);
        }
        long onHungNode = users.stream().filter(u -> node(u.sessionId()).equals("n1")).count();
        assertTrue(onHungNode > 0 && onHungNode < users.size(), onHungNode + " of " + users.size() + " on n1");
        signal(n1, "STOP");
        for (Browser user : users) {
            assertEquals(2, count(user.body(a.url(MEMCACHED) + "/count.jsp")));
        }

        long start = System.nanoTime();
        a.stop();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // the default operationTimeout is 1 s; Tomcat itself needs a moment to stop
        assertTrue(tookMillis < 1000 + 5000, "stopping Tomcat a took " + tookMillis + " ms");

        for (Browser user : users) {
            if (node(user.sessionId()).equals("n2")) {
                assertEquals(3, count(user.body(b.url(MEMCACHED) + "/count.jsp")), "written at stop: " + user
                        .sessionId());
            }
        }
    }
}

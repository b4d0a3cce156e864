package dev.msm.core;

import static dev.msm.api.Awaits.await;
import static dev.msm.core.Scenarios.count;
import static dev.msm.core.Scenarios.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.memcached.MemcachedStoreProvider;

/**
 * Issue 14 on embedded Tomcats of the version under test and two real memcached nodes: sticky backups without a
 * timer window, quiet 503s, and a stop bounded in time while a node hangs ({@code SIGSTOP}). Each Tomcat version
 * runs it by naming its manager.
 */
public abstract class DurabilityScenarios {

    private static ServerProcess n1;
    private static ServerProcess n2;
    private String cluster;
    private Tomcats tomcats;
    private LogCapture logs;

    /** @return a new manager of the bridge under test */
    protected abstract MsmManagerBase newManager();

    @BeforeAll
    static void startMemcached() {
        n1 = ServerProcess.memcached();
        n2 = ServerProcess.memcached();
    }

    @AfterAll
    static void stopMemcached() {
        n1.close();
        n2.close();
    }

    @BeforeEach
    void healthy(TestInfo info) {
        cluster = Tomcats.clusterName(info);
        signal(n1, "CONT");
        signal(n2, "CONT");
        logs = LogCapture.start();
        tomcats = new Tomcats(this::newManager, cluster, Map.of("memcachedNodes",
                "n1:" + n1.address() + " n2:" + n2.address(),
                "storageKeyPrefix", "static:t" + Integer.toHexString(cluster.hashCode())));
    }

    @AfterEach
    void stopAll() {
        signal(n1, "CONT");
        signal(n2, "CONT");
        logs.stop();
        tomcats.close();
    }

    private EmbeddedTomcat tomcat(String route, Map<String, String> extra) {
        return tomcats.start(route, extra);
    }

    /**
     * @param formLogin with a login-config, Tomcat's authenticator reads the session before the application's
     *                  filters; without, only the application does
     */
    private EmbeddedTomcat tomcat(String route, Map<String, String> extra, boolean formLogin) {
        return tomcats.start(route, extra, formLogin);
    }

    /** Pauses ({@code STOP}) or resumes ({@code CONT}) a memcached process: its connections stay open. */
    private static void signal(ServerProcess server, String signal) {
        if (!server.isRunning()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " failed");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ==================================================================== 14.3 backups without a timer

    @Test
    void sticky_ParallelChangesOfOneSession_AtMostOneWritePerRequest_StoreEndsCurrent() throws Exception {
        EmbeddedTomcat a = tomcat("a", Map.of("sticky", "true"));
        Browser first = new Browser();
        assertEquals(1, count(first.body(a.url() + "/count")));
        String id = first.sessionId();
        int threads = 4;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                done.add(pool.submit(() -> {
                    Browser user = new Browser();
                    user.setSessionId(id);
                    for (int j = 0; j < each; j++) {
                        user.body(a.url() + "/count");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int requests = 1 + threads * each;
        await().until(() -> a.manager().pendingBackups() == 0);
        long writes = a.manager().statistics().get(Statistics.Counter.WRITES);
        assertTrue(writes <= requests, writes + " writes for " + requests + " modifying requests");

        // the test application's increment is not atomic: parallel requests may overwrite each other's count
        int last = count(first.body(a.url() + "/read"));
        EmbeddedTomcat b = tomcat("b", Map.of("sticky", "true"));
        assertEquals(last + 1, count(first.body(b.url() + "/count")), "Tomcat b continues from the store");
    }

    @Test
    void sticky_DefaultHasNoBackupInterval_Issue14() {
        EmbeddedTomcat a = tomcat("a", Map.of("sticky", "true"));
        assertEquals(Duration.ZERO, a.manager().config().backupInterval());
    }

    // ==================================================================== 14.6 quiet failures

    @ParameterizedTest(name = "login-config {0}")
    @ValueSource(booleans = {true, false})
    void lockTimeouts_AnsweredWith503_OneWarnNoSevere_CountedPerOutcome_Issue14(boolean formLogin) throws Exception {
        EmbeddedTomcat a = tomcat("a", Map.of("sticky", "false", "lockingMode", "all", "lockExpiration", "30",
                "lockTimeout", "100"), formLogin);
        Browser user = new Browser();
        assertEquals(1, count(user.body(a.url() + "/count")));
        String id = user.sessionId();
        String lockKey = "lock:t" + Integer.toHexString(cluster.hashCode()) + "_" + id.substring(0, id.indexOf('.'));
        try (SessionStore direct = new MemcachedStoreProvider().create(new Settings(
                Map.of("memcachedNodes", "n1:" + n1.address() + " n2:" + n2.address()), Duration.ofSeconds(1),
                "test"))) {
            assertTrue(direct.add(node(id), lockKey, "other-owner".getBytes(StandardCharsets.US_ASCII), 30)
                    .get(5, TimeUnit.SECONDS), "the lock of another Tomcat");
            int refused = 6;
            logs.clear(); // what start-up logged (e.g. that values are not signed) is not about the refusals
            for (int i = 0; i < refused; i++) {
                Browser.Response r = user.get(a.url() + "/count");
                assertEquals(503, r.status(), "request " + i);
            }
            assertEquals(0, logs.countAtLeast(Level.SEVERE), logs.text());
            assertTrue(logs.countAtLeast(Level.WARNING) <= 1, logs.text());
            assertTrue(logs.contains("answered with 503"), logs.text());
            assertEquals(refused, a.manager().getStatRequestsRefusedLockTimeout());
            assertEquals(0, a.manager().getStatRequestsRefusedStoreUnavailable());
            assertTrue(direct.deleteIfEquals(node(id), lockKey, "other-owner".getBytes(StandardCharsets.US_ASCII))
                    .get(5, TimeUnit.SECONDS));
        }
        assertEquals(2, count(user.body(a.url() + "/count")), "a refused request changes nothing");
    }

    // ==================================================================== 14.7 bounded stop

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stop", "reload"})
    void stopOrReload_WithHungStoreNode_EndsWithinOperationTimeoutPlusAFewSeconds_WritesWhatItCan_Issue14(
            String how) {
        int operationTimeout = 500;
        EmbeddedTomcat a = tomcat("a", Map.of("sticky", "true", "operationTimeout",
                Integer.toString(operationTimeout)));
        List<Browser> users = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Browser user = new Browser();
            assertEquals(1, count(user.body(a.url() + "/count")));
            users.add(user);
        }
        await().until(() -> a.manager().pendingBackups() == 0);
        signal(n1, "STOP");
        long onHungNode = users.stream().filter(u -> node(u.sessionId()).equals("n1")).count();
        assertTrue(onHungNode > 0 && onHungNode < users.size(), onHungNode + " of " + users.size() + " on n1");
        for (Browser user : users) {
            assertEquals(2, count(user.body(a.url() + "/count")));
        }
        // the backups to the hung node failed: those sessions are dirty when the context stops
        // each backup to the hung node fails after the operation timeout and leaves its session dirty; the
        // background process keeps retrying them
        await().alias("backups to the hung node failed").until(() -> a.manager().statistics()
                .get(Statistics.Counter.WRITE_FAILURES) >= onHungNode || !a.manager().getAvailableNodes()
                .contains("n1"));

        long start = System.nanoTime();
        if (how.equals("stop")) {
            a.stop();
        } else {
            a.reload();
            assertTrue(a.contextAvailable(), "the context runs again after the reload");
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis < operationTimeout + 3000, how + " took " + tookMillis + " ms");
        assertEquals(0, logs.countAtLeast(Level.SEVERE), logs.text());

        EmbeddedTomcat b = tomcat("b", Map.of("sticky", "true", "operationTimeout",
                Integer.toString(operationTimeout)));
        for (Browser user : users) {
            if (node(user.sessionId()).equals("n2")) {
                assertEquals(3, count(user.body(b.url() + "/count")), "a session on the live node was written");
            }
        }
    }
}

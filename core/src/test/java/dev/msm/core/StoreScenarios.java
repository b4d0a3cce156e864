package dev.msm.core;

import static dev.msm.api.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The manager scenarios every store must pass, whether it addresses nodes (memcached) or replicates by itself
 * (Redis, Couchbase): counters in both modes, concurrent increments under locking, restart, the store's server
 * stopped and started again, expiry. Each store's test class supplies the store attributes and how to stop and
 * start its server.
 */
public abstract class StoreScenarios {

    private final List<EmbeddedTomcat> tomcats = new ArrayList<>();
    protected String cluster;

    /** @return a new manager of the bridge under test */
    protected abstract MsmManagerBase newManager();

    /** @return store attributes for a fresh, isolated key space */
    protected abstract Map<String, String> storeAttributes();

    /** Stops the store's server (all of it). */
    protected abstract void stopServer();

    /** Starts the store's server again. */
    protected abstract void startServer();

    @BeforeEach
    void name(TestInfo info) {
        cluster = info.getTestMethod().map(m -> m.getName()).orElse("t") + "-" + UUID.randomUUID();
    }

    @AfterEach
    void stopTomcats() {
        tomcats.forEach(t -> {
            try {
                t.close();
            } catch (RuntimeException e) {
                // go on
            }
        });
        tomcats.clear();
    }

    protected EmbeddedTomcat tomcat(String route, Map<String, String> extra) {
        Map<String, String> attrs = new HashMap<>(storeAttributes());
        attrs.put("allowedClasses", "dev.msm.core.TestApp");
        attrs.putAll(extra);
        EmbeddedTomcat t = new EmbeddedTomcat(this::newManager, route, cluster, attrs);
        tomcats.add(t);
        try {
            t.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertTrue(t.contextAvailable(), "context did not start");
        return t;
    }

    private static int count(String body) {
        assertTrue(body.startsWith("count="), body);
        return Integer.parseInt(body.substring(6).trim());
    }

    @Test
    void sticky_CounterContinuesOnOtherTomcat() {
        EmbeddedTomcat a = tomcat("a", Map.of("sticky", "true"));
        EmbeddedTomcat b = tomcat("b", Map.of("sticky", "true"));
        Browser user = new Browser();
        for (int i = 1; i <= 3; i++) {
            assertEquals(i, count(user.body(a.url() + "/count")));
        }
        await().until(() -> a.manager().pendingBackups() == 0
                && a.manager().statistics().get(Statistics.Counter.WRITES) > 0);
        assertEquals(4, count(user.body(b.url() + "/count")));
    }

    @Test
    void nonSticky_AlternatingIncrements() {
        EmbeddedTomcat a = tomcat("a", Map.of("sticky", "false"));
        EmbeddedTomcat b = tomcat("b", Map.of("sticky", "false"));
        Browser user = new Browser();
        for (int i = 1; i <= 100; i++) {
            assertEquals(i, count(user.body((i % 2 == 0 ? b : a).url() + "/count")));
        }
    }

    @Test
    void nonSticky_ConcurrentIncrements_LockingAll() throws Exception {
        EmbeddedTomcat a = tomcat("a", Map.of("sticky", "false", "lockingMode", "all"));
        EmbeddedTomcat b = tomcat("b", Map.of("sticky", "false", "lockingMode", "all"));
        Browser first = new Browser();
        first.body(a.url() + "/count");
        String id = first.sessionId();
        int clients = 8;
        int increments = 25;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CyclicBarrier barrier = new CyclicBarrier(clients);
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    Browser u = new Browser();
                    u.setSessionId(id);
                    barrier.await(10, TimeUnit.SECONDS);
                    List<Integer> seen = new ArrayList<>();
                    for (int i = 0; i < increments; i++) {
                        seen.add(count(u.body(((i + client) % 2 == 0 ? a : b).url() + "/count")));
                    }
                    return seen;
                }));
            }
            Set<Integer> all = new HashSet<>();
            for (Future<List<Integer>> r : results) {
                for (int n : r.get(120, TimeUnit.SECONDS)) {
                    assertTrue(all.add(n), "count " + n + " seen twice");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("count=" + (1 + clients * increments), first.body(b.url() + "/read"));
    }

    @Test
    void restart_KeepsSessions() {
        for (String sticky : List.of("true", "false")) {
            EmbeddedTomcat a = tomcat("a", Map.of("sticky", sticky));
            Browser user = new Browser();
            user.body(a.url() + "/count");
            user.body(a.url() + "/count");
            a.stop();
            EmbeddedTomcat again = tomcat("a", Map.of("sticky", sticky));
            assertEquals(3, count(user.body(again.url() + "/count")), "sticky=" + sticky);
        }
    }

    @Test
    void serverStopped_FailsFastWith503_RecoversByItself() {
        EmbeddedTomcat a = tomcat("a", Map.of("sticky", "false", "operationTimeout", "500"));
        Browser user = new Browser();
        user.body(a.url() + "/count");
        stopServer();
        await(Duration.ofSeconds(30)).until(() -> !a.manager().isStoreAvailable());
        try {
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                Browser.Response r = user.get(a.url() + "/read");
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(503, r.status(), "request " + i + ": " + r.body());
                assertTrue(took < 500 + 1500, "request " + i + " took " + took + " ms");
            }
        } finally {
            startServer();
        }
        await(Duration.ofSeconds(30)).until(() -> a.manager().isStoreAvailable());
        Browser fresh = new Browser();
        assertEquals(1, count(fresh.body(a.url() + "/count")));
        assertEquals(2, count(fresh.body(a.url() + "/count")));
    }

    @Test
    void nonSticky_Timeout_DestroyedOnce() {
        EmbeddedTomcat a = tomcat("a", Map.of("sticky", "false"));
        EmbeddedTomcat b = tomcat("b", Map.of("sticky", "false"));
        Browser user = new Browser();
        user.body(a.url() + "/timeout?s=2");
        user.body(b.url() + "/bound");
        user.body(a.url() + "/read");
        await(Duration.ofSeconds(30)).until(() -> TestApp.events(cluster, "destroyed") >= 1);
        await(Duration.ofSeconds(10)).during(Duration.ofSeconds(3))
                .until(() -> TestApp.events(cluster, "destroyed") == 1);
        assertEquals(1, TestApp.events(cluster, "unbound"));
    }
}

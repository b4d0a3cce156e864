package dev.msm.core;

import static dev.msm.api.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The manager's behaviour end to end, on embedded Tomcats of the version under test and a store with two nodes:
 * sticky and non-sticky mode, failover of Tomcats and store nodes, locking, expiry, bad input. Each Tomcat version
 * runs it once per store fixture by extending it.
 */
public abstract class ManagerScenarios {

    private final List<EmbeddedTomcat> tomcats = new ArrayList<>();
    protected String testName;
    protected String cluster;

    /** @return a new manager of the bridge under test */
    protected abstract MsmManagerBase newManager();

    /**
     * @return the store attributes for a fresh, isolated key space with two nodes {@code n1} and {@code n2}
     */
    protected abstract Map<String, String> storeAttributes();

    /**
     * @return the attribute and value that configure the store without {@code node}, as an operator would set them
     *         over JMX
     */
    protected abstract Map.Entry<String, String> withoutNode(String node);

    /** Kills the server behind a node (as kill -9 would). */
    protected abstract void killNode(String node);

    /** Starts the server behind a node again, empty. */
    protected abstract void restartNode(String node);

    /** @return a client of the same store and key space as the managers, for checks and injected faults */
    protected abstract dev.msm.api.SessionStore directStore();

    /** @return the storage key prefix the fixture's attributes give ({@code ""} for none) */
    protected String keyPrefix() {
        return "";
    }

    private String base(String sessionId) {
        return sessionId.contains(".") ? sessionId.substring(0, sessionId.indexOf('.')) : sessionId;
    }

    /** @return the lock key of a session */
    protected String lockKey(String sessionId) {
        return "lock:" + keyPrefix() + base(sessionId);
    }

    /** @return the primary key of a session */
    protected String sessionKey(String sessionId) {
        return keyPrefix() + base(sessionId);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
        return f.orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** @return whether the store of a node is up again as seen by a manager */
    protected boolean nodeAvailable(MsmManagerBase m, String node) {
        return (" " + m.getAvailableNodes() + " ").contains(" " + node + " ");
    }

    @BeforeEach
    void name(TestInfo info) {
        testName = info.getTestMethod().map(m -> m.getName()).orElse("t");
        cluster = testName + "-" + UUID.randomUUID();
    }

    @AfterEach
    void stopTomcats() {
        for (EmbeddedTomcat t : tomcats) {
            try {
                t.close();
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
        tomcats.clear();
    }

    protected EmbeddedTomcat tomcat(String route, Map<String, String> extra) {
        Map<String, String> attrs = new HashMap<>(storeAttributes());
        attrs.put("allowedClasses", "dev.msm.core.TestApp");
        attrs.putAll(extra);
        Supplier<MsmManagerBase> managers = this::newManager;
        EmbeddedTomcat t = new EmbeddedTomcat(managers, route, cluster, attrs);
        tomcats.add(t);
        try {
            t.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertTrue(t.contextAvailable(), "context did not start");
        return t;
    }

    protected static Map<String, String> sticky() {
        return Map.of("sticky", "true");
    }

    protected static Map<String, String> nonSticky(String lockingMode) {
        return Map.of("sticky", "false", "lockingMode", lockingMode);
    }

    private static int count(String body) {
        assertTrue(body.startsWith("count="), body);
        return Integer.parseInt(body.substring("count=".length()).trim());
    }

    // ==================================================================== locking

    @Test
    void lock_HeldByCrashedTomcat_BlocksAtMostLockExpiration() {
        Map<String, String> cfg = Map.of("sticky", "false", "lockingMode", "all", "lockExpiration", "2");
        EmbeddedTomcat a = tomcat("a", cfg);
        Browser user = new Browser();
        assertEquals(1, count(user.body(a.url() + "/count")));
        String id = user.sessionId();
        // a Tomcat that died holding the lock left this behind
        assertTrue(join(directStore().add(node(id), lockKey(id), ascii("dead-owner"), 2)));
        long start = System.nanoTime();
        assertEquals(2, count(user.body(a.url() + "/count")));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited < 2000 + 2000, "waited " + waited + " ms for a lock that expires after 2 s");
        assertTrue(a.manager().statistics().get(Statistics.Counter.LOCK_WAITS) > 0, "the request did not wait");
    }

    @Test
    void lock_NotObtainedInTime_Answers503_ThenRecovers() {
        Map<String, String> cfg = Map.of("sticky", "false", "lockingMode", "all", "lockExpiration", "30",
                "lockTimeout", "300");
        EmbeddedTomcat a = tomcat("a", cfg);
        Browser user = new Browser();
        user.body(a.url() + "/count");
        String id = user.sessionId();
        assertTrue(join(directStore().add(node(id), lockKey(id), ascii("other-owner"), 30)));
        Browser.Response refused = user.get(a.url() + "/count");
        assertEquals(503, refused.status());
        assertTrue(join(directStore().deleteIfEquals(node(id), lockKey(id), ascii("other-owner"))));
        assertEquals(2, count(user.body(a.url() + "/count")), "the refused request must not have changed it");
        assertEquals(1, a.manager().statistics().get(Statistics.Counter.LOCK_TIMEOUTS));
    }

    @Test
    void lock_TimeoutWithProceed_ServesUnlocked() {
        Map<String, String> cfg = Map.of("sticky", "false", "lockingMode", "all", "lockExpiration", "30",
                "lockTimeout", "200", "onLockTimeout", "proceed");
        EmbeddedTomcat a = tomcat("a", cfg);
        Browser user = new Browser();
        user.body(a.url() + "/count");
        String id = user.sessionId();
        assertTrue(join(directStore().add(node(id), lockKey(id), ascii("other-owner"), 30)));
        assertEquals(2, count(user.body(a.url() + "/count")));
        assertEquals("other-owner", new String(join(directStore().get(node(id), lockKey(id))),
                java.nio.charset.StandardCharsets.US_ASCII), "someone else's lock must stay");
    }

    @Test
    void lock_ReleasedWhenApplicationThrows() {
        EmbeddedTomcat a = tomcat("a", nonSticky("all"));
        Browser user = new Browser();
        user.body(a.url() + "/count");
        String id = user.sessionId();
        assertEquals(500, user.get(a.url() + "/fail").status());
        assertEquals(null, join(directStore().get(node(id), lockKey(id))), "lock left behind");
        assertEquals(2, count(user.body(a.url() + "/count")));
    }

    @Test
    void lock_AsyncRequest_HoldsLockUntilComplete() throws Exception {
        EmbeddedTomcat a = tomcat("a", nonSticky("all"));
        Browser user = new Browser();
        user.body(a.url() + "/count");
        String id = user.sessionId();
        TestApp.PENDING.clear();
        java.util.concurrent.CompletableFuture<Browser.Response> async = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> user.get(a.url() + "/async"));
        jakarta.servlet.AsyncContext pending = TestApp.PENDING.poll(20, TimeUnit.SECONDS);
        assertNotNull(pending);
        assertNotNull(join(directStore().get(node(id), lockKey(id))), "lock released while async is running");
        pending.complete();
        assertEquals(200, async.get(20, TimeUnit.SECONDS).status());
        await().until(() -> join(directStore().get(node(id), lockKey(id))) == null);
        assertEquals(3, count(user.body(a.url() + "/count")));
    }

    @Test
    void lock_ParallelRequestsOnOneTomcat_ShareLockAndInstance() throws Exception {
        EmbeddedTomcat a = tomcat("a", nonSticky("all"));
        Browser first = new Browser();
        first.body(a.url() + "/count");
        String id = first.sessionId();
        int clients = 6;
        int increments = 20;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                all.add(pool.submit(() -> {
                    Browser u = new Browser();
                    u.setSessionId(id);
                    for (int i = 0; i < increments; i++) {
                        u.body(a.url() + "/count");
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("count=" + (1 + clients * increments), first.body(a.url() + "/read"));
        long locks = a.manager().statistics().get(Statistics.Counter.LOCKS);
        assertTrue(locks < 1 + clients * increments + 1, "every request took the store lock itself: " + locks);
    }

    // ==================================================================== store down

    @Test
    void allNodesDown_FailMode_AnswersFastWith503_ThenRecovers() {
        EmbeddedTomcat a = tomcat("a", Map.of("sticky", "false", "operationTimeout", "500"));
        Browser user = new Browser();
        user.body(a.url() + "/count");
        killNode("n1");
        killNode("n2");
        await().until(() -> a.manager().getAvailableNodes().isEmpty());
        for (int i = 0; i < 100; i++) {
            long start = System.nanoTime();
            Browser.Response r = user.get(a.url() + "/read");
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(503, r.status(), "request " + i);
            assertTrue(took < 500 + 1500, "request " + i + " took " + took + " ms");
        }
        assertEquals("ok", new Browser().body(a.url() + "/nosession"));
        restartNode("n1");
        restartNode("n2");
        await().until(() -> a.manager().getAvailableNodes().split(" ").length == 2);
        Browser fresh = new Browser();
        assertEquals(1, count(fresh.body(a.url() + "/count")));
        assertEquals(2, count(fresh.body(a.url() + "/count")));
    }

    @Test
    void allNodesDown_FreshMode_ServesTransientSession() {
        EmbeddedTomcat a = tomcat("a", Map.of("sticky", "false", "onStoreUnavailable", "fresh"));
        Browser user = new Browser();
        user.body(a.url() + "/count");
        user.body(a.url() + "/count");
        String id = user.sessionId();
        killNode("n1");
        killNode("n2");
        await().until(() -> a.manager().getAvailableNodes().isEmpty());
        assertEquals(1, count(user.body(a.url() + "/count")));
        assertEquals(id, user.sessionId(), "the cookie must not change");
    }

    @Test
    void sticky_AllNodesDown_ServesFromMemory_BacksUpWhenNodeReturns() {
        EmbeddedTomcat a = tomcat("a", sticky());
        EmbeddedTomcat b = tomcat("b", sticky());
        Browser user = new Browser();
        user.body(a.url() + "/count");
        killNode("n1");
        killNode("n2");
        await().until(() -> a.manager().getAvailableNodes().isEmpty());
        for (int i = 2; i <= 5; i++) {
            assertEquals(i, count(user.body(a.url() + "/count")));
        }
        restartNode("n1");
        restartNode("n2");
        await().until(() -> a.manager().getAvailableNodeCount() == 2 && b.manager().getAvailableNodeCount() == 2);
        await().until(() -> {
            byte[] stored = join(directStore().get(node(user.sessionId()), sessionKey(user.sessionId())));
            return stored != null && a.manager().pendingBackups() == 0;
        });
        assertEquals(6, count(user.body(b.url() + "/count")));
    }

    // ==================================================================== operations

    @Test
    void jmx_StatisticsAreNumbers_AndResettable() throws Exception {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        Browser user = new Browser();
        user.body(a.url() + "/count");
        user.body(a.url() + "/read");
        javax.management.MBeanServer mbs = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = null;
        for (javax.management.ObjectName n : mbs.queryNames(
                new javax.management.ObjectName("*:type=Manager,context=/app,*"), null)) {
            if (Long.valueOf(a.port()).equals(0L) || mbs.isRegistered(n)) {
                name = n;
            }
        }
        assertNotNull(name, "manager MBean not registered");
        Object requests = mbs.getAttribute(name, "statRequests");
        assertTrue(requests instanceof Long, "statRequests is " + requests);
        assertTrue((Long) requests >= 2, "statRequests " + requests);
        assertTrue(mbs.getAttribute(name, "statLoadMicrosP99") instanceof Long);
        assertEquals(2, mbs.getAttribute(name, "availableNodeCount"));
        mbs.invoke(name, "resetStatistics", null, null);
        assertEquals(0L, mbs.getAttribute(name, "statRequests"));
    }

    @Test
    void runtimeNodeRemoval_SessionsMoveOnNextUse() {
        for (Map<String, String> mode : List.of(sticky(), nonSticky("all"))) {
            EmbeddedTomcat a = tomcat("a" + mode.get("sticky"), mode);
            List<Browser> onN1 = new ArrayList<>();
            for (int i = 0; i < 40 && onN1.size() < 3; i++) {
                Browser u = new Browser();
                u.body(a.url() + "/count");
                if (node(u.sessionId()).equals("n1")) {
                    onN1.add(u);
                }
            }
            assertEquals(3, onN1.size(), "no sessions on n1");
            await().until(() -> a.manager().pendingBackups() == 0);
            Map.Entry<String, String> change = withoutNode("n1");
            if (!EmbeddedTomcat.setAttribute(a.manager(), change.getKey(), change.getValue())) {
                a.manager().setProperty(change.getKey(), change.getValue());
            }
            assertEquals(1, a.manager().getNodeCount());
            for (Browser u : onN1) {
                assertEquals(2, count(u.body(a.url() + "/count")), "mode " + mode);
                assertEquals("n2", node(u.sessionId()));
            }
        }
    }

    // ==================================================================== authentication

    @Test
    void formLogin_OnOneTomcat_IsHonouredOnTheOther_AndLoginChangesTheId() {
        EmbeddedTomcat a = tomcat("a", nonSticky("all"));
        EmbeddedTomcat b = tomcat("b", nonSticky("all"));
        Browser user = new Browser();
        assertEquals("login-form", user.body(a.url() + "/secure/hello"));
        String before = user.sessionId();
        assertNotNull(before);
        Browser.Response login = user.post(b.url() + "/j_security_check", "j_username=alice&j_password=secret");
        assertEquals(303, login.status(), login.body());
        String after = user.sessionId();
        assertNotEquals(before, after, "no new session id after login (session fixation)");
        assertEquals("hello alice", user.body(a.url() + "/secure/hello"));
        assertEquals("hello alice", user.body(b.url() + "/secure/hello"));
        assertEquals(null, join(directStore().get(node(before), sessionKey(before))),
                "the session is still stored under its id from before the login");
    }

    private static String node(String sessionId) {
        String base = sessionId.contains(".") ? sessionId.substring(0, sessionId.indexOf('.')) : sessionId;
        return base.substring(base.lastIndexOf('-') + 1);
    }

    private static String route(String sessionId) {
        return sessionId.contains(".") ? sessionId.substring(sessionId.indexOf('.') + 1) : null;
    }

    /** Waits until a sticky manager has no backup queued or running. */
    protected static void awaitBackups(EmbeddedTomcat t) {
        await().until(() -> t.manager().statistics().get(Statistics.Counter.WRITES) > 0
                && ((MsmManagerBase) t.manager()).pendingBackups() == 0);
    }

    // ==================================================================== sticky

    @Test
    void sticky_SessionContinuesOnOtherTomcat_WithNewRoute() {
        EmbeddedTomcat a = tomcat("a", sticky());
        EmbeddedTomcat b = tomcat("b", sticky());
        Browser user = new Browser();
        for (int i = 1; i <= 3; i++) {
            assertEquals(i, count(user.body(a.url() + "/count")));
        }
        String id = user.sessionId();
        assertEquals("a", route(id));
        awaitBackups(a);
        assertEquals(4, count(user.body(b.url() + "/count")));
        assertEquals("b", route(user.sessionId()));
        assertEquals(id.substring(0, id.indexOf('.')), user.sessionId().substring(0, id.indexOf('.')));
        assertEquals(5, count(user.body(b.url() + "/count")));
        assertEquals(1, b.manager().statistics().get(Statistics.Counter.TOMCAT_FAILOVERS));
    }

    @Test
    void sticky_StoreNodeDies_SessionMovesToOtherNode() {
        EmbeddedTomcat a = tomcat("a", sticky());
        EmbeddedTomcat b = tomcat("b", sticky());
        Browser user = new Browser();
        assertEquals(1, count(user.body(a.url() + "/count")));
        String node = node(user.sessionId());
        awaitBackups(a);
        killNode(node);
        await().until(() -> !nodeAvailable(a.manager(), node));
        assertEquals(2, count(user.body(a.url() + "/count")));
        String moved = user.sessionId();
        assertNotEquals(node, node(moved), "session id still names the dead node");
        await().until(() -> a.manager().pendingBackups() == 0
                && a.manager().statistics().get(Statistics.Counter.WRITES) >= 2);
        // Tomcat a fails now: b must find the session on the node it moved to
        assertEquals(3, count(user.body(b.url() + "/count")));
        restartNode(node);
    }

    @Test
    void sticky_TomcatRestart_KeepsSessions() {
        EmbeddedTomcat a = tomcat("a", sticky());
        Browser user = new Browser();
        user.body(a.url() + "/count");
        user.body(a.url() + "/count");
        a.stop();
        EmbeddedTomcat again = tomcat("a", sticky());
        assertEquals(3, count(user.body(again.url() + "/count")));
    }

    @Test
    void sticky_InPlaceMutation_IsBackedUp() {
        EmbeddedTomcat a = tomcat("a", sticky());
        EmbeddedTomcat b = tomcat("b", sticky());
        Browser user = new Browser();
        for (int i = 1; i <= 5; i++) {
            assertEquals("size=" + i, user.body(a.url() + "/list"));
        }
        await().until(() -> a.manager().pendingBackups() == 0);
        assertEquals("size=6", user.body(b.url() + "/list"));
    }

    @Test
    void sticky_Invalidate_RemovesStoredCopy() {
        EmbeddedTomcat a = tomcat("a", sticky());
        EmbeddedTomcat b = tomcat("b", sticky());
        Browser user = new Browser();
        user.body(a.url() + "/count");
        awaitBackups(a);
        user.body(a.url() + "/invalidate");
        assertEquals("none", user.body(b.url() + "/read"));
        assertEquals(1, TestApp.events(cluster, "destroyed"));
    }

    // ==================================================================== non-sticky

    @Test
    void nonSticky_AlternatingIncrements_NoGap() {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        EmbeddedTomcat b = tomcat("b", nonSticky("none"));
        Browser user = new Browser();
        for (int i = 1; i <= 200; i++) {
            assertEquals(i, count(user.body((i % 2 == 0 ? b : a).url() + "/count")), "request " + i);
        }
    }

    @Test
    void nonSticky_ResponseCompletedBeforeRequestEnds_NextRequestSeesTheWrite() {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        EmbeddedTomcat b = tomcat("b", nonSticky("none"));
        Browser user = new Browser();
        for (int i = 1; i <= 30; i++) {
            assertEquals(i, count(user.body((i % 2 == 0 ? b : a).url() + "/closecount")), "request " + i);
        }
    }

    @Test
    void nonSticky_InPlaceListMutation_NoGap() {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        EmbeddedTomcat b = tomcat("b", nonSticky("none"));
        Browser user = new Browser();
        for (int i = 1; i <= 100; i++) {
            assertEquals("size=" + i, user.body((i % 2 == 0 ? b : a).url() + "/list"), "request " + i);
        }
    }

    @Test
    void nonSticky_ConcurrentIncrements_LockingAll_ExactTotal() throws Exception {
        EmbeddedTomcat a = tomcat("a", nonSticky("all"));
        EmbeddedTomcat b = tomcat("b", nonSticky("all"));
        Browser first = new Browser();
        assertEquals(1, count(first.body(a.url() + "/count")));
        String id = first.sessionId();
        int clients = 8;
        int increments = 50;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CyclicBarrier barrier = new CyclicBarrier(clients);
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    Browser user = new Browser();
                    user.setSessionId(id);
                    barrier.await(10, TimeUnit.SECONDS);
                    List<Integer> seen = new ArrayList<>();
                    for (int i = 0; i < increments; i++) {
                        EmbeddedTomcat t = (i + client) % 2 == 0 ? a : b;
                        seen.add(count(user.body(t.url() + "/count")));
                    }
                    return seen;
                }));
            }
            java.util.Set<Integer> all = new java.util.HashSet<>();
            for (Future<List<Integer>> r : results) {
                for (int n : r.get(120, TimeUnit.SECONDS)) {
                    assertTrue(all.add(n), "two requests saw count " + n);
                }
            }
            assertEquals(clients * increments, all.size());
        } finally {
            pool.shutdownNow();
        }
        assertEquals("count=" + (1 + clients * increments), first.body(b.url() + "/read"));
    }

    @Test
    void nonSticky_ReadOnlyAndNoSessionRequests_DoNotWrite() {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        Browser user = new Browser();
        user.body(a.url() + "/count");
        long writes = a.manager().statistics().get(Statistics.Counter.WRITES);
        for (int i = 0; i < 20; i++) {
            assertEquals("count=1", user.body(a.url() + "/read"));
            user.body(a.url() + "/nosession");
        }
        assertEquals(writes, a.manager().statistics().get(Statistics.Counter.WRITES));
    }

    @Test
    void nonSticky_Invalidate_GoneEverywhere() {
        EmbeddedTomcat a = tomcat("a", nonSticky("all"));
        EmbeddedTomcat b = tomcat("b", nonSticky("all"));
        Browser user = new Browser();
        user.body(a.url() + "/count");
        user.body(b.url() + "/count");
        user.body(a.url() + "/invalidate");
        assertEquals("none", user.body(b.url() + "/read"));
        assertEquals("none", user.body(a.url() + "/read"));
        assertEquals(1, TestApp.events(cluster, "destroyed"));
    }

    @Test
    void nonSticky_Timeout_FiresDestroyedExactlyOnceAcrossTomcats() {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        EmbeddedTomcat b = tomcat("b", nonSticky("none"));
        Browser user = new Browser();
        user.body(a.url() + "/timeout?s=2");
        user.body(b.url() + "/bound");
        user.body(a.url() + "/count");
        user.body(b.url() + "/read");
        assertEquals(1, TestApp.events(cluster, "created"));
        await(Duration.ofSeconds(30)).until(() -> TestApp.events(cluster, "destroyed") >= 1);
        await(Duration.ofSeconds(10)).during(Duration.ofSeconds(4))
                .until(() -> TestApp.events(cluster, "destroyed") == 1);
        assertEquals(1, TestApp.events(cluster, "unbound"));
        assertEquals("none", user.body(a.url() + "/read"));
    }

    @Test
    void nonSticky_StoreNodeDies_SessionsSurvive_ThenOtherNodeDies() {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        EmbeddedTomcat b = tomcat("b", nonSticky("none"));
        List<Browser> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Browser u = new Browser();
            assertEquals(1, count(u.body((i % 2 == 0 ? a : b).url() + "/count")));
            users.add(u);
        }
        killNode("n1");
        await().until(() -> !nodeAvailable(a.manager(), "n1") && !nodeAvailable(b.manager(), "n1"));
        for (int i = 0; i < users.size(); i++) {
            assertEquals(2, count(users.get(i).body((i % 2 == 0 ? b : a).url() + "/count")), "user " + i);
        }
        restartNode("n1");
        await().until(() -> nodeAvailable(a.manager(), "n1") && nodeAvailable(b.manager(), "n1"));
        await().until(() -> a.manager().pendingRepairs() == 0 && b.manager().pendingRepairs() == 0);
        killNode("n2");
        await().until(() -> !nodeAvailable(a.manager(), "n2") && !nodeAvailable(b.manager(), "n2"));
        for (int i = 0; i < users.size(); i++) {
            assertEquals(3, count(users.get(i).body((i % 2 == 0 ? a : b).url() + "/count")), "user " + i);
        }
        restartNode("n2");
        await().until(() -> nodeAvailable(a.manager(), "n2"));
    }

    // ==================================================================== bad input

    @Test
    void hostileCookies_GetFreshSessionOrNone_Never5xx() {
        EmbeddedTomcat a = tomcat("a", nonSticky("all"));
        EmbeddedTomcat s = tomcat("s", sticky());
        String[] hostile = {"", "x", "A".repeat(4096), "0123456789ABCDEF0123456789ABCDEF-n9",
            "0123456789ABCDEF0123456789ABCDEF-n1 0 0 1", "../../etc/passwd", "0123456789ABCDEF-n1.a.b",
            "0123456789ABCDEF0123456789ABCDEF-n1\r\nset x 0 0 1", "0123456789abcdefXYZ-n1",
            "0123456789ABCDEF0123456789ABCDEF-n1.r\u00e9", "0123456789ABCDEF0123456789ABCDEF-n1.",
            "-n1", "0123456789ABCDEF0123456789ABCDEF-", "0123456789ABCDEF0123456789ABCDEF-n1.a\u0000"};
        for (EmbeddedTomcat t : List.of(a, s)) {
            for (String h : hostile) {
                RawHttp.Response read = RawHttp.get(t.port(), "/app/read", h);
                assertTrue(read.status() < 500, "cookie [" + h + "]: " + read.status());
                if (read.status() == 200) {
                    assertEquals("none", read.body(), "cookie [" + h + "]");
                }
                RawHttp.Response count = RawHttp.get(t.port(), "/app/count", h);
                assertTrue(count.status() < 500, "cookie [" + h + "]: " + count.status());
                if (count.status() == 200) {
                    assertEquals("count=1", count.body(), "cookie [" + h + "]");
                    assertNotNull(count.sessionCookie(), "cookie [" + h + "]: no new session");
                    assertNotEquals(h, count.sessionCookie());
                }
            }
        }
    }

    @Test
    void configError_StopsContextWithMessage() {
        Map<String, String> attrs = new HashMap<>(storeAttributes());
        attrs.put("sticky", "ture");
        EmbeddedTomcat t = new EmbeddedTomcat(this::newManager, "a", cluster, attrs);
        tomcats.add(t);
        LogCapture log = LogCapture.start();
        try {
            t.start();
        } catch (Exception e) {
            // Tomcat reports the failed context in the log; the server itself may start
        } finally {
            log.stop();
        }
        assertFalse(t.contextAvailable());
        assertTrue(log.contains("Invalid value [ture] for attribute [sticky]; accepted values are [true, false]"),
                log.text());
    }

    @Test
    void unchangedSession_IsNotRewritten_Sticky() {
        EmbeddedTomcat a = tomcat("a", sticky());
        Browser user = new Browser();
        user.body(a.url() + "/count");
        awaitBackups(a);
        long writes = a.manager().statistics().get(Statistics.Counter.WRITES);
        for (int i = 0; i < 20; i++) {
            user.body(a.url() + "/read");
        }
        await().until(() -> a.manager().pendingBackups() == 0);
        assertEquals(writes, a.manager().statistics().get(Statistics.Counter.WRITES));
        assertNotNull(user.sessionId());
    }
}

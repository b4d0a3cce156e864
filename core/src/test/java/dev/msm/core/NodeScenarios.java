package dev.msm.core;

import static dev.msm.api.Awaits.await;
import static dev.msm.api.StoreTesting.bytes;
import static dev.msm.api.StoreTesting.join;
import static dev.msm.core.Scenarios.awaitBackups;
import static dev.msm.core.Scenarios.base;
import static dev.msm.core.Scenarios.count;
import static dev.msm.core.Scenarios.node;
import static dev.msm.core.Scenarios.nonSticky;
import static dev.msm.core.Scenarios.sticky;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import dev.msm.core.Scenarios.HeldRequest;
import dev.msm.core.codec.SessionCodec;
import dev.msm.core.keys.SessionId;
import dev.msm.core.keys.StorageKeys;

/**
 * The manager's behaviour end to end where msm addresses the store's nodes itself: each node can die alone and the
 * sessions move to the other; locking checked and disturbed through a client of the store; all nodes down; JMX;
 * hostile data and encryption. They run in the memcached and memory cells of {@link ScenarioMatrix}; each Tomcat
 * version's test class only names its manager.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.msm.core.ScenarioMatrix#nodeStores")
public abstract class NodeScenarios {

    /** Non-sticky, every request locked, locks of 2 s (memcached's shortest), waiters patient for 30 s. */
    private static final Map<String, String> TWO_SECOND_LOCKS = Map.of("sticky", "false", "lockingMode", "all",
            "lockExpiration", "2", "lockTimeout", "30000");

    @Parameter
    StoreFixture.Nodes store;
    private Tomcats tomcats;

    /** @return a new manager of the bridge under test */
    protected abstract MsmManagerBase newManager();

    @BeforeEach
    void begin(TestInfo test) {
        String cluster = Tomcats.clusterName(test);
        store.begin(cluster);
        tomcats = new Tomcats(this::newManager, cluster, store.attributes());
    }

    @AfterEach
    void stopTomcats() {
        tomcats.close();
    }

    private EmbeddedTomcat tomcat(String route, Map<String, String> extra) {
        return tomcats.start(route, extra);
    }

    private void killNode(String node) {
        store.killNode(node);
    }

    private void restartNode(String node) {
        store.restartNode(node);
    }

    private dev.msm.api.SessionStore directStore() {
        return store.directStore();
    }

    /** @return the lock key of a session */
    private String lockKey(String sessionId) {
        return "lock:" + store.keyPrefix() + base(sessionId);
    }

    /** @return the primary key of a session */
    private String sessionKey(String sessionId) {
        return store.keyPrefix() + base(sessionId);
    }

    /** @return whether the store of a node is up again as seen by a manager */
    private static boolean nodeAvailable(MsmManagerBase m, String node) {
        return (" " + m.getAvailableNodes() + " ").contains(" " + node + " ");
    }

    // ==================================================================== locking

    @Test
    void lock_TimeoutWithProceed_ServesUnlocked() {
        Map<String, String> cfg = Map.of("sticky", "false", "lockingMode", "all", "lockExpiration", "30",
                "lockTimeout", "200", "onLockTimeout", "proceed");
        EmbeddedTomcat a = tomcat("a", cfg);
        Browser user = new Browser();
        user.body(a.url() + "/count");
        String id = user.sessionId();
        assertTrue(join(directStore().add(node(id), lockKey(id), bytes("other-owner"), 30)));
        assertEquals(2, count(user.body(a.url() + "/count")));
        assertEquals("other-owner", new String(join(directStore().get(node(id), lockKey(id))),
                StandardCharsets.US_ASCII), "someone else's lock must stay");
    }

    @Test
    void lock_HeldByCrashedTomcat_BlocksAtMostLockExpiration() {
        Map<String, String> cfg = Map.of("sticky", "false", "lockingMode", "all", "lockExpiration", "2");
        EmbeddedTomcat a = tomcat("a", cfg);
        Browser user = new Browser();
        assertEquals(1, count(user.body(a.url() + "/count")));
        String id = user.sessionId();
        // a Tomcat that died holding the lock left this behind
        assertTrue(join(directStore().add(node(id), lockKey(id), bytes("dead-owner"), 2)));
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
        assertTrue(join(directStore().add(node(id), lockKey(id), bytes("other-owner"), 30)));
        Browser.Response refused = user.get(a.url() + "/count");
        assertEquals(503, refused.status());
        assertTrue(join(directStore().deleteIfEquals(node(id), lockKey(id), bytes("other-owner"))));
        assertEquals(2, count(user.body(a.url() + "/count")), "the refused request must not have changed it");
        assertEquals(1, a.manager().statistics().get(Statistics.Counter.LOCK_TIMEOUTS));
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
        HeldRequest async = HeldRequest.start(user, a);
        assertNotNull(join(directStore().get(node(id), lockKey(id))), "lock released while async is running");
        assertEquals(200, async.complete().status());
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

    /**
     * Issue 14 item 5: a request holding the lock for 3 x {@code lockExpiration} keeps it (renewed on its own
     * thread) while another Tomcat keeps sending modifying requests: every increment is kept.
     */
    @Test
    void lock_RequestLastingThreeLockExpirations_KeepsItsLock_EveryIncrementKept_Issue14() throws Exception {
        EmbeddedTomcat a = tomcat("a", TWO_SECOND_LOCKS);
        EmbeddedTomcat b = tomcat("b", TWO_SECOND_LOCKS);
        Browser user = new Browser();
        assertEquals(1, count(user.body(a.url() + "/count")));
        String id = user.sessionId();
        HeldRequest longRequest = HeldRequest.start(user, a);
        Browser other = new Browser();
        other.setSessionId(id);
        CompletableFuture<List<Integer>> modifying = CompletableFuture.supplyAsync(() -> {
            List<Integer> counts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                counts.add(count(other.body(b.url() + "/count")));
            }
            return counts;
        });
        byte[] holder = join(directStore().get(node(id), lockKey(id)));
        assertNotNull(holder, "the long request holds no lock");
        await(Duration.ofSeconds(20)).alias("the lock stays the long request's for 3 x lockExpiration")
                .during(Duration.ofSeconds(6))
                .until(() -> Arrays.equals(holder, join(directStore().get(node(id), lockKey(id))))
                        && !modifying.isDone());
        assertEquals(200, longRequest.complete().status());
        assertEquals(List.of(3, 4, 5, 6, 7), modifying.get(60, TimeUnit.SECONDS));
        assertEquals("count=7", user.body(a.url() + "/read"));
    }

    /**
     * Issue 14 item 5: a request whose lock expired while it ran (a hang, a paused JVM; simulated by removing the
     * lock) does not overwrite what the next holder wrote since.
     */
    @Test
    void lock_LostWhileTheRequestRuns_ItsWriteDoesNotOverwriteTheNextHolders_Issue14() throws Exception {
        EmbeddedTomcat a = tomcat("a", TWO_SECOND_LOCKS);
        EmbeddedTomcat b = tomcat("b", TWO_SECOND_LOCKS);
        Browser user = new Browser();
        assertEquals(1, count(user.body(a.url() + "/count")));
        String id = user.sessionId();
        HeldRequest longRequest = HeldRequest.start(user, a);
        assertTrue(join(directStore().delete(node(id), lockKey(id))), "the long request holds no lock");
        Browser other = new Browser();
        other.setSessionId(id);
        assertEquals(2, count(other.body(b.url() + "/count")));
        assertEquals(3, count(other.body(b.url() + "/count")));
        await(Duration.ofSeconds(20)).alias("the renewal notices the lost lock")
                .until(() -> a.manager().statistics().get(Statistics.Counter.LOCKS_LOST) >= 1);
        longRequest.complete();
        assertEquals("count=3", other.body(b.url() + "/read"), "the request that lost its lock overwrote the session");
        assertEquals(1, a.manager().statistics().get(Statistics.Counter.WRITES_FENCED));
    }

    /**
     * Issue 15 item 6: 300 parallel requests with one cookie while its lock is held: at most {@code maxLockWaiters}
     * wait, the rest are answered 503 at once, and another user's requests keep their normal latency.
     */
    @Test
    void lock_FloodOfOneSessionsRequests_BoundedWaiters_OtherUserUnaffected_Issue15() throws Exception {
        long lockTimeout = 20_000;
        EmbeddedTomcat a = tomcat("a", Map.of("sticky", "false", "lockingMode", "all", "lockExpiration", "30",
                "lockTimeout", Long.toString(lockTimeout)));
        Browser flooder = new Browser();
        flooder.body(a.url() + "/count");
        String id = flooder.sessionId();
        Browser other = new Browser();
        assertEquals(1, count(other.body(a.url() + "/count")));
        HeldRequest holder = HeldRequest.start(flooder, a);

        int flood = 300;
        Browser sameCookie = new Browser();
        sameCookie.setSessionId(id);
        List<CompletableFuture<Browser.Response>> sent = new ArrayList<>();
        for (int i = 0; i < flood; i++) {
            sent.add(sameCookie.getAsync(a.url() + "/count"));
        }
        int maxWaiters = ManagerConfig.DEFAULT_MAX_LOCK_WAITERS;
        await(Duration.ofSeconds(60)).alias("requests beyond maxLockWaiters answered at once")
                .until(() -> a.manager().statistics().get(Statistics.Counter.LOCK_WAITERS_REFUSED)
                        >= flood - maxWaiters);
        long worstMillis = 0;
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            assertEquals(i + 2, count(other.body(a.url() + "/count")), "the other user's request " + i);
            worstMillis = Math.max(worstMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        assertEquals(200, holder.complete().status());
        int served = 0;
        for (CompletableFuture<Browser.Response> f : sent) {
            int status = f.get(90, TimeUnit.SECONDS).status();
            assertTrue(status == 200 || status == 503, "flood request answered " + status);
            served += status == 200 ? 1 : 0;
        }
        assertTrue(served <= maxWaiters, served + " flood requests served; at most " + maxWaiters + " could wait");
        assertEquals("count=" + (2 + served), flooder.body(a.url() + "/read"), "a served increment was lost");
        assertTrue(worstMillis < lockTimeout / 4, "another user's request waited " + worstMillis + " ms");
    }

    // ==================================================================== store down

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
        for (int i = 0; i < 100; i++) {
            long start = System.nanoTime();
            assertEquals(1, count(user.body(a.url() + "/count")), "request " + i);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took < 2000, "request " + i + " took " + took + " ms");
            assertEquals(id, user.sessionId(), "the cookie must not change");
        }
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
            Map.Entry<String, String> change = store.withoutNode("n1");
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

    // ==================================================================== hostile data, encryption

    @Test
    void gadgetWrittenIntoTheStore_IsNeverInstantiated() {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        Browser user = new Browser();
        user.body(a.url() + "/count");
        String id = user.sessionId();
        String serializerName = store.serializer();
        dev.msm.api.Serializer permissive = Plugins.serializer(serializerName, getClass().getClassLoader())
                .create(new dev.msm.api.Settings(Map.of("allowedClasses", "dev.msm.core.Gadget"),
                        Duration.ofSeconds(1), "attacker"));
        Map<String, Object> attrs = new java.util.HashMap<>();
        attrs.put("count", 41);
        attrs.put("gadget", new Gadget());
        long now = System.currentTimeMillis();
        byte[] value = new SessionCodec(permissive, serializerName).encode(new Object[] {attrs, null, null,
            new java.util.HashMap<>()}, base(id), now, now, 1800, "attacker").value();
        Gadget.INSTANTIATED.set(0);
        join(directStore().set(node(id), sessionKey(id), value, 60));
        Browser.Response r = user.get(a.url() + "/count");
        assertEquals(200, r.status());
        assertEquals("count=42", r.body(), "the gadget costs its attribute only (issue 16)");
        assertEquals(0, Gadget.INSTANTIATED.get(), "the gadget was instantiated");
        assertEquals(1, a.manager().statistics().get(Statistics.Counter.DROPPED_ATTRIBUTES));
    }

    /** Issue 16: a value of a class one Tomcat does not allow costs that attribute there, not the login. */
    @Test
    void refusedAttribute_IsDroppedAlone_LoginAndOtherAttributesKept() {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        Map<String, String> refusing = new java.util.HashMap<>(nonSticky("none"));
        refusing.put("allowedClasses", "dev.msm.core.TestApp$Count");
        EmbeddedTomcat b = tomcat("b", refusing);
        Browser user = new Browser();
        assertEquals("login-form", user.body(a.url() + "/secure/hello"));
        assertEquals(303, user.post(a.url() + "/j_security_check", "j_username=alice&j_password=secret").status());
        assertEquals("count=1", user.body(a.url() + "/count"));
        assertEquals("ok", user.body(a.url() + "/bound"));
        assertEquals(0, a.manager().getStatRefusedClassWrites(), "a allows what it wrote");

        LogCapture log = LogCapture.start();
        try {
            assertEquals("hello alice", user.body(b.url() + "/secure/hello"), "still logged in on b");
            assertEquals("count=2", user.body(b.url() + "/count"));
            assertEquals(1, b.manager().getStatDroppedAttributes());
            assertEquals(0, b.manager().getStatUnreadableValues());
            assertTrue(log.contains("Attribute [bound] of stored session"), log.text());
            assertTrue(log.contains("allowedClasses=\"dev.msm.core.TestApp$Unbound\""), log.text());
        } finally {
            log.stop();
        }
        assertEquals("count=3", user.body(a.url() + "/count"), "a goes on without the dropped attribute");
    }

    /** Issue 16: the Tomcat that writes a session reports what readers will refuse, all classes in one line. */
    @Test
    void writingRefusedClasses_IsReportedOnTheWritingTomcat() {
        Map<String, String> refusing = new java.util.HashMap<>(nonSticky("none"));
        refusing.put("allowedClasses", "dev.msm.core.TestApp$Count");
        LogCapture log = LogCapture.start();
        try {
            EmbeddedTomcat a = tomcat("a", refusing);
            Browser user = new Browser();
            assertEquals("ok", user.body(a.url() + "/bound"));
            assertEquals("count=1", user.body(a.url() + "/count"));
            assertTrue(a.manager().getStatRefusedClassWrites() >= 1);
            assertEquals(1, log.text().split("holds values that no Tomcat will read back", -1).length - 1,
                    log.text());
            assertTrue(log.contains("Class [dev.msm.core.TestApp$Unbound] is not allowed to be read from the store; "
                    + "allow it with allowedClasses=\"dev.msm.core.TestApp$Unbound\" on the <Manager> (context.xml), "
                    + "or manager.setAllowedClasses(\"dev.msm.core.TestApp$Unbound\")"), log.text());
        } finally {
            log.stop();
        }
    }

    @Test
    void encryption_StoreHoldsNoPlainText_OtherTomcatReadsIt() {
        Map<String, String> cfg = new java.util.HashMap<>(nonSticky("all"));
        cfg.put("encryptionKeys", "k1:" + java.util.Base64.getEncoder().encodeToString(new byte[] {
            3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5}));
        EmbeddedTomcat a = tomcat("a", cfg);
        EmbeddedTomcat b = tomcat("b", cfg);
        Browser user = new Browser();
        assertEquals("login-form", user.body(a.url() + "/secure/hello"));
        assertEquals(303, user.post(a.url() + "/j_security_check", "j_username=alice&j_password=secret").status());
        assertEquals("ok", user.body(a.url() + "/set?name=card&value=s3cr3t-4111-1111"));
        String id = user.sessionId();
        String otherNode = node(id).equals("n1") ? "n2" : "n1";
        StorageKeys keys = a.manager().layer().storage.keys();
        SessionId sid = a.manager().parseId(id);
        assertFalse(keys.session(sid).contains(base(id)), "the store key reveals the session id");
        for (byte[] stored : List.of(join(directStore().get(node(id), keys.session(sid))),
                join(directStore().get(otherNode, keys.backup(sid))))) {
            String raw = new String(stored, StandardCharsets.ISO_8859_1);
            assertFalse(raw.contains("s3cr3t-4111-1111"), "attribute in plain text");
            assertFalse(raw.contains("alice"), "principal in plain text");
            assertFalse(raw.contains("/secure/hello"), "saved request in plain text");
        }
        assertEquals("s3cr3t-4111-1111", user.body(b.url() + "/get?name=card"));
        assertEquals("hello alice", user.body(b.url() + "/secure/hello"));
    }

    // ==================================================================== sticky

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

    // ==================================================================== non-sticky

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
        long repairedA = a.manager().getRepairsCompleted();
        long repairedB = b.manager().getRepairsCompleted();
        restartNode("n1");
        // both Tomcats re-created the copies n1 lost (the backups of the sessions on n2)
        await().until(() -> a.manager().getRepairsCompleted() > repairedA
                && b.manager().getRepairsCompleted() > repairedB);
        killNode("n2");
        await().until(() -> !nodeAvailable(a.manager(), "n2") && !nodeAvailable(b.manager(), "n2"));
        for (int i = 0; i < users.size(); i++) {
            assertEquals(3, count(users.get(i).body((i % 2 == 0 ? a : b).url() + "/count")), "user " + i);
        }
        restartNode("n2");
        await().until(() -> nodeAvailable(a.manager(), "n2"));
    }

    // ==================================================================== bad input

}

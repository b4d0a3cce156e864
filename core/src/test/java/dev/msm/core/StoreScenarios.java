package dev.msm.core;

import static dev.msm.api.Awaits.await;
import static dev.msm.core.Scenarios.awaitBackups;
import static dev.msm.core.Scenarios.count;
import static dev.msm.core.Scenarios.nonSticky;
import static dev.msm.core.Scenarios.route;
import static dev.msm.core.Scenarios.sticky;
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
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import dev.msm.core.Scenarios.HeldRequest;

/**
 * The manager scenarios every store must pass, whether it addresses nodes (memcached) or replicates by itself
 * (Redis, Couchbase): counters in both modes, concurrent increments under locking, restart, the store's server
 * stopped and started again, expiry. They run in every cell of {@link ScenarioMatrix}; each Tomcat version's test
 * class only names its manager.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.msm.core.ScenarioMatrix#stores")
public abstract class StoreScenarios {

    @Parameter
    StoreFixture store;
    private String cluster;
    private Tomcats tomcats;

    /** @return a new manager of the bridge under test */
    protected abstract MsmManagerBase newManager();

    @BeforeEach
    void begin(TestInfo test) {
        cluster = Tomcats.clusterName(test);
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
        store.stopServer();
        await(Duration.ofSeconds(30)).until(() -> !a.manager().isStoreAvailable());
        try {
            for (int i = 0; i < 100; i++) {
                long start = System.nanoTime();
                Browser.Response r = user.get(a.url() + "/read");
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(503, r.status(), "request " + i + ": " + r.body());
                assertTrue(took < 500 + 1500, "request " + i + " took " + took + " ms");
            }
        } finally {
            store.startServer();
        }
        await(Duration.ofSeconds(30)).until(() -> a.manager().isStoreAvailable());
        Browser fresh = new Browser();
        assertEquals(1, count(fresh.body(a.url() + "/count")));
        assertEquals(2, count(fresh.body(a.url() + "/count")));
    }

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

    /**
     * Issue 15 item 7: one request that uses two msm applications (cross-context include) on one thread; each
     * manager sees only its own request, so the second application never gets the first one's session object.
     */
    @Test
    void crossContextInclude_EachApplicationKeepsItsOwnSession() {
        for (Map<String, String> mode : List.of(sticky(), nonSticky("all"))) {
            Map<String, String> attrs = tomcats.attributes(mode);
            EmbeddedTomcat t = tomcats.create("a", attrs, true);
            Map<String, String> second = new HashMap<>(attrs);
            second.put("storageKeyPrefix", "static:second");
            t.addSecondApplication(this::newManager, second);
            try {
                t.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            Browser user = new Browser();
            for (int i = 1; i <= 3; i++) {
                String body = user.body(t.url() + "/cross");
                assertTrue(body.endsWith(" app=" + i), "mode " + mode + ", request " + i + ": " + body);
            }
            assertEquals("count=3", user.body(t.url() + "/read"), "mode " + mode);
            t.close();
        }
    }

    @Test
    void nonSticky_AlternatingIncrements_NoGap() {
        alternateBetweenTwoTomcats("/count", 200, i -> "count=" + i);
    }

    /**
     * The application closes the response and keeps running: every request still runs when the next one, on the
     * other Tomcat, is answered, and ends only after that; the next must see its change all the same, and its end
     * must not write over the newer one.
     */
    @Test
    void nonSticky_ResponseCompletedBeforeRequestEnds_NextRequestSeesTheWrite() {
        TestApp.resetCloseCounts();
        alternateBetweenTwoTomcats("/closecount", 30, i -> "count=" + i, i -> {
            if (i > 1) {
                TestApp.endCloseCount(i - 1);
            }
        });
        TestApp.endCloseCount(30);
    }

    @Test
    void nonSticky_InPlaceListMutation_NoGap() {
        alternateBetweenTwoTomcats("/list", 100, i -> "size=" + i);
    }

    /** One user's requests alternate between two non-sticky Tomcats; request {@code i} must see all before it. */
    private void alternateBetweenTwoTomcats(String page, int requests, IntFunction<String> body) {
        alternateBetweenTwoTomcats(page, requests, body, i -> { });
    }

    /** ... and runs {@code answered} with {@code i} once request {@code i} was answered. */
    private void alternateBetweenTwoTomcats(String page, int requests, IntFunction<String> body,
            IntConsumer answered) {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        EmbeddedTomcat b = tomcat("b", nonSticky("none"));
        Browser user = new Browser();
        for (int i = 1; i <= requests; i++) {
            assertEquals(body.apply(i), user.body((i % 2 == 0 ? b : a).url() + page), "request " + i);
            answered.accept(i);
        }
    }

    @Test
    void nonSticky_LastObjectReusedOnlyWhileTheStoreHoldsItsValue() {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        EmbeddedTomcat b = tomcat("b", nonSticky("none"));
        Browser user = new Browser();
        String[] where = {"a", "a", "a", "b", "a", "a"};
        for (int i = 1; i <= where.length; i++) {
            EmbeddedTomcat t = where[i - 1].equals("a") ? a : b;
            assertEquals("size=" + i, user.body(t.url() + "/list"), "request " + i);
        }
        assertEquals("count=null", user.body(a.url() + "/read"));
        // a reused its object for requests 2, 3, 6 and the read; request 5 read what b wrote: deserialized
        assertEquals(4, a.manager().statistics().get(Statistics.Counter.LOADS_REUSED));
        assertEquals(5, a.manager().statistics().get(Statistics.Counter.LOADS));
        assertEquals(0, b.manager().statistics().get(Statistics.Counter.LOADS_REUSED));
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

    /** Issue 15 item 5: a request that loaded the session before the logout does not write it back afterwards. */
    @Test
    void nonSticky_RequestThatLoadedBeforeALogout_DoesNotResurrectTheSession_Issue15() throws Exception {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        EmbeddedTomcat b = tomcat("b", nonSticky("none"));
        Browser user = new Browser();
        assertEquals("count=1", user.body(a.url() + "/count"));
        String id = user.sessionId();
        Browser earlier = new Browser();
        earlier.setSessionId(id);
        HeldRequest slow = HeldRequest.start(earlier, b);
        assertEquals("ok", user.body(a.url() + "/invalidate"));
        // the slow request ends after the logout, with its changed copy of the session
        assertEquals(200, slow.complete().status());
        for (EmbeddedTomcat t : List.of(a, b)) {
            Browser again = new Browser();
            again.setSessionId(id);
            assertEquals("none", again.body(t.url() + "/read"), "the logged-out session came back on " + t);
        }
    }

    /**
     * Two sessions used on both Tomcats: one times out, the other is invalidated (issue 15 item 5). Each fires
     * {@code sessionDestroyed} and unbinds its attribute exactly once across both Tomcats: the expired one on one
     * Tomcat only, the invalidated one never again in another Tomcat's expiry sweep. One wait covers both.
     */
    @Test
    void nonSticky_TimeoutAndInvalidate_FireDestroyedExactlyOnceAcrossTomcats() {
        EmbeddedTomcat a = tomcat("a", nonSticky("none"));
        EmbeddedTomcat b = tomcat("b", nonSticky("none"));
        Browser expiring = new Browser();
        Browser loggingOut = new Browser();
        for (Browser user : List.of(expiring, loggingOut)) {
            user.body(a.url() + "/timeout?s=2");
            user.body(b.url() + "/bound");
            user.body(a.url() + "/count");
            user.body(b.url() + "/read"); // both Tomcats track it
        }
        assertEquals(2, TestApp.events(cluster, "created"));
        assertEquals("ok", loggingOut.body(a.url() + "/invalidate"));
        assertEquals(1, destroyed(loggingOut));
        awaitBothSweepsPastNow(a, b);
        assertEquals(1, destroyed(expiring), "the expired session was destroyed on no Tomcat or on both");
        assertEquals(1, destroyed(loggingOut), "the invalidated session was destroyed again");
        assertEquals(4, TestApp.events(cluster, "destroyed"), "the two sessions and the two control sessions");
        assertEquals(2, TestApp.events(cluster, "unbound"), "an attribute was unbound on no Tomcat or again");
        assertEquals("none", expiring.body(a.url() + "/read"));
        assertEquals("none", loggingOut.body(b.url() + "/read"));
    }

    private int destroyed(Browser user) {
        return TestApp.events(cluster, "destroyed " + user.sessionId());
    }

    /**
     * Waits until each Tomcat's expiry sweep has run past the moment a session with a 2 s timeout, last used now,
     * falls due: one control session per Tomcat, with the same timeout and used only there, created now, must have
     * been destroyed. The sweep handles every due session in one pass, so by then each Tomcat has decided on every
     * session used before, and what the test counts afterwards is final.
     */
    private void awaitBothSweepsPastNow(EmbeddedTomcat a, EmbeddedTomcat b) {
        List<String> controls = new ArrayList<>();
        for (EmbeddedTomcat t : List.of(a, b)) {
            Browser control = new Browser();
            control.body(t.url() + "/timeout?s=2");
            controls.add(control.sessionId());
        }
        await(Duration.ofSeconds(30)).alias("both control sessions expired").until(() -> controls.stream()
                .allMatch(id -> TestApp.events(cluster, "destroyed " + id) > 0));
        for (String id : controls) {
            assertEquals(1, TestApp.events(cluster, "destroyed " + id), "control session " + id);
        }
    }

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
                Browser.Response read = Browser.raw(t.port(), "/app/read", h);
                assertTrue(read.status() < 500, "cookie [" + h + "]: " + read.status());
                if (read.status() == 200) {
                    assertEquals("none", read.body(), "cookie [" + h + "]");
                }
                Browser.Response count = Browser.raw(t.port(), "/app/count", h);
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
        Map<String, String> attrs = new HashMap<>(store.attributes());
        attrs.put("sticky", "ture");
        EmbeddedTomcat t = tomcats.create("a", attrs, true);
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
        user.setSessionId(before);
        assertEquals("login-form", user.body(a.url() + "/secure/hello"), "the id from before the login still works");
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

    @Test
    void sessionAttributeFilter_OnlyMatchingAttributesAreStored() {
        Map<String, String> cfg = Map.of("sticky", "true", "sessionAttributeFilter", "^count$");
        EmbeddedTomcat a = tomcat("a", cfg);
        EmbeddedTomcat b = tomcat("b", cfg);
        Browser user = new Browser();
        assertEquals("ok", user.body(a.url() + "/set?name=scratch&value=local-only"));
        assertEquals(1, count(user.body(a.url() + "/count")));
        assertEquals("local-only", user.body(a.url() + "/get?name=scratch"));
        awaitBackups(a);
        assertEquals(2, count(user.body(b.url() + "/count")));
        assertEquals("null", user.body(b.url() + "/get?name=scratch"));
    }
}

package dev.msm.it;

import static dev.msm.api.Awaits.await;
import static dev.msm.it.Cluster.awaitNodes;
import static dev.msm.it.SampleApp.count;
import static dev.msm.it.SessionIds.base;
import static dev.msm.it.SessionIds.node;
import static dev.msm.it.SessionIds.otherNode;
import static dev.msm.it.SessionIds.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.msm.api.Http;
import dev.msm.api.ServerProcess;

/**
 * msm end to end on a real Tomcat distribution: two Tomcats ({@code jvmRoute} a and b, each its own JVM started by
 * {@code catalina.sh run}) with the drop-in jar in {@code lib/}, two real memcached nodes {@code n1} and {@code n2},
 * and on each Tomcat the sample application twice: {@code /sticky} ({@code sticky="true"}) and {@code /nonsticky}
 * ({@code sticky="false" lockingMode="all"}); on Tomcat 11 also {@code /redis} (non-sticky on a real redis-server,
 * the {@code msm-redis} jar beside the manager's). Crashes are {@code kill -9} of the real processes.
 *
 * <p>The cluster is started once per class. Before each test every process that a previous test killed is started
 * again and every Tomcat is waited for until its managers see both memcached nodes, so each test starts from a
 * healthy cluster; only the tests that kill a Tomcat restart one. Each version's class only names its Tomcat.
 *
 * <p>Nothing sleeps: every wait is for an observable condition (a page's answer, a key's value in memcached, a
 * line in an event log), bounded, via {@code Awaits.await()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractDistributionScenarios {

    static final String STICKY = "sticky";
    static final String NONSTICKY = "nonsticky";
    static final String REDIS = "redis";

    /** What a session key may look like in memcached: an optional reserved prefix, 16-64 hex digits, a node id. */
    private static final Pattern SESSION_KEY = Pattern.compile("(bak:|lock:|exp:)?[0-9A-Fa-f]{16,64}-n[12]");

    /** Started once for the class; a failed test's message ends with both Tomcats' console logs. */
    @RegisterExtension
    final Cluster cluster;
    private TomcatInstance a;
    private TomcatInstance b;

    /**
     * @param version the Tomcat distribution every test of the subclass runs on
     */
    protected AbstractDistributionScenarios(TomcatVersion version) {
        // issue 6: the Redis store, on Tomcat 11 only
        this.cluster = new Cluster(version, "distribution", version == TomcatVersion.TOMCAT_11);
    }

    // ==================================================================== fixture

    @BeforeAll
    void startCluster() {
        cluster.start(t -> {
            t.deploy(STICKY, manager(Map.of("sticky", "true")));
            t.deploy(NONSTICKY, manager(Map.of("sticky", "false", "lockingMode", "all")));
            if (cluster.hasRedis()) {
                Map<String, String> m = cluster.redisManager();
                m.put("sticky", "false");
                m.put("lockingMode", "all");
                        m.put("processExpiresFrequency", "1");
                t.deploy(REDIS, m);
            }
        });
        a = cluster.a();
        b = cluster.b();
    }

    @AfterAll
    void stopCluster() {
        cluster.close();
    }

    /** Read by session id (the default key prefix, one namespace per application, is AbstractTrustScenarios'). */
    private Map<String, String> manager(Map<String, String> mode) {
        Map<String, String> m = cluster.memcachedManagerKeyedById(mode);
        m.put("processExpiresFrequency", "1");
        return m;
    }

    /** Every process up again, and every Tomcat's managers see both memcached nodes. */
    @BeforeEach
    void healthyCluster() {
        for (String node : List.of("n1", "n2")) {
            if (!server(node).isRunning()) {
                restartNode(node);
            }
        }
        cluster.startStoppedTomcats();
        for (TomcatInstance t : List.of(a, b)) {
            for (String app : List.of(STICKY, NONSTICKY)) {
                awaitNodes(t, app, "n1 n2");
            }
        }
    }

    /**
     * Starts a killed memcached node again (empty, same port) once every running Tomcat noticed it was gone: a
     * manager that has not noticed yet would otherwise report the new process as the node it never lost.
     */
    private void restartNode(String node) {
        for (TomcatInstance t : List.of(a, b)) {
            if (t.isRunning()) {
                for (String app : List.of(STICKY, NONSTICKY)) {
                    await(Duration.ofSeconds(30)).alias(t + " " + app + " noticed that " + node + " is gone")
                            .until(() -> new Browser().body(t.url(app) + "/status.jsp"),
                                    body -> !List.of(body.substring("nodes=".length()).split(" ")).contains(node));
                }
            }
        }
        server(node).start();
    }

    private ServerProcess server(String node) {
        return cluster.memcached(node);
    }

    /**
     * Waits until memcached holds {@code key} on {@code node} with a value containing {@code marker}, a string
     * attribute value the test set last: then the copy there includes every change made before.
     */
    private void awaitStored(String node, String key, String marker) {
        await().alias("memcached " + node + " holds [" + key + "] with [" + marker + "]").until(() -> {
            String value = cluster.stored(node, key);
            return value != null && value.contains(marker);
        });
    }

    private Stream<String> nonStickyApps() {
        return cluster.hasRedis() ? Stream.of(NONSTICKY, REDIS) : Stream.of(NONSTICKY);
    }

    private List<String> allApps() {
        return cluster.hasRedis() ? List.of(STICKY, NONSTICKY, REDIS) : List.of(STICKY, NONSTICKY);
    }

    /** A new user with a session on {@code app} of {@code t} whose id names {@code node}. */
    private Browser userOnNode(TomcatInstance t, String app, String node) {
        for (int attempt = 0; attempt < 200; attempt++) {
            Browser user = new Browser();
            assertEquals(1, count(user.body(t.url(app) + "/count.jsp")));
            if (node(user.sessionId()).equals(node)) {
                return user;
            }
        }
        return fail("200 new sessions and none on node " + node);
    }

    // ==================================================================== sticky

    @Test
    void sticky_TomcatKilled_SessionContinuesOnOtherTomcat_WithEveryAttribute() {
        Browser user = new Browser();
        for (int i = 1; i <= 3; i++) {
            assertEquals(i, count(user.body(a.url(STICKY) + "/count.jsp")));
        }
        assertEquals("ok", user.body(a.url(STICKY) + "/set.jsp?name=color&value=blue"));
        assertEquals("size=1", user.body(a.url(STICKY) + "/list.jsp"));
        assertEquals("size=2", user.body(a.url(STICKY) + "/list.jsp"));
        assertEquals("ok", user.body(a.url(STICKY) + "/set.jsp?name=marker&value=last-change-1"));
        String id = user.sessionId();
        assertEquals("a", route(id));
        // the backup is written after the response: wait until memcached has the last change, on both nodes
        awaitStored(node(id), base(id), "last-change-1");
        awaitStored(otherNode(node(id)), "bak:" + base(id), "last-change-1");

        a.kill();

        assertEquals(4, count(user.body(b.url(STICKY) + "/count.jsp")));
        String moved = user.sessionId();
        assertEquals("b", route(moved), "the cookie must name Tomcat b now");
        assertEquals(base(id), base(moved));
        assertEquals("blue", user.body(b.url(STICKY) + "/get.jsp?name=color"));
        assertEquals("last-change-1", user.body(b.url(STICKY) + "/get.jsp?name=marker"));
        assertEquals("size=3", user.body(b.url(STICKY) + "/list.jsp"));
        assertEquals(5, count(user.body(b.url(STICKY) + "/count.jsp")));
    }

    @Test
    void sticky_StoreNodeKilled_SessionMovesToOtherNode_AndSurvivesOnOtherTomcat() {
        Browser user = new Browser();
        assertEquals(1, count(user.body(a.url(STICKY) + "/count.jsp")));
        assertEquals("ok", user.body(a.url(STICKY) + "/set.jsp?name=marker&value=before-node-kill"));
        String id = user.sessionId();
        String dead = node(id);
        String survivor = otherNode(dead);
        awaitStored(dead, base(id), "before-node-kill");

        server(dead).kill();
        // at once, as a user would: served from memory. Its backup goes to the survivor: as the backup copy while
        // the id still names the dead node (msm has not noticed yet), as the primary once the session moved.
        assertEquals(2, count(user.body(a.url(STICKY) + "/count.jsp")));
        assertEquals("ok", user.body(a.url(STICKY) + "/set.jsp?name=marker&value=right-after-node-kill"));
        String now = user.sessionId();
        awaitStored(survivor, (node(now).equals(dead) ? "bak:" : "") + base(now), "right-after-node-kill");

        // once msm noticed the node is gone, the next request moves the session to the survivor
        awaitNodes(a, STICKY, survivor);
        assertEquals(3, count(user.body(a.url(STICKY) + "/count.jsp")));
        String moved = user.sessionId();
        assertEquals(survivor, node(moved), "the session id must name the surviving node");
        assertEquals("a", route(moved));
        assertEquals("ok", user.body(a.url(STICKY) + "/set.jsp?name=marker&value=after-move"));
        awaitStored(survivor, base(moved), "after-move");

        assertEquals(4, count(user.body(b.url(STICKY) + "/count.jsp")));
        assertEquals("after-move", user.body(b.url(STICKY) + "/get.jsp?name=marker"));
        assertEquals("b", route(user.sessionId()));
        assertEquals(survivor, node(user.sessionId()));
    }

    @Test
    void sticky_TomcatKilledTogetherWithItsStoreNode_NoSessionLost() {
        List<Browser> users = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Browser user = userOnNode(a, STICKY, "n1");
            assertEquals("ok", user.body(a.url(STICKY) + "/set.jsp?name=who&value=user-" + i));
            users.add(user);
        }
        // msm 2.3.2 lost all of these: its backup of a sticky session went to the node that dies here too.
        // Wait until the backup copy on n2 holds each session's last change.
        for (int i = 0; i < users.size(); i++) {
            awaitStored("n2", "bak:" + base(users.get(i).sessionId()), "user-" + i);
        }

        a.kill();
        server("n1").kill();

        for (int i = 0; i < users.size(); i++) {
            Browser user = users.get(i);
            assertEquals(2, count(user.body(b.url(STICKY) + "/count.jsp")), "user " + i);
            assertEquals("user-" + i, user.body(b.url(STICKY) + "/get.jsp?name=who"), "user " + i);
            assertEquals("n2", node(user.sessionId()), "user " + i);
            assertEquals("b", route(user.sessionId()), "user " + i);
        }
    }

    // ==================================================================== non-sticky

    @ParameterizedTest
    @MethodSource("nonStickyApps")
    void nonSticky_AlternatingIncrements_NoGap(String app) {
        alternate(app, "count.jsp", 200, i -> "count=" + i);
    }

    @ParameterizedTest
    @MethodSource("nonStickyApps")
    void nonSticky_AlternatingInPlaceListAppends_NoGap(String app) {
        alternate(app, "list.jsp", 100, i -> "size=" + i);
    }

    /** One user's {@code requests} requests of {@code page}, to a, b, a, ...: the i-th answers {@code expected(i)}. */
    private void alternate(String app, String page, int requests, IntFunction<String> expected) {
        Browser user = new Browser();
        for (int i = 1; i <= requests; i++) {
            TomcatInstance t = i % 2 == 0 ? b : a;
            assertEquals(expected.apply(i), user.body(t.url(app) + "/" + page), "request " + i);
        }
    }

    @Test
    void nonSticky_ConcurrentIncrementsOfOneSession_LockingAll_ExactTotal() throws Exception {
        Browser first = new Browser();
        assertEquals("ok", first.body(a.url(NONSTICKY) + "/set.jsp?name=started&value=yes"));
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
                    user.setSessionId("/" + NONSTICKY, id);
                    barrier.await(10, TimeUnit.SECONDS);
                    List<Integer> seen = new ArrayList<>();
                    for (int i = 0; i < increments; i++) {
                        TomcatInstance t = (i + client) % 2 == 0 ? a : b;
                        seen.add(count(user.body(t.url(NONSTICKY) + "/count.jsp")));
                    }
                    return seen;
                }));
            }
            Set<Integer> all = new HashSet<>();
            for (Future<List<Integer>> r : results) {
                for (int n : r.get(180, TimeUnit.SECONDS)) {
                    assertTrue(all.add(n), "two requests saw count " + n);
                }
            }
            assertEquals(clients * increments, all.size());
        } finally {
            pool.shutdownNow();
        }
        assertEquals("count=" + clients * increments, first.body(b.url(NONSTICKY) + "/read.jsp"));
        assertEquals("count=" + clients * increments, first.body(a.url(NONSTICKY) + "/read.jsp"));
    }

    @Test
    void nonSticky_StoreNodeKilled_RequestsRightAfter_AreServedFromTheBackup() {
        List<Browser> users = nonStickyUsersOnN1(10);
        server("n1").kill();
        // at once, as users would: msm may not have noticed yet, and must still find each session's backup on n2
        assertNextCounts(users, b, 2, "right after n1 died");
    }

    @Test
    void nonSticky_StoreNodeKilled_NoSessionLost_ThenOtherNodeKilledAfterRecovery_NoSessionLost() {
        List<Browser> users = nonStickyUsersOnN1(20);

        // requests during the moment msm needs to notice a dead node: see the test above
        server("n1").kill();
        awaitNodes(a, NONSTICKY, "n2");
        awaitNodes(b, NONSTICKY, "n2");
        assertNextCounts(users, b, 2, "after n1 died");

        restartNode("n1");
        awaitNodes(a, NONSTICKY, "n1 n2");
        awaitNodes(b, NONSTICKY, "n1 n2");
        // recovered means: msm re-created the missing copy of every session, so that each has its primary copy
        // on the node its id names and its backup copy on the other node again
        for (Browser user : users) {
            String id = user.sessionId();
            await().alias("both copies of " + id).until(() -> cluster.stored(node(id), base(id)) != null
                    && cluster.stored(otherNode(node(id)), "bak:" + base(id)) != null);
        }

        server("n2").kill();
        awaitNodes(a, NONSTICKY, "n1");
        awaitNodes(b, NONSTICKY, "n1");
        assertNextCounts(users, a, 3, "after n2 died");
    }

    /** {@code n} new users of {@code /nonsticky} whose ids name n1, the even ones created on Tomcat a, the odd on b. */
    private List<Browser> nonStickyUsersOnN1(int n) {
        List<Browser> users = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            users.add(userOnNode(i % 2 == 0 ? a : b, NONSTICKY, "n1"));
        }
        return users;
    }

    /** Each user increments once more, the even ones on {@code evenOn}, the odd on the other: {@code expected}. */
    private void assertNextCounts(List<Browser> users, TomcatInstance evenOn, int expected, String when) {
        for (int i = 0; i < users.size(); i++) {
            TomcatInstance t = i % 2 == 0 ? evenOn : evenOn == a ? b : a;
            assertEquals(expected, count(users.get(i).body(t.url(NONSTICKY) + "/count.jsp")),
                    "user " + i + " " + when);
        }
    }

    @Test
    void nonSticky_TomcatKilledDuringIncrements_NoAcknowledgedIncrementLost() throws Exception {
        int clients = 4;
        List<Browser> users = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Browser user = new Browser();
            assertEquals(1, count(user.body(a.url(NONSTICKY) + "/count.jsp")));
            users.add(user);
        }
        List<List<Integer>> acknowledged = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (Browser user : users) {
                List<Integer> acks = Collections.synchronizedList(new ArrayList<>(List.of(1)));
                acknowledged.add(acks);
                loops.add(pool.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        Http.Response r;
                        try {
                            r = user.get(a.url(NONSTICKY) + "/count.jsp");
                        } catch (UncheckedIOException e) {
                            return; // Tomcat a died while or before serving this request
                        }
                        if (r.status() != 200) {
                            return;
                        }
                        acks.add(count(r.body().trim()));
                    }
                }));
            }
            await().alias("every client had 10 increments acknowledged")
                    .until(() -> acknowledged.stream().allMatch(l -> l.size() > 10));
            a.kill();
            for (Future<?> loop : loops) {
                loop.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int c = 0; c < clients; c++) {
            List<Integer> acks = acknowledged.get(c);
            for (int i = 0; i < acks.size(); i++) {
                assertEquals(i + 1, acks.get(i), "client " + c + ": acknowledged counts " + acks);
            }
            int last = acks.get(acks.size() - 1);
            int now = count(users.get(c).body(b.url(NONSTICKY) + "/read.jsp"));
            assertTrue(now == last || now == last + 1, "client " + c + ": last acknowledged count " + last
                    + ", Tomcat b reads " + now);
            assertEquals(now + 1, count(users.get(c).body(b.url(NONSTICKY) + "/count.jsp")));
        }
    }

    @Test
    void nonSticky_ShortTimeout_DestroyedAndUnboundExactlyOnceAcrossTomcats() {
        Browser user = new Browser();
        assertEquals("ok", user.body(a.url(NONSTICKY) + "/timeout.jsp?s=3"));
        assertEquals("ok", user.body(b.url(NONSTICKY) + "/bound.jsp"));
        assertEquals(1, count(user.body(a.url(NONSTICKY) + "/count.jsp")));
        assertEquals("count=1", user.body(b.url(NONSTICKY) + "/read.jsp"));
        String id = user.sessionId();

        // one control session per Tomcat, used there alone, due after the first: once both Tomcats destroyed theirs,
        // both sweeps have passed the moment the first was due, and a second sessionDestroyed would have fired
        Map<TomcatInstance, String> controls = new LinkedHashMap<>();
        for (TomcatInstance t : List.of(a, b)) {
            Browser control = new Browser();
            assertEquals("ok", control.body(t.url(NONSTICKY) + "/timeout.jsp?s=3"));
            controls.put(t, control.sessionId());
        }
        await(Duration.ofSeconds(30)).alias("sessionDestroyed of " + id + " and of both control sessions")
                .until(() -> events("destroyed", id) >= 1 && controls.entrySet().stream()
                        .allMatch(c -> c.getKey().events(NONSTICKY, "destroyed", c.getValue()) == 1));
        assertEquals(1, events("destroyed", id), "sessionDestroyed");
        assertEquals(1, events("unbound", id), "valueUnbound");
        assertEquals(1, events("created", id), "sessionCreated");
        assertEquals("none", user.body(a.url(NONSTICKY) + "/read.jsp"));
        assertEquals("none", user.body(b.url(NONSTICKY) + "/read.jsp"));
    }

    private long events(String kind, String id) {
        return a.events(NONSTICKY, kind, id) + b.events(NONSTICKY, kind, id);
    }

    @Test
    void nonSticky_FormLoginOnOneTomcat_IsHonouredOnTheOther_AndLoginChangesTheId() {
        Browser user = new Browser();
        assertEquals("login-form", user.body(a.url(NONSTICKY) + "/secure/hello.jsp"));
        String before = user.sessionId();
        assertNotNull(before);
        Http.Response login = user.post(b.url(NONSTICKY) + "/j_security_check",
                "j_username=alice&j_password=secret");
        assertEquals(303, login.status(), login.body());
        String after = user.sessionId();
        assertNotEquals(before, after, "no new session id after login (session fixation)");
        assertEquals("hello alice", user.body(a.url(NONSTICKY) + "/secure/hello.jsp"));
        assertEquals("hello alice", user.body(b.url(NONSTICKY) + "/secure/hello.jsp"));
    }

    @Test
    void sticky_BackupWhileNextRequestsMutateTheSession_NothingLost() {
        // MSM 2.3.2 lost backups here: a ConcurrentModificationException while serializing a list the next request
        // was appending to
        Browser user = new Browser();
        for (int i = 1; i <= 300; i++) {
            assertEquals("size=" + i, user.body(a.url(STICKY) + "/list.jsp"), "request " + i);
        }
        assertEquals("ok", user.body(a.url(STICKY) + "/set.jsp?name=marker&value=after-300-appends"));
        String id = user.sessionId();
        awaitStored(node(id), base(id), "after-300-appends");

        a.kill();
        assertEquals("size=301", user.body(b.url(STICKY) + "/list.jsp"));
    }

    // ==================================================================== store down

    @Test
    void allStoreNodesDown_100Requests_AnsweredFast_InTheConfiguredWay_LoggedOnce() {
        Browser stickyUser = new Browser();
        Browser nonStickyUser = new Browser();
        assertEquals(1, count(stickyUser.body(a.url(STICKY) + "/count.jsp")));
        assertEquals(1, count(nonStickyUser.body(a.url(NONSTICKY) + "/count.jsp")));
        server("n1").kill();
        server("n2").kill();
        awaitNodes(a, STICKY, "");
        awaitNodes(a, NONSTICKY, "");
        long offset = Webapps.logOffset(a);

        Duration operationTimeout = Duration.ofMillis(1000);
        for (int i = 0; i < 100; i++) {
            long start = System.nanoTime();
            Http.Response nonSticky = nonStickyUser.get(a.url(NONSTICKY) + "/count.jsp");
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // onStoreUnavailable="fail" (the default): 503, not an empty session that would overwrite the real one
            assertEquals(503, nonSticky.status(), "non-sticky request " + i);
            assertTrue(took <= operationTimeout.toMillis(), "non-sticky request " + i + " took " + took + " ms");

            start = System.nanoTime();
            // sticky sessions live in memory: they go on, and are backed up when a node returns
            assertEquals(i + 2, count(stickyUser.body(a.url(STICKY) + "/count.jsp")), "sticky request " + i);
            took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took <= operationTimeout.toMillis(), "sticky request " + i + " took " + took + " ms");
        }
        List<String> logged = Webapps.logSince(a, offset).lines()
                .filter(l -> l.contains(" WARNING ") || l.contains(" SEVERE ")).toList();
        assertTrue(logged.size() <= 2, "200 requests without a store logged " + logged.size() + " lines (at most "
                + "one per application expected), the first: \n" + String.join("\n",
                logged.subList(0, Math.min(4, logged.size()))));
    }

    @Test
    void corruptStoredValues_FreshSession_No5xx() {
        for (String app : List.of(NONSTICKY, STICKY)) {
            Browser user = new Browser();
            assertEquals(1, count(user.body(a.url(app) + "/count.jsp")));
            assertEquals("ok", user.body(a.url(app) + "/set.jsp?name=marker&value=stored"));
            String id = user.sessionId();
            awaitStored(node(id), base(id), "stored");
            awaitStored(otherNode(node(id)), "bak:" + base(id), "stored");
            String garbage = "MS\u0001\u0001\u0000\u00ffnot-a-session-" + "x".repeat(40);
            for (String[] copy : new String[][] {{node(id), base(id)}, {otherNode(node(id)), "bak:" + base(id)}}) {
                String answer = server(copy[0]).command("set " + copy[1] + " 0 0 " + garbage.length() + "\r\n"
                        + garbage, "STORED");
                assertEquals("STORED\n", answer, app + ": " + copy[1]);
            }
            // sticky: b has the session only in the store; non-sticky: every request reads the store
            Http.Response r = user.get(b.url(app) + "/count.jsp");
            assertEquals(200, r.status(), app + ": " + r.body());
            assertEquals("count=1", r.body().trim(), app + ": a fresh session");
            assertNotNull(r.sessionCookie(), app + ": no new session cookie");
            assertNotEquals(base(id), base(r.sessionCookie()), app);
        }
    }

    // ==================================================================== restarts

    @Test
    void contextReload_KeepsSessions() throws Exception {
        Map<String, Browser> users = usersCountingTwiceOnA();
        for (String app : allApps()) {
            long before = reloads(a, app);
            a.touchClasses(app);
            await().until(() -> reloads(a, app) > before);
        }
        for (Map.Entry<String, Browser> u : users.entrySet()) {
            assertEquals(3, count(u.getValue().body(a.url(u.getKey()) + "/count.jsp")), u.getKey());
        }
    }

    private static long reloads(TomcatInstance t, String app) throws IOException {
        return Files.readAllLines(t.consoleLog()).stream()
                .filter(l -> l.contains("Reloading Context with name [/" + app + "] is completed")).count();
    }

    /** One user per application, each with {@code count=2} from two requests on Tomcat a. */
    private Map<String, Browser> usersCountingTwiceOnA() {
        Map<String, Browser> users = new LinkedHashMap<>();
        for (String app : allApps()) {
            Browser user = new Browser();
            assertEquals(1, count(user.body(a.url(app) + "/count.jsp")));
            assertEquals(2, count(user.body(a.url(app) + "/count.jsp")));
            users.put(app, user);
        }
        return users;
    }

    @Test
    void restart_GracefulOfBothTomcats_KeepsSessions() {
        Map<String, Browser> users = usersCountingTwiceOnA();
        cluster.both(TomcatInstance::stop);
        cluster.both(TomcatInstance::start);
        continueAfterRestart(users);
    }

    @Test
    void restart_AfterKill9OfBothTomcats_KeepsSessions() {
        Map<String, Browser> users = usersCountingTwiceOnA();
        Browser sticky = users.get(STICKY);
        assertEquals("ok", sticky.body(a.url(STICKY) + "/set.jsp?name=marker&value=before-kill"));
        awaitStored(node(sticky.sessionId()), base(sticky.sessionId()), "before-kill");

        cluster.both(TomcatInstance::kill);
        cluster.both(TomcatInstance::start);
        continueAfterRestart(users);
    }

    /** Sticky users go on with Tomcat a (their route); non-sticky users with a, then b. */
    private void continueAfterRestart(Map<String, Browser> users) {
        for (Map.Entry<String, Browser> e : users.entrySet()) {
            String app = e.getKey();
            Browser user = e.getValue();
            assertEquals(3, count(user.body(a.url(app) + "/count.jsp")), app);
            if (!app.equals(STICKY)) {
                assertEquals(4, count(user.body(b.url(app) + "/count.jsp")), app);
            }
        }
    }

    // ==================================================================== bad input

    @Test
    void hostileCookies_NeverAnswer5xx_AndNeverReachMemcached() {
        String valid = "0123456789ABCDEF0123456789ABCDEF";
        List<String> hostile = List.of("", " ", "x", "A".repeat(4096), valid + "-n9", valid + "-n9.a",
                valid + "-n1 0 0 1", "a b c", valid + "-n1\r\nset x 0 0 1", valid + "-n1\rdelete x",
                valid + "-n1\nget x", "../../etc/passwd", valid + "-../n1", "..%2F..%2Fn1", valid + "-n1.a.b",
                valid + "-n1.r\u00e9", valid + "-", "-n1", valid.substring(0, 8) + "-n1", valid + "ZZ-n1",
                valid + "-n1\u0000", "\"" + valid + "-n1\"");
        String marker = "it-watch-end-" + System.nanoTime();
        Map<String, MemcachedWatch> watches = new LinkedHashMap<>();
        for (String node : List.of("n1", "n2")) {
            watches.put(node, new MemcachedWatch(node, server(node)));
        }
        try {
            for (TomcatInstance t : List.of(a, b)) {
                for (String app : List.of(STICKY, NONSTICKY)) {
                    for (String h : hostile) {
                        Http.Response read = Http.get(t.url(app) + "/read.jsp", "JSESSIONID=" + h);
                        assertTrue(read.status() < 500, app + " cookie [" + h + "]: " + read.status());
                        if (read.status() == 200) {
                            assertEquals("none", read.body().trim(), app + " cookie [" + h + "]");
                        }
                        Http.Response count = Http.get(t.url(app) + "/count.jsp", "JSESSIONID=" + h);
                        assertTrue(count.status() < 500, app + " cookie [" + h + "]: " + count.status());
                        if (count.status() == 200) {
                            assertEquals("count=1", count.body().trim(), app + " cookie [" + h + "]");
                            assertNotNull(count.sessionCookie(), app + " cookie [" + h + "]: no new session");
                            assertNotEquals(h, count.sessionCookie(), app + " cookie [" + h + "]");
                        }
                    }
                }
            }
            int seen = 0;
            for (Map.Entry<String, MemcachedWatch> w : watches.entrySet()) {
                cluster.stored(w.getKey(), marker);
                List<String> keys = w.getValue().keysUntil(marker);
                for (String key : keys) {
                    assertTrue(SESSION_KEY.matcher(key).matches(), "memcached " + w.getKey() + " got key [" + key
                            + "]");
                }
                seen += keys.size();
            }
            assertTrue(seen > 0, "the watch saw none of the new sessions being stored");
        } finally {
            watches.values().forEach(MemcachedWatch::close);
        }
    }
}

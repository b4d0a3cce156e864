package dev.msm.it;

import static dev.msm.api.Awaits.await;
import static dev.msm.it.Cluster.awaitNodes;
import static dev.msm.it.SessionIds.base;
import static dev.msm.it.SessionIds.node;
import static dev.msm.it.SessionIds.otherNode;
import static dev.msm.it.SessionIds.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.msm.api.Http;

/**
 * A hung store node end to end (issue 14): two real Tomcats ({@code jvmRoute} a and b) with the drop-in jar, two real
 * memcached nodes, {@code /sticky} and {@code /nonsticky} ({@code lockingMode="all"}) on each. One memcached node is
 * paused with {@code kill -STOP} (its connections stay open, nothing is answered) while every session keeps being
 * used, then resumed with {@code kill -CONT}. Each version's class only names its Tomcat.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractHungNodeScenarios {

    static final String STICKY = "sticky";
    static final String NONSTICKY = "nonsticky";
    private static final int SESSIONS = 20;

    /** Started once for the class; a failed test's message ends with both Tomcats' console logs. */
    @RegisterExtension
    final Cluster cluster;
    private TomcatInstance a;
    private TomcatInstance b;

    /**
     * @param version the Tomcat distribution every test of the subclass runs on
     */
    protected AbstractHungNodeScenarios(TomcatVersion version) {
        this.cluster = new Cluster(version, "hung", false);
    }

    @BeforeAll
    void startCluster() {
        cluster.start(t -> {
            t.deploy(STICKY, cluster.memcachedManagerKeyedById(Map.of("sticky", "true")));
            t.deploy(NONSTICKY, cluster.memcachedManagerKeyedById(Map.of("sticky", "false", "lockingMode", "all")));
        });
        a = cluster.a();
        b = cluster.b();
    }

    @AfterAll
    void stopCluster() {
        cluster.close();
    }

    /** Both nodes running and seen by every manager. */
    @BeforeEach
    void healthyCluster() {
        cluster.resumeStores();
        for (TomcatInstance t : List.of(a, b)) {
            for (String app : List.of(STICKY, NONSTICKY)) {
                awaitNodes(t, app, "n1 n2");
            }
        }
    }

    /** The Tomcat a user's request goes to: its own in sticky mode, alternating in non-sticky mode. */
    private TomcatInstance tomcatFor(String app, Browser user, int index, int round) {
        if (app.equals(STICKY)) {
            return "a".equals(route(user.sessionId())) ? a : b;
        }
        return (index + round) % 2 == 0 ? a : b;
    }

    /** {@link #SESSIONS} users, half created on each Tomcat, each with count 1 and both copies stored. */
    private List<Browser> users(String app) {
        List<Browser> users = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            Browser user = new Browser();
            TomcatInstance t = i % 2 == 0 ? a : b;
            assertEquals("count=1", user.body(t.url(app) + "/count.jsp").trim(), "user " + i);
            users.add(user);
        }
        for (Browser user : users) {
            String id = user.sessionId();
            await().alias("both copies of " + id).until(() -> cluster.stored(node(id), base(id)) != null
                    && cluster.stored(otherNode(node(id)), "bak:" + base(id)) != null);
        }
        return users;
    }

    /**
     * One request per user; each answer must be the user's next count. {@code acknowledged} holds each user's last
     * acknowledged count, so that an error is reported once and not again as a loss in the next round.
     */
    private void round(String app, List<Browser> users, int[] acknowledged, int round, List<String> problems) {
        for (int i = 0; i < users.size(); i++) {
            Browser user = users.get(i);
            TomcatInstance t = tomcatFor(app, user, i, round);
            Http.Response r = user.get(t.url(app) + "/count.jsp");
            String body = r.body().trim();
            if (r.status() != 200) {
                problems.add("round " + round + ", user " + i + " on " + t + ": error, HTTP " + r.status());
            } else if (body.equals("count=" + (acknowledged[i] + 1))) {
                acknowledged[i]++;
            } else {
                problems.add("round " + round + ", user " + i + " on " + t + ": lost, [" + body + "] after count="
                        + acknowledged[i]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {STICKY, NONSTICKY})
    void pausedNode_TwoRoundsOfOneRequestPerSession_NoErrorNothingLost_NoNewSessionOnIt(String app) {
        List<Browser> users = users(app);
        assertTrue(users.stream().anyMatch(u -> node(u.sessionId()).equals("n1")), "no session on n1");
        int[] acknowledged = new int[users.size()];
        Arrays.fill(acknowledged, 1);
        List<String> problems = new ArrayList<>();

        cluster.memcached("n1").pause();
        try {
            round(app, users, acknowledged, 1, problems);
            // msm noticed the hang: new sessions go to the node that answers
            for (TomcatInstance t : List.of(a, b)) {
                awaitNodes(t, app, "n2");
                Browser newcomer = new Browser();
                assertEquals("count=1", newcomer.body(t.url(app) + "/count.jsp").trim());
                assertEquals("n2", node(newcomer.sessionId()), "new session on the paused node");
            }
            round(app, users, acknowledged, 2, problems);
        } finally {
            cluster.memcached("n1").resume();
        }
        assertEquals(List.of(), problems, SESSIONS + " sessions, two rounds with n1 paused");

        for (TomcatInstance t : List.of(a, b)) {
            awaitNodes(t, app, "n1 n2");
        }
        round(app, users, acknowledged, 3, problems);
        assertEquals(List.of(), problems, "after n1 resumed");
    }

    /**
     * After the paused node resumes, it still holds the copies written before the pause. Neither the old cookie
     * (naming the paused node) nor the new one may ever read such a stale copy, on either Tomcat (issue 14 item 2:
     * the engine fences copies written before their node was marked unavailable). Sticky users stay on their own
     * Tomcat, except the old cookie, which is also sent to the other one.
     */
    @ParameterizedTest
    @ValueSource(strings = {STICKY, NONSTICKY})
    void pausedNodeResumesWithOldCopies_NeitherOldNorNewCookieReadsThem(String app) {
        Browser user = null;
        for (Browser candidate : users(app)) {
            if (node(candidate.sessionId()).equals("n1")) {
                user = candidate;
                break;
            }
        }
        assertTrue(user != null, "no session on n1");
        String oldId = user.sessionId();
        boolean sticky = app.equals(STICKY);
        TomcatInstance first = sticky && "b".equals(route(oldId)) ? b : a;
        // sticky users stay on their Tomcat; non-sticky requests alternate
        TomcatInstance second = sticky ? first : first == a ? b : a;
        cluster.memcached("n1").pause();
        try {
            awaitNodes(a, app, "n2");
            awaitNodes(b, app, "n2");
            assertEquals("count=2", user.body(first.url(app) + "/count.jsp").trim());
            assertEquals("count=3", user.body(second.url(app) + "/count.jsp").trim());
        } finally {
            cluster.memcached("n1").resume();
        }
        awaitNodes(a, app, "n1 n2");
        awaitNodes(b, app, "n1 n2");
        String newId = user.sessionId();

        // the old cookie: never the stale count=1 of n1 (which would answer count=2 again)
        int latest = 3;
        for (TomcatInstance t : List.of(a, b)) {
            Browser old = new Browser();
            old.setSessionId("/" + app, oldId);
            String body = old.body(t.url(app) + "/read.jsp").trim();
            assertNotEquals("count=1", body, "the old cookie on " + t + " read the stale copy of " + oldId);
            if (body.startsWith("count=")) {
                assertEquals("count=" + latest, body, "the old cookie on " + t + " read an old copy");
            }
        }
        // the new cookie: every change kept (sticky: on the user's own Tomcat)
        for (TomcatInstance t : sticky ? List.of(first) : List.of(a, b)) {
            Browser current = new Browser();
            current.setSessionId("/" + app, newId);
            latest++;
            assertEquals("count=" + latest, current.body(t.url(app) + "/count.jsp").trim(),
                    "the new cookie on " + t);
        }
    }
}

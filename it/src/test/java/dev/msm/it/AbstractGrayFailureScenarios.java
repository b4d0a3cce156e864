package dev.msm.it;

import static dev.msm.api.Awaits.await;
import static dev.msm.it.Cluster.awaitNodes;
import static dev.msm.it.SampleApp.count;
import static dev.msm.it.SessionIds.base;
import static dev.msm.it.SessionIds.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.msm.api.DelayingProxy;
import dev.msm.api.Http;
import dev.msm.api.ServerProcess;

/**
 * Issue 14's gray failures end to end, with memcached and with Redis: a store node that answers every command 200 ms
 * late, a request that holds its session's lock three times {@code lockExpiration}, a paused (SIGSTOP) redis-server
 * in both modes, and stopping Tomcat while Redis hangs. Two real Tomcats ({@code jvmRoute} a and b) with the drop-in
 * jars, two real memcached processes, one real redis-server, and two {@link DelayingProxy}s: one in front of the
 * second memcached, one in front of redis-server. Each version's class only names its Tomcat.
 *
 * <p>A single Redis has no second node to fall back on (unlike memcached, see {@link AbstractHungNodeScenarios}):
 * while it hangs, sticky sessions are served from memory and written when it answers again; non-sticky requests
 * with a session are answered 503 ({@code onStoreUnavailable="fail"}, the default), at once after the first
 * {@code operationTimeout}, quietly (no stack trace, counted per outcome), and continue with every acknowledged change
 * once Redis answers again.
 *
 * <p>The cluster is started once per class; before each test every Tomcat runs and every application sees its store
 * available. The test that stops a Tomcat runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class AbstractGrayFailureScenarios {

    /** Non-sticky, {@code lockingMode="all"}: memcached n1 direct, n2 behind the 200 ms proxy. */
    static final String MEMCACHED_SLOW = "mcslow";
    /** Sticky: memcached n1 direct, n2 behind the 200 ms proxy. */
    static final String MEMCACHED_SLOW_STICKY = "mcslowsticky";
    /** Non-sticky, {@code lockingMode="all"}: Redis behind the 200 ms proxy. */
    static final String REDIS_SLOW = "redisslow";
    /** Sticky: Redis behind the 200 ms proxy. */
    static final String REDIS_SLOW_STICKY = "redisslowsticky";
    /** Non-sticky, {@code lockingMode="all"}, {@code lockExpiration="2"}: memcached n1 and n2 direct. */
    static final String MEMCACHED_LOCKED = "mclocked";
    /** Non-sticky, {@code lockingMode="all"}, {@code lockExpiration="2"}: Redis direct. */
    static final String REDIS = "redis";
    /** Sticky: Redis direct. */
    static final String REDIS_STICKY = "redissticky";

    private static final List<String> MEMCACHED_APPS = List.of(MEMCACHED_SLOW, MEMCACHED_SLOW_STICKY,
            MEMCACHED_LOCKED);
    private static final List<String> REDIS_APPS = List.of(REDIS_SLOW, REDIS_SLOW_STICKY, REDIS, REDIS_STICKY);

    /** How late the proxies pass every answer on. */
    private static final Duration DELAY = Duration.ofMillis(200);
    /** msm's default {@code operationTimeout}, which these applications keep. */
    private static final long OPERATION_TIMEOUT_MILLIS = 1000;
    private static final int LOCK_EXPIRATION_SECONDS = 2;
    /**
     * What a loaded, shared 2-core machine may add to a request's time (a JSP compiled on first use, a busy CPU):
     * the bounds below tell "bounded by {@code operationTimeout}" from "waits for a lock or a hung node", not fast
     * from slow.
     */
    private static final long SLACK_MILLIS = 2000;
    /**
     * A wait of the slow-node canary that means the node was held up, not merely slow: a msm probe or operation sent
     * at the start of such a hold-up may have waited {@code operationTimeout} (the canary asks every 100 ms and waits
     * {@link #DELAY} itself, so it may see up to that much less).
     */
    private static final long STALL_MILLIS = OPERATION_TIMEOUT_MILLIS - 2 * DELAY.toMillis();

    /** Started once for the class; a failed test's message ends with both Tomcats' console logs. */
    @RegisterExtension
    final Cluster cluster;
    private ServerProcess redis;
    private DelayingProxy slowN2;
    private DelayingProxy slowRedis;
    private TomcatInstance a;
    private TomcatInstance b;

    /**
     * @param version the Tomcat distribution every test of the subclass runs on
     */
    protected AbstractGrayFailureScenarios(TomcatVersion version) {
        this.cluster = new Cluster(version, "gray", true);
    }

    // ==================================================================== fixture

    @BeforeAll
    void startCluster() {
        cluster.startStores();
        redis = cluster.redis();
        slowN2 = DelayingProxy.start(cluster.memcached("n2").port(), DELAY);
        slowRedis = DelayingProxy.start(redis.port(), DELAY);
        cluster.startTomcats(this::deploy);
        a = cluster.a();
        b = cluster.b();
    }

    @AfterAll
    void stopCluster() {
        cluster.close();
        for (DelayingProxy p : new DelayingProxy[] {slowN2, slowRedis}) {
            if (p != null) {
                p.close();
            }
        }
    }

    private void deploy(TomcatInstance t) {
        Map<String, String> locks = Map.of("lockingMode", "all", "lockExpiration",
                Integer.toString(LOCK_EXPIRATION_SECONDS), "lockTimeout", "20000");
        String n2 = cluster.memcached("n2").address();
        t.deploy(MEMCACHED_SLOW, memcached(slowN2.address(), false, Map.of("lockingMode", "all")));
        t.deploy(MEMCACHED_SLOW_STICKY, memcached(slowN2.address(), true, Map.of()));
        t.deploy(MEMCACHED_LOCKED, memcached(n2, false, locks));
        t.deploy(REDIS_SLOW, redis(slowRedis.address(), false, Map.of("lockingMode", "all")));
        t.deploy(REDIS_SLOW_STICKY, redis(slowRedis.address(), true, Map.of()));
        t.deploy(REDIS, redis(redis.address(), false, locks));
        t.deploy(REDIS_STICKY, redis(redis.address(), true, Map.of()));
    }

    private Map<String, String> memcached(String n2Address, boolean sticky, Map<String, String> extra) {
        Map<String, String> m = common(sticky);
        m.put("memcachedNodes", "n1:" + cluster.memcached("n1").address() + " n2:" + n2Address);
        m.putAll(extra);
        return m;
    }

    private Map<String, String> redis(String address, boolean sticky, Map<String, String> extra) {
        Map<String, String> m = common(sticky);
        m.put("store", "redis");
        m.put("redisUrl", "redis://" + address);
        m.putAll(extra);
        return m;
    }

    private static Map<String, String> common(boolean sticky) {
        Map<String, String> m = Cluster.manager();
        m.put("sticky", Boolean.toString(sticky));
        // these scenarios read the stores' keys by session id: no prefix (MSM's key format)
        m.put("storageKeyPrefix", "");
        return m;
    }

    /** Redis answers, both Tomcats run, and every application sees its store available. */
    @BeforeEach
    void healthyCluster() {
        cluster.resumeStores();
        cluster.startStoppedTomcats();
        for (TomcatInstance t : List.of(a, b)) {
            for (String app : MEMCACHED_APPS) {
                awaitNodes(t, app, "n1 n2");
            }
            for (String app : REDIS_APPS) {
                awaitStoreAvailable(t, app, true);
            }
        }
    }

    /** A paused store answers again before the cluster checks the test's logs. */
    @AfterEach
    void resumeStores() {
        cluster.resumeStores();
    }

    /** An attribute of the msm manager of {@code app} on {@code t}, read from its JMX bean. */
    private static String manager(TomcatInstance t, String app, String attribute) {
        return new Browser().body(t.url(app) + "/manager.jsp?attribute=" + attribute).trim();
    }

    private static long statistic(TomcatInstance t, String app, String attribute) {
        return Long.parseLong(manager(t, app, attribute));
    }

    private static void awaitStoreAvailable(TomcatInstance t, String app, boolean available) {
        await(Duration.ofSeconds(30)).alias(t + " " + app + " sees its store " + (available ? "" : "un")
                + "available").until(() -> manager(t, app, "storeAvailable"), Boolean.toString(available)::equals);
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** One line of measured outcome in the test's output (failsafe keeps it in the class's output file). */
    private static void report(String line) {
        System.out.println("[gray failure] " + line);
    }

    private static boolean onRedis(String app) {
        return REDIS_APPS.contains(app);
    }

    /**
     * @return the value the store of {@code app} holds under {@code key} of session {@code id} (bytes as
     *         ISO-8859-1), read from the server itself (not through a proxy), or {@code null}
     */
    private String stored(String app, String id, String key) {
        if (onRedis(app)) {
            byte[] value = redisGet(key);
            return value == null ? null : new String(value, StandardCharsets.ISO_8859_1);
        }
        return cluster.stored(node(id), key);
    }

    /** Waits until the primary copy of {@code id} in the store of {@code app} holds {@code marker}. */
    private void awaitStored(String app, String id, String marker) {
        await(Duration.ofSeconds(30)).alias(app + " holds [" + base(id) + "] with [" + marker + "]").until(() -> {
            String value = stored(app, id, base(id));
            return value != null && value.contains(marker);
        });
    }

    /** A {@code GET} on a connection of its own to redis-server (RESP). */
    private byte[] redisGet(String key) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", redis.port()), 1000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            String header = line(in);
            if (header.equals("$-1")) {
                return null;
            }
            assertTrue(header.startsWith("$"), "GET " + key + ": " + header);
            byte[] value = new byte[Integer.parseInt(header.substring(1))];
            in.readFully(value);
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c == -1) {
                throw new IOException("connection closed after [" + line + "]");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    // ==================================================================== 14.4 slow, not dead

    /**
     * Issue 14 item 4, non-sticky with locking: every answer of the slow node arrives 200 ms late, so each of the two
     * round-trips of a modifying request may take that long, but never {@code operationTimeout}; the node is never
     * reported down and no increment is lost.
     */
    @Order(1)
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {MEMCACHED_SLOW, REDIS_SLOW})
    void slowNode_NonSticky_EveryAnswer200msLate_RequestsBoundedByOperationTimeout_NothingLost_NodeStaysAvailable(
            String app) {
        try (Canary canary = canary(app)) {
            slowNonSticky(app, canary);
        }
    }

    private void slowNonSticky(String app, Canary canary) {
        Browser user = userOnSlowNode(app, a);
        long slowest = 0;
        long fastest = Long.MAX_VALUE;
        for (int i = 2; i <= 10; i++) {
            TomcatInstance t = i % 2 == 0 ? b : a;
            long start = System.nanoTime();
            Http.Response r = user.get(t.url(app) + "/count.jsp");
            long took = millisSince(start);
            assertEquals(200, r.status(), "request " + i + " on " + t + ": " + r.body());
            assertEquals(i, count(r.body().trim()), "request " + i + " on " + t);
            // lock + load, then write + unlock: two round-trips, each bounded by operationTimeout
            assertTrue(took < 2 * OPERATION_TIMEOUT_MILLIS + SLACK_MILLIS, "request " + i + " took " + took + " ms");
            slowest = Math.max(slowest, took);
            fastest = Math.min(fastest, took);
        }
        report(app + ", a node answering " + DELAY.toMillis() + " ms late: 9 modifying requests took " + fastest
                + "-" + slowest + " ms");
        assertTrue(slowest >= DELAY.toMillis(), "the proxy did not delay: the slowest request took " + slowest
                + " ms");
        assertSlowNodeStayedAvailable(app, canary);
        assertEquals("count=10", user.body(a.url(app) + "/read.jsp"));
        assertEquals("count=10", user.body(b.url(app) + "/read.jsp"));
    }

    /**
     * Issue 14 item 4, sticky: responses wait at most {@code sessionBackupTimeout} for their backup, so a slow node
     * costs them little; the copy in the store follows one slow write behind and ends with every change, from which
     * the other Tomcat continues.
     */
    @Order(2)
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {MEMCACHED_SLOW_STICKY, REDIS_SLOW_STICKY})
    void slowNode_Sticky_EveryAnswer200msLate_ResponsesBounded_StoreEndsWithEveryChange_NodeStaysAvailable(
            String app) {
        try (Canary canary = canary(app)) {
            slowSticky(app, canary);
        }
    }

    private void slowSticky(String app, Canary canary) {
        Browser user = userOnSlowNode(app, a);
        long slowest = 0;
        for (int i = 2; i <= 5; i++) {
            long start = System.nanoTime();
            assertEquals(i, count(user.body(a.url(app) + "/count.jsp")), "request " + i);
            long took = millisSince(start);
            assertTrue(took < OPERATION_TIMEOUT_MILLIS + SLACK_MILLIS, "request " + i + " took " + took + " ms");
            slowest = Math.max(slowest, took);
        }
        report(app + ", a node answering " + DELAY.toMillis() + " ms late: 4 modifying requests took at most "
                + slowest + " ms");
        assertEquals("ok", user.body(a.url(app) + "/set.jsp?name=marker&value=slow-last-change"));
        awaitStored(app, user.sessionId(), "slow-last-change");
        assertSlowNodeStayedAvailable(app, canary);

        assertEquals(6, count(user.body(b.url(app) + "/count.jsp")), "Tomcat b continues from the store");
    }

    /**
     * A new user of {@code app} with {@code count=1} from Tomcat {@code t}, whose session lives on the slow node:
     * memcached's n2 (whose proxy answers late), or the one Redis.
     */
    private Browser userOnSlowNode(String app, TomcatInstance t) {
        for (int attempt = 0; attempt < 100; attempt++) {
            Browser user = new Browser();
            assertEquals(1, count(user.body(t.url(app) + "/count.jsp")));
            if (onRedis(app) || node(user.sessionId()).equals("n2")) {
                return user;
            }
        }
        return fail("100 new sessions and none on n2");
    }

    /**
     * The slow node was never reported down, unless the canary saw it answer so late that it was not merely slow
     * any more (a loaded machine holding up the proxy or the server): msm then rightly took it for hung for a
     * moment, and it must be available again.
     */
    private void assertSlowNodeStayedAvailable(String app, Canary canary) {
        long longest = canary.longestMillis();
        boolean stalled = longest >= STALL_MILLIS;
        if (stalled) {
            report(app + ": the slow node answered the canary once after " + longest + " ms (the machine held it "
                    + "up); only its return is checked");
        }
        String slowNode = onRedis(app) ? slowRedis.address() : "[n2";
        for (TomcatInstance t : List.of(a, b)) {
            if (onRedis(app)) {
                awaitStoreAvailable(t, app, true);
            } else {
                awaitNodes(t, app, "n1 n2");
            }
            List<String> down = cluster.logSince(t).lines()
                    .filter(l -> l.contains("is unavailable") && l.contains(slowNode)).toList();
            if (!stalled) {
                assertEquals(List.of(), down, t + " reported the slow node down; the canary's longest wait was "
                        + longest + " ms");
            }
        }
    }

    /** A canary on the slow node of {@code app}, through its proxy. */
    private Canary canary(String app) {
        return onRedis(app) ? new Canary(slowRedis.address(), "PING") : new Canary(slowN2.address(), "version");
    }

    /**
     * Asks the slow node through its proxy, on a connection of its own, every 100 ms for a one-line answer (Redis'
     * {@code PING}, memcached's {@code version}) and keeps the longest wait: how late the node really answered while
     * a test ran. On a loaded machine the proxy or the server may now and then be held up for a second or more;
     * a node that answers nothing within {@code operationTimeout} counts as hung, so msm may then rightly mark it
     * down for a moment.
     */
    private static final class Canary implements AutoCloseable {

        private final Socket socket = new Socket();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slow-node-canary");
            t.setDaemon(true);
            return t;
        });
        private final AtomicLong longest = new AtomicLong();
        private final byte[] command;
        private volatile IOException failure;

        Canary(String address, String command) {
            this.command = (command + "\r\n").getBytes(StandardCharsets.US_ASCII);
            int colon = address.lastIndexOf(':');
            try {
                socket.connect(new InetSocketAddress(address.substring(0, colon),
                        Integer.parseInt(address.substring(colon + 1))), 1000);
                socket.setSoTimeout(30_000);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            timer.scheduleWithFixedDelay(this::ask, 0, 100, TimeUnit.MILLISECONDS);
        }

        private void ask() {
            long start = System.nanoTime();
            try {
                socket.getOutputStream().write(command);
                socket.getOutputStream().flush();
                line(socket.getInputStream());
            } catch (IOException e) {
                failure = e;
                throw new UncheckedIOException(e); // ends the schedule
            }
            longest.accumulateAndGet(millisSince(start), Math::max);
        }

        /** @return the longest a question waited for its answer, in ms */
        long longestMillis() {
            assertEquals(null, failure, "the canary's connection through the proxy failed");
            return longest.get();
        }

        @Override
        public void close() {
            timer.shutdownNow();
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    // ==================================================================== 14.5 long locked requests

    /**
     * Issue 14 item 5: a request on Tomcat a holds its session's lock for 3 x {@code lockExpiration} (the lock is
     * renewed while it runs) while three users of the same session on Tomcat b send modifying requests, which wait
     * for the lock ({@code lockTimeout} 20 s). Every increment is kept: the long request's, then each of b's.
     */
    @Order(3)
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {MEMCACHED_LOCKED, REDIS})
    void lockedRequestLastingThreeLockExpirations_OtherTomcatKeepsModifying_EveryIncrementKept(String app)
            throws Exception {
        Browser user = new Browser();
        assertEquals(1, count(user.body(a.url(app) + "/count.jsp")));
        String id = user.sessionId();
        String lockKey = "lock:" + base(id);
        await().alias("the first request released its lock").until(() -> stored(app, id, lockKey) == null);

        long hold = 3L * LOCK_EXPIRATION_SECONDS * 1000;
        CompletableFuture<Http.Response> longRequest = CompletableFuture.supplyAsync(
                () -> user.get(a.url(app) + "/longcount.jsp?ms=" + hold));
        await().alias("the long request holds the lock").until(() -> stored(app, id, lockKey) != null);
        String holder = stored(app, id, lockKey);

        int clients = 3;
        int each = 2;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Integer> seen = new ArrayList<>();
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                results.add(pool.submit(() -> {
                    Browser other = new Browser();
                    other.setSessionId("/" + app, id);
                    List<Integer> counts = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        Http.Response r = other.get(b.url(app) + "/count.jsp");
                        assertEquals(200, r.status(), r.body());
                        counts.add(count(r.body().trim()));
                    }
                    return counts;
                }));
            }
            Http.Response longAnswer = longRequest.get(hold + 30_000, TimeUnit.MILLISECONDS);
            assertEquals(200, longAnswer.status(), longAnswer.body());
            assertEquals("count=2", longAnswer.body().trim(), "the long request's increment");
            for (Future<List<Integer>> r : results) {
                seen.addAll(r.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        Set<Integer> expected = new HashSet<>();
        for (int n = 3; n <= 2 + clients * each; n++) {
            expected.add(n);
        }
        assertEquals(expected, new HashSet<>(seen), "Tomcat b's increments, after the long request's: " + seen);
        int last = 2 + clients * each;
        assertEquals("count=" + last, user.body(a.url(app) + "/read.jsp"));
        assertEquals("count=" + last, user.body(b.url(app) + "/read.jsp"));
        assertEquals(0, statistic(a, app, "statLocksLost"), "the long request lost its lock (first holder ["
                + holder + "])");
        assertEquals(0, statistic(a, app, "statWritesFenced"));
    }

    // ==================================================================== 14.1, 14.6 a paused Redis

    /**
     * Issue 14 items 1 and 6, non-sticky: while redis-server is paused (SIGSTOP), requests with a session are
     * answered 503 with {@code Retry-After}: the first ones after at most {@code operationTimeout}, then at once on
     * both Tomcats. No stack trace is logged, each refusal is counted, a new session works (it is not stored). After
     * SIGCONT every session continues from its last acknowledged count.
     */
    @Order(4)
    @Test
    void pausedRedis_NonSticky_Quiet503sBoundedByOperationTimeout_CountedPerOutcome_ThenEverySessionContinues() {
        List<Browser> users = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Browser user = new Browser();
            assertEquals(1, count(user.body((i % 2 == 0 ? a : b).url(REDIS) + "/count.jsp")));
            users.add(user);
        }
        Map<TomcatInstance, Long> refusedBefore = new LinkedHashMap<>();
        Map<TomcatInstance, Long> refused = new LinkedHashMap<>();
        for (TomcatInstance t : List.of(a, b)) {
            refusedBefore.put(t, statistic(t, REDIS, "statRequestsRefusedStoreUnavailable"));
            refused.put(t, 0L);
        }
        int rounds = 10;
        long[] slowest = new long[2]; // the first round, the later ones
        redis.pause();
        try {
            for (int round = 1; round <= rounds; round++) {
                for (int i = 0; i < users.size(); i++) {
                    TomcatInstance t = (i + round) % 2 == 0 ? a : b;
                    long start = System.nanoTime();
                    Http.Response r = users.get(i).get(t.url(REDIS) + "/count.jsp");
                    long took = millisSince(start);
                    String what = "round " + round + ", user " + i + " on " + t;
                    assertEquals(503, r.status(), what + ": " + r.body());
                    assertNotNull(r.header("Retry-After"), what + ": no Retry-After");
                    long bound = round == 1 ? OPERATION_TIMEOUT_MILLIS + SLACK_MILLIS : OPERATION_TIMEOUT_MILLIS;
                    assertTrue(took < bound, what + " took " + took + " ms");
                    slowest[round == 1 ? 0 : 1] = Math.max(slowest[round == 1 ? 0 : 1], took);
                    refused.merge(t, 1L, Long::sum);
                }
                if (round == 1) {
                    // both Tomcats noticed the hang: later requests do not wait for it any more
                    awaitStoreAvailable(a, REDIS, false);
                    awaitStoreAvailable(b, REDIS, false);
                }
            }
            Browser newcomer = new Browser();
            assertEquals("count=1", newcomer.body(a.url(REDIS) + "/count.jsp").trim(), "a new session");
        } finally {
            redis.resume();
        }
        report("redis paused, non-sticky: 503s took at most " + slowest[0] + " ms in the first round, " + slowest[1]
                + " ms later");
        for (TomcatInstance t : List.of(a, b)) {
            assertEquals(refused.get(t), statistic(t, REDIS, "statRequestsRefusedStoreUnavailable")
                    - refusedBefore.get(t), t + ": refusals counted");
            List<String> warnings = cluster.logSince(t).lines().filter(l -> l.contains(" WARNING ")).toList();
            // one line per cause and application (the store's hang and recovery, the refusals' cause), not per
            // request: fewer lines than refused requests
            assertTrue(warnings.size() < refused.get(t), t + " refused " + refused.get(t) + " requests and logged "
                    + warnings.size() + " warnings:\n" + String.join("\n", warnings));
            assertTrue(warnings.stream().noneMatch(l -> l.contains("Exception")), t + " logged an exception:\n"
                    + String.join("\n", warnings));
        }

        awaitStoreAvailable(a, REDIS, true);
        awaitStoreAvailable(b, REDIS, true);
        for (int round = 1; round <= 2; round++) {
            for (int i = 0; i < users.size(); i++) {
                TomcatInstance t = (i + round) % 2 == 0 ? a : b;
                Http.Response r = users.get(i).get(t.url(REDIS) + "/count.jsp");
                assertEquals(200, r.status(), "user " + i + " on " + t + " after SIGCONT: " + r.body());
                assertEquals("count=" + (1 + round), r.body().trim(), "user " + i + " on " + t + " after SIGCONT");
            }
        }
    }

    /**
     * Issue 14 items 1 and 2, sticky: while redis-server is paused, every user is served from memory at once, with
     * every change; after SIGCONT the sessions are written again, no older copy (a write sent while Redis was
     * paused, executed when it resumed) overwrites a newer one, and the other Tomcat continues each session from
     * the store with every change.
     */
    @Order(5)
    @Test
    void pausedRedis_Sticky_ServedFromMemory_AfterResumeTheStoreHasEveryChange_NoOlderCopyWins() {
        List<Browser> users = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Browser user = new Browser();
            TomcatInstance t = i % 2 == 0 ? a : b;
            assertEquals(1, count(user.body(t.url(REDIS_STICKY) + "/count.jsp")));
            assertEquals("ok", user.body(t.url(REDIS_STICKY) + "/set.jsp?name=marker&value=before-pause-" + i));
            awaitStored(REDIS_STICKY, user.sessionId(), "before-pause-" + i);
            users.add(user);
        }
        int rounds = 3;
        long slowest = 0;
        redis.pause();
        try {
            for (int round = 1; round <= rounds; round++) {
                for (int i = 0; i < users.size(); i++) {
                    TomcatInstance t = i % 2 == 0 ? a : b;
                    long start = System.nanoTime();
                    Http.Response r = users.get(i).get(t.url(REDIS_STICKY) + "/count.jsp");
                    long took = millisSince(start);
                    String what = "round " + round + ", user " + i + " on " + t;
                    assertEquals(200, r.status(), what + ": " + r.body());
                    assertEquals("count=" + (1 + round), r.body().trim(), what);
                    assertTrue(took < OPERATION_TIMEOUT_MILLIS + SLACK_MILLIS, what + " took " + took + " ms");
                    slowest = Math.max(slowest, took);
                }
            }
        } finally {
            redis.resume();
        }
        report("redis paused, sticky: requests took at most " + slowest + " ms");
        awaitStoreAvailable(a, REDIS_STICKY, true);
        awaitStoreAvailable(b, REDIS_STICKY, true);
        for (int i = 0; i < users.size(); i++) {
            TomcatInstance t = i % 2 == 0 ? a : b;
            Browser user = users.get(i);
            assertEquals("ok", user.body(t.url(REDIS_STICKY) + "/set.jsp?name=marker&value=after-resume-" + i));
            awaitStored(REDIS_STICKY, user.sessionId(), "after-resume-" + i);
        }
        for (int i = 0; i < users.size(); i++) {
            TomcatInstance other = i % 2 == 0 ? b : a;
            Browser user = users.get(i);
            assertEquals(2 + rounds, count(user.body(other.url(REDIS_STICKY) + "/count.jsp")), "user " + i + " on "
                    + other + ", from the store");
            assertEquals("after-resume-" + i, user.body(other.url(REDIS_STICKY) + "/get.jsp?name=marker"));
        }
    }

    // ==================================================================== 14.7 bounded stop

    /**
     * Issue 14 item 7 with Redis: stopping Tomcat while redis-server hangs ends within {@code operationTimeout} and
     * a few seconds, says once how many sessions could not be written, and each of those sessions keeps a stored
     * copy the other Tomcat continues from once Redis answers again.
     */
    @Order(6)
    @Test
    void stop_WithHungRedis_EndsWithinOperationTimeoutPlusAFewSeconds_UnwrittenSessionsLoggedOnce() {
        List<Browser> users = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Browser user = new Browser();
            assertEquals(1, count(user.body(a.url(REDIS_STICKY) + "/count.jsp")));
            assertEquals("ok", user.body(a.url(REDIS_STICKY) + "/set.jsp?name=marker&value=stored-" + i));
            awaitStored(REDIS_STICKY, user.sessionId(), "stored-" + i);
            users.add(user);
        }
        long failuresBefore = statistic(a, REDIS_STICKY, "statWriteFailures");
        redis.pause();
        try {
            for (Browser user : users) {
                assertEquals(2, count(user.body(a.url(REDIS_STICKY) + "/count.jsp")));
            }
            // the backups of these changes time out on the hung Redis and leave the sessions to be written at stop.
            // Issue 14 (open): a stop while backups are still in flight neither waits for them nor counts them; they
            // fail with "Connection closed" when the store closes
            await().alias("the backups to the hung Redis failed").until(() -> statistic(a, REDIS_STICKY,
                    "statWriteFailures") - failuresBefore >= users.size());
            long start = System.nanoTime();
            a.stop();
            long took = millisSince(start);
            report("redis hung: stopping Tomcat took " + took + " ms");
            // Tomcat itself needs a moment to stop
            assertTrue(took < OPERATION_TIMEOUT_MILLIS + 5000, "stopping Tomcat a took " + took + " ms");
        } finally {
            redis.resume();
        }
        List<String> notStored = cluster.logSince(a).lines().filter(l -> l.contains("were not stored at stop"))
                .toList();
        assertTrue(!notStored.isEmpty(), "Tomcat a did not say which sessions it could not write");

        awaitStoreAvailable(b, REDIS_STICKY, true);
        for (int i = 0; i < users.size(); i++) {
            Http.Response r = users.get(i).get(b.url(REDIS_STICKY) + "/count.jsp");
            assertEquals(200, r.status(), "user " + i + ": " + r.body());
            // the last stored copy: count 1, or 2 when the write Tomcat a sent to the paused Redis ran at SIGCONT
            int n = count(r.body().trim());
            assertTrue(n == 2 || n == 3, "user " + i + " continues at count " + n + " on Tomcat b");
        }
    }
}

package dev.msm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.msm.api.Awaits;
import dev.msm.api.Http;
import dev.msm.api.ServerProcess;

/**
 * Trust boundaries (issue 15) on a real Tomcat distribution: two Tomcats ({@code jvmRoute} a and b), two memcached
 * nodes and a redis-server; on each Tomcat the sample application several times, one {@code <Manager>} each, all
 * with {@code integrityKeys} unless said otherwise:
 * <ul>
 * <li>pairs that receive the same cookie: {@code /app} and {@code /app2} sticky, {@code /napp} and {@code /napp2}
 * non-sticky with {@code lockingMode="all"}, on memcached; {@code /rsapp} and {@code /rsapp2} sticky, {@code /rapp}
 * and {@code /rapp2} non-sticky, on Redis;</li>
 * <li>{@code /open}: non-sticky without a key (the control of the forgery);</li>
 * <li>{@code /logout-none}, {@code /logout-all}, {@code /logout-auto}, {@code /logout-uri}: non-sticky, one per
 * {@code lockingMode}, for the logout race;</li>
 * <li>{@code /flood}: non-sticky, {@code lockingMode="all"}, a long {@code lockTimeout}, for the lock flood.</li>
 * </ul>
 * {@code conf/context.xml} sets {@code sessionCookiePath="/"}, so every application receives the same
 * {@code JSESSIONID} and a new session takes it (as with a shared single sign-on cookie).
 *
 * <p>Checked: the applications neither read, overwrite nor delete each other's sessions; a store reader who lists
 * memcached's keys ({@code lru_crawler metadump all}) or Redis's ({@code SCAN}) finds no session id; a store writer
 * who plants a session with a forged {@code GenericPrincipal} does not log anyone in; a request that loaded a session
 * before a logout on the other Tomcat never writes it back, and {@code sessionDestroyed} fires once; 300 parallel
 * requests of one session hold at most {@code maxLockWaiters} request threads, the rest are answered 503 at once,
 * and another user keeps its latency. The cluster is started once for the class; each version's class only names its
 * Tomcat.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractTrustScenarios {

    private static final String KEYS = "it1:" + Webapps.key(15);
    /** Pairs of applications with the same {@code <Manager>}: memcached and Redis, sticky and non-sticky. */
    private static final List<List<String>> PAIRS = List.of(List.of("app", "app2"), List.of("napp", "napp2"),
            List.of("rsapp", "rsapp2"), List.of("rapp", "rapp2"));
    private static final List<String> STICKY_APPS = List.of("app", "app2", "rsapp", "rsapp2");
    private static final List<String> REDIS_APPS = List.of("rsapp", "rsapp2", "rapp", "rapp2");
    /** The control: non-sticky without any key. */
    private static final String OPEN = "open";
    /** The logout race's applications, one per {@code lockingMode}. */
    private static final List<LockedApp> LOGOUT_APPS = List.of(new LockedApp("logout-none", "none"),
            new LockedApp("logout-all", "all"), new LockedApp("logout-auto", "auto"),
            new LockedApp("logout-uri", "uriPattern:.*/(count|invalidate)\\.jsp"));
    private static final String FLOOD = "flood";
    /** The README's default {@code maxLockWaiters}, which {@link #FLOOD} keeps. */
    private static final int MAX_LOCK_WAITERS = 20;

    /** An application and its {@code lockingMode}. */
    private record LockedApp(String name, String lockingMode) {
    }

    /** Started once for the class; a failed test's message ends with both Tomcats' console logs. */
    @RegisterExtension
    final Cluster cluster;
    private TomcatInstance a;
    private TomcatInstance b;

    /**
     * @param version the Tomcat distribution every test of the subclass runs on
     */
    protected AbstractTrustScenarios(TomcatVersion version) {
        this.cluster = new Cluster(version, "trust", true);
    }

    @BeforeAll
    void startCluster() {
        cluster.start(this::deploy);
        a = cluster.a();
        b = cluster.b();
    }

    @AfterAll
    void stopCluster() {
        cluster.close();
    }

    private static List<String> keyedApps() {
        return PAIRS.stream().flatMap(List::stream).toList();
    }

    private void deploy(TomcatInstance t) {
        for (String app : keyedApps()) {
            Map<String, String> m = manager(app);
            boolean sticky = STICKY_APPS.contains(app);
            m.put("sticky", String.valueOf(sticky));
            if (!sticky) {
                m.put("lockingMode", "all");
            } else {
                m.put("sessionBackupAsync", "false"); // the other Tomcat reads every change at once
            }
            t.deploy(app, m);
        }
        Map<String, String> open = manager(OPEN);
        open.remove("integrityKeys");
        open.put("sticky", "false");
        open.put("lockingMode", "all");
        t.deploy(OPEN, open);
        for (LockedApp app : LOGOUT_APPS) {
            Map<String, String> m = manager(app.name());
            m.put("sticky", "false");
            m.put("lockingMode", app.lockingMode());
            m.put("processExpiresFrequency", "1"); // the expiry sweep every second
            t.deploy(app.name(), m);
            Webapps.addPage(t, app.name(), "hold.jsp");
        }
        Map<String, String> flood = manager(FLOOD);
        flood.put("sticky", "false");
        flood.put("lockingMode", "all");
        flood.put("lockExpiration", "60");
        flood.put("lockTimeout", "30000"); // waiters keep waiting while the other user is measured
        t.deploy(FLOOD, flood);
        Webapps.addPage(t, FLOOD, "hold.jsp");
        // one cookie for every application; a new session takes the id the browser sent (Tomcat's default check of
        // that id in the other contexts is issue 15 item 7, tested on its own)
        Path conf = t.consoleLog().getParent().resolve("conf/context.xml");
        try {
            Files.writeString(conf, """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <Context sessionCookiePath="/" validateClientProvidedNewSessionId="false">
                      <WatchedResource>WEB-INF/web.xml</WatchedResource>
                    </Context>
                    """, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The attributes every application has: its store, the key (but {@link #OPEN}), the sample's classes. */
    private Map<String, String> manager(String app) {
        Map<String, String> m = REDIS_APPS.contains(app) ? cluster.redisManager() : cluster.memcachedManager();
        m.put("integrityKeys", KEYS);
        return m;
    }

    /** A browser with one {@code JSESSIONID} cookie of path {@code /}, sent to every application. */
    private static final class User {
        String id;

        String body(String url) {
            Http.Response r = Http.get(url, id == null ? null : "JSESSIONID=" + id);
            if (r.sessionCookie() != null) {
                id = r.sessionCookie();
            }
            assertEquals(200, r.status(), url + ": " + r.body());
            return r.body().trim();
        }
    }

    private static String random(String id) {
        String base = id.contains(".") ? id.substring(0, id.indexOf('.')) : id;
        return base.contains("-") ? base.substring(0, base.lastIndexOf('-')) : base; // Redis ids name no node
    }

    // ==================================================================== two applications, one cookie

    @Test
    void twoApplications_SameSessionId_NoLeak_NoOverwrite_NoDelete_BothModes_MemcachedAndRedis() {
        for (List<String> pair : PAIRS) {
            String one = "/" + pair.get(0);
            String two = "/" + pair.get(1);
            User user = new User();
            assertEquals("ok", user.body(a.url(pair.get(0)) + "/set.jsp?name=owner&value=one"));
            assertEquals("count=1", user.body(a.url(pair.get(0)) + "/count.jsp"));
            String id = user.id;

            assertEquals("none", user.body(b.url(pair.get(1)) + "/get.jsp?name=owner"), two + " read " + one);
            assertEquals("ok", user.body(b.url(pair.get(1)) + "/set.jsp?name=owner&value=two"));
            assertEquals(random(id), random(user.id), "both applications use the browser's one id");
            assertEquals("count=1", user.body(b.url(pair.get(1)) + "/count.jsp"), two + " continued " + one);

            assertEquals("one", user.body(b.url(pair.get(0)) + "/get.jsp?name=owner"), one + " overwritten");
            assertEquals("two", user.body(a.url(pair.get(1)) + "/get.jsp?name=owner"));
            assertEquals("ok", user.body(a.url(pair.get(1)) + "/invalidate.jsp"));
            assertEquals("count=2", user.body(a.url(pair.get(0)) + "/count.jsp"), one + " lost with " + two);
            assertEquals("count=3", user.body(b.url(pair.get(0)) + "/count.jsp"), one + " lost with " + two);
        }
    }

    // ==================================================================== a logout elsewhere

    /**
     * A slow request on Tomcat b loads the session and changes it; meanwhile the user logs out on Tomcat a; then the
     * slow request ends. In every locking mode the session stays logged out on both Tomcats (unlocked modes: the slow
     * request's write must not bring it back; {@code all}: the logout waits for the slow request), and
     * {@code sessionDestroyed} fires once: on a, never again by b's expiry sweep although b served the session too.
     */
    @Test
    void logout_RequestThatLoadedTheSessionBefore_NeverWritesItBack_DestroyedOnce_EveryLockingMode()
            throws Exception {
        for (LockedApp app : LOGOUT_APPS) {
            warmPages(app.name());
        }
        Map<String, String> loggedOut = new LinkedHashMap<>();
        for (LockedApp app : LOGOUT_APPS) {
            String url = "/" + app.name() + " (lockingMode " + app.lockingMode() + ")";
            User user = new User();
            assertEquals("ok", user.body(a.url(app.name()) + "/timeout.jsp?s=4"));
            assertEquals("count=1", user.body(a.url(app.name()) + "/count.jsp"));
            for (int i = 0; i < 3; i++) {
                // b serves the session too, with the slow request's page: lockingMode auto learns it as read-only
                assertEquals("count=1", user.body(b.url(app.name()) + "/hold.jsp"));
            }
            String cookie = "JSESSIONID=" + user.id;
            CompletableFuture<Http.Response> slow = CompletableFuture.supplyAsync(
                    () -> Http.get(b.url(app.name()) + "/hold.jsp?key=slow&change=true", cookie));
            awaitHeld(b, app.name(), "slow");

            CompletableFuture<Http.Response> logout = CompletableFuture.supplyAsync(
                    () -> Http.get(a.url(app.name()) + "/invalidate.jsp", cookie));
            if (!app.lockingMode().equals("all")) {
                assertEquals(200, logout.get(30, TimeUnit.SECONDS).status(), url + ": the logout");
            }
            assertEquals("released", Http.get(b.url(app.name()) + "/hold.jsp?release=slow", null).body().trim());
            Http.Response ended = slow.get(60, TimeUnit.SECONDS);
            assertEquals(200, ended.status(), url + ": the slow request");
            assertEquals("count=2", ended.body().trim(), url + ": the slow request");
            assertEquals(200, logout.get(30, TimeUnit.SECONDS).status(), url + ": the logout");

            for (TomcatInstance t : List.of(a, b)) {
                assertEquals("none", Http.get(t.url(app.name()) + "/read.jsp", cookie).body().trim(),
                        url + ": the logged-out session came back on " + t);
            }
            assertEquals(1, a.events(app.name(), "destroyed", user.id), url + ": sessionDestroyed on a");
            loggedOut.put(app.name(), user.id);
        }

        // both expiry sweeps: a session each Tomcat alone served, with the same timeout, due after the logged-out
        // ones; once a Tomcat has destroyed its own, its sweep has passed the moment they would have been due
        List<Runnable> controls = new ArrayList<>();
        for (LockedApp app : LOGOUT_APPS) {
            for (TomcatInstance t : List.of(a, b)) {
                User control = new User();
                assertEquals("ok", control.body(t.url(app.name()) + "/timeout.jsp?s=4"));
                controls.add(() -> Awaits.await(Duration.ofSeconds(30))
                        .alias("the sweep of " + t + " destroys its control session of /" + app.name())
                        .until(() -> t.events(app.name(), "destroyed", control.id) == 1));
            }
        }
        controls.forEach(Runnable::run);
        loggedOut.forEach((app, id) -> {
            assertEquals(1, a.events(app, "destroyed", id), "/" + app + " on a");
            assertEquals(0, b.events(app, "destroyed", id), "/" + app + " on b");
        });
    }

    /** Compiles the pages a scenario uses on both Tomcats first, so that no compilation delays its steps. */
    private void warmPages(String app) {
        for (TomcatInstance t : List.of(a, b)) {
            for (String page : List.of("timeout.jsp?s=600", "count.jsp", "read.jsp", "invalidate.jsp",
                    "hold.jsp?held=none")) {
                assertEquals(200, Http.get(t.url(app) + "/" + page, null).status(), page);
            }
        }
    }

    private static void awaitHeld(TomcatInstance t, String app, String key) {
        Awaits.await(Duration.ofSeconds(30)).alias("a request waits in /" + app + "/hold.jsp on " + t)
                .until(() -> Http.get(t.url(app) + "/hold.jsp?held=" + key, null).body().trim().equals("true"));
    }

    // ==================================================================== a lock flood

    /**
     * One session's lock is held (a request waits in {@code hold.jsp}) while 300 more requests of that session
     * arrive at once on Tomcat a: at most {@code maxLockWaiters} of them wait (holding a request thread each), the
     * others are answered 503 at once, and another user's requests on the same Tomcat take about as long as just
     * before the flood (a generous bound: without {@code maxLockWaiters} they would wait for a thread, up to the
     * {@code lockTimeout} of 30 s). No served increment is lost.
     */
    @Test
    void lockFlood_300ParallelRequestsOfOneSession_AtMostMaxLockWaitersWait_AnotherUserKeepsItsLatency()
            throws Exception {
        warmPages(FLOOD);
        User other = new User();
        assertEquals("count=1", other.body(a.url(FLOOD) + "/count.jsp"));
        long before = slowestOf20Increments(other, 2);

        User flooder = new User();
        assertEquals("count=1", flooder.body(a.url(FLOOD) + "/count.jsp"));
        String cookie = "JSESSIONID=" + flooder.id;
        CompletableFuture<Http.Response> holder = CompletableFuture.supplyAsync(
                () -> Http.get(a.url(FLOOD) + "/hold.jsp?key=holder&change=true", cookie));
        awaitHeld(a, FLOOD, "holder");

        int flood = 300;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < flood; i++) {
            sent.add(client.sendAsync(HttpRequest.newBuilder(URI.create(a.url(FLOOD) + "/count.jsp"))
                    .header("Cookie", cookie).timeout(Duration.ofSeconds(90)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // at once: well within the lockTimeout (30 s), after which a request waiting for the lock would get a 503 too
        Awaits.await(Duration.ofSeconds(15)).alias("the requests beyond maxLockWaiters answered 503 at once")
                .until(() -> sent.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()
                        && f.join().statusCode() == 503).count() >= flood - MAX_LOCK_WAITERS);
        long during = slowestOf20Increments(other, 22);
        long waiting = sent.stream().filter(f -> !f.isDone()).count();

        assertEquals("released", Http.get(a.url(FLOOD) + "/hold.jsp?release=holder", null).body().trim());
        assertEquals("count=2", holder.get(60, TimeUnit.SECONDS).body().trim());
        int served = 0;
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> f : sent) {
            int status = f.get(90, TimeUnit.SECONDS).statusCode();
            assertTrue(status == 200 || status == 503, "a flood request answered " + status);
            served += status == 200 ? 1 : 0;
            refused += status == 503 ? 1 : 0;
        }
        String summary = flood + " requests: " + served + " served, " + refused + " answered 503, " + waiting
                + " waited while the other user was measured; the other user's slowest of 20 requests: " + before
                + " ms before, " + during + " ms during the flood";
        System.out.println(cluster.version() + ", lock flood: " + summary);
        assertTrue(served <= MAX_LOCK_WAITERS, summary);
        assertTrue(waiting <= MAX_LOCK_WAITERS, summary);
        assertEquals("count=" + (2 + served), flooder.body(a.url(FLOOD) + "/read.jsp"), "a served increment was "
                + "lost; " + summary);
        assertTrue(during <= Math.max(10 * before, 3000), summary);
    }

    /** @return the longest of 20 sequential increments of {@code user}'s count, which is {@code first} - 1 before */
    private long slowestOf20Increments(User user, int first) {
        long slowest = 0;
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            assertEquals("count=" + (first + i), user.body(a.url(FLOOD) + "/count.jsp"));
            slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        return slowest;
    }

    // ==================================================================== a store reader

    @Test
    void storeReader_ListingMemcachedKeys_FindsNoSessionId() {
        List<String> ids = new ArrayList<>();
        List<String> redisIds = new ArrayList<>();
        for (String app : keyedApps()) {
            for (TomcatInstance t : List.of(a, b)) {
                User user = new User();
                user.body(t.url(app) + "/count.jsp");
                user.body(t.url(app) + "/count.jsp");
                (REDIS_APPS.contains(app) ? redisIds : ids).add(user.id);
            }
        }
        List<String> keys = new ArrayList<>();
        // sticky backups are written in the background: wait until every session is there
        Awaits.await().until(() -> {
            keys.clear();
            cluster.memcachedNodes().forEach(n -> keys.addAll(metadump(n)));
            return keys.stream().filter(k -> !k.startsWith("bak:") && !k.startsWith("msm:")).count() >= ids.size();
        });
        for (String key : keys) {
            for (String id : ids) {
                assertFalse(key.toUpperCase().contains(random(id).toUpperCase()), "memcached key [" + key
                        + "] names session [" + id + "]");
            }
        }
        List<String> redisKeys = scan(cluster.redis());
        assertTrue(redisKeys.size() >= redisIds.size(), "Redis holds the sessions: " + redisKeys);
        for (String key : redisKeys) {
            for (String id : redisIds) {
                assertFalse(key.toUpperCase().contains(random(id).toUpperCase()), "Redis key [" + key
                        + "] names session [" + id + "]");
            }
        }
    }

    /** What {@code SCAN} lists: every key of a small Redis (inline command, RESP answer). */
    private static List<String> scan(ServerProcess server) {
        return ask(server, "SCAN 0 COUNT 100000", in -> {
            List<String> keys = new ArrayList<>();
            assertEquals("*2", in.readLine());
            in.readLine(); // $n of the cursor
            assertEquals("0", in.readLine(), "one SCAN call lists every key of a small database");
            int n = Integer.parseInt(in.readLine().substring(1));
            for (int i = 0; i < n; i++) {
                in.readLine(); // $length
                keys.add(in.readLine());
            }
            return keys;
        });
    }

    /** What {@code lru_crawler metadump all} lists: every key of the node. */
    private static List<String> metadump(ServerProcess node) {
        return ask(node, "lru_crawler metadump all", in -> {
            List<String> keys = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null && !line.equals("END")) {
                if (line.startsWith("key=")) {
                    String key = line.substring(4, line.indexOf(' ') < 0 ? line.length() : line.indexOf(' '));
                    keys.add(URLDecoder.decode(key, StandardCharsets.ISO_8859_1));
                } else if (line.startsWith("ERROR") || line.startsWith("BUSY")) {
                    throw new IllegalStateException("metadump refused: " + line);
                }
            }
            return keys;
        });
    }

    /** Sends one text command to {@code server} on a connection of its own; {@code answer} reads the reply. */
    private static <T> T ask(ServerProcess server, String command, Answer<T> answer) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            return answer.read(new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a server's reply to one command. */
    private interface Answer<T> {
        T read(BufferedReader in) throws IOException;
    }

    // ==================================================================== a store writer

    /**
     * A store writer without the key overwrites every session value of {@code /napp} with one that says "alice,
     * logged in with role user", built as msm's documented envelope around a Java-serialized {@code GenericPrincipal}
     * (from the distribution's own {@code catalina.jar}).
     */
    @Test
    void storeWriter_PlantingAForgedPrincipal_LogsNobodyIn_WhenAKeyIsConfigured() throws Exception {
        byte[] forged = forgedLogin();
        for (String app : List.of(OPEN, "napp")) {
            User victim = new User();
            assertEquals("count=1", victim.body(a.url(app) + "/count.jsp"));
            assertEquals("login-form", victim.body(a.url(app) + "/secure/hello.jsp"));
            String namespace = hash("localhost") + ":" + hash("/" + app) + "_";
            int planted = 0;
            for (ServerProcess node : cluster.memcachedNodes()) {
                for (String key : metadump(node)) {
                    if (key.startsWith(namespace) || key.startsWith("bak:" + namespace)) {
                        set(node, key, forged);
                        planted++;
                    }
                }
            }
            assertTrue(planted >= 1, "found no key of /" + app + " to overwrite");
            for (TomcatInstance t : List.of(a, b)) {
                String answer = victim.body(t.url(app) + "/secure/hello.jsp");
                // the control: without a key, a store writer logs in as anyone
                assertEquals(app.equals(OPEN) ? "hello alice" : "login-form", answer, "/" + app + " on " + t);
            }
        }
    }

    private static String hash(String s) throws NoSuchAlgorithmException {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        return String.format("%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
    }

    private byte[] forgedLogin() throws Exception {
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(cluster.version().home(Cluster.TARGET).resolve("lib"))) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
                jars.add(jar.toUri().toURL());
            }
        }
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        try (URLClassLoader catalina = new URLClassLoader(jars.toArray(new URL[0]),
                ClassLoader.getPlatformClassLoader());
                ObjectOutputStream out = new ObjectOutputStream(graph)) {
            Object principal = catalina.loadClass("org.apache.catalina.realm.GenericPrincipal")
                    .getConstructor(String.class, List.class).newInstance("alice", List.of("user"));
            Map<String, Object> attributes = new HashMap<>(Map.of("count", 41));
            out.writeObject(new Object[] {attributes, principal, "FORM", new HashMap<>()});
        }
        byte[] payload = graph.toByteArray();
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(value);
        long now = System.currentTimeMillis();
        out.write(new byte[] {'M', 'S', 1, 1, 0}); // magic, format 1, a session, neither signed nor encrypted
        shortString(out, "java");
        out.writeLong(now);
        out.writeLong(now);
        out.writeInt(1800);
        out.writeLong(now);
        shortString(out, "x");
        out.writeInt(payload.length);
        out.write(payload);
        return value.toByteArray();
    }

    private static void shortString(DataOutputStream out, String s) throws IOException {
        out.writeByte(s.length());
        out.write(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static void set(ServerProcess node, String key, byte[] value) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", node.port()), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("set " + key + " 0 600 " + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(value);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertEquals("STORED", answer, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

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
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.msm.api.ServerProcess;

/**
 * Trust boundaries (issue 15) on a real Tomcat distribution: two Tomcats ({@code jvmRoute} a and b) and two
 * memcached nodes; on each Tomcat the sample application several times, one {@code <Manager>} per pair:
 * {@code /app} and {@code /app2} sticky, {@code /napp} and {@code /napp2} non-sticky with {@code lockingMode="all"},
 * all with {@code integrityKeys}, and {@code /open} non-sticky without a key (the control of the forgery); on
 * Tomcat 11 also {@code /rapp} and {@code /rapp2}, non-sticky on a real redis-server. {@code conf/context.xml} sets
 * {@code sessionCookiePath="/"}, so every application receives the same {@code JSESSIONID} and a new session takes
 * it (as with a shared single sign-on cookie).
 *
 * <p>Checked: the applications neither read, overwrite nor delete each other's sessions; a store reader who lists
 * memcached's keys ({@code lru_crawler metadump all}) or Redis's ({@code SCAN}) finds no session id; a store writer
 * who plants a session with a forged {@code GenericPrincipal} does not log anyone in. Each version's class only
 * names its Tomcat.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractTrustScenarios {

    private static final String KEYS = "it1:" + key(15);
    private static final List<String> APPS = List.of("app", "app2", "napp", "napp2");
    /** The control: non-sticky without any key. */
    private static final String OPEN = "open";
    /** On Tomcat 11 (as in the distribution scenarios): the same pair on a real redis-server. */
    private static final List<String> REDIS_APPS = List.of("rapp", "rapp2");

    private final TomcatVersion version;
    private final Path target = Path.of(System.getProperty("msm.it.target", "target")).toAbsolutePath();
    private final Map<String, ServerProcess> memcached = new LinkedHashMap<>();
    private ServerProcess redis;
    private TomcatInstance a;
    private TomcatInstance b;

    /**
     * @param version the Tomcat distribution every test of the subclass runs on
     */
    protected AbstractTrustScenarios(TomcatVersion version) {
        this.version = version;
    }

    private static String key(int seed) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    @BeforeAll
    void startCluster() {
        memcached.put("n1", ServerProcess.memcached());
        memcached.put("n2", ServerProcess.memcached());
        if (withRedis()) {
            redis = ServerProcess.redis();
        }
        a = tomcat("a");
        b = tomcat("b");
        CompletableFuture.allOf(CompletableFuture.runAsync(a::start), CompletableFuture.runAsync(b::start)).join();
    }

    @AfterAll
    void stopCluster() {
        for (TomcatInstance t : new TomcatInstance[] {a, b}) {
            if (t != null) {
                t.kill();
            }
        }
        memcached.values().forEach(ServerProcess::close);
        if (redis != null) {
            redis.close();
        }
    }

    private boolean withRedis() {
        return version == TomcatVersion.TOMCAT_11;
    }

    private List<String> keyedApps() {
        return withRedis() ? Stream.concat(APPS.stream(), REDIS_APPS.stream()).toList() : APPS;
    }

    private TomcatInstance tomcat(String route) {
        List<Path> libs = new ArrayList<>(List.of(version.dropin(target)));
        if (withRedis()) {
            libs.add(TomcatVersion.Dropins.require(target, "msm-redis.jar"));
        }
        TomcatInstance t = new TomcatInstance(version, target, target.resolve("instances")
                .resolve("trust-" + version.name().toLowerCase()).resolve(route), route, libs);
        for (String app : Stream.concat(keyedApps().stream(), Stream.of(OPEN)).toList()) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("className", "dev.msm.tomcat.MsmManager");
            if (REDIS_APPS.contains(app)) {
                m.put("store", "redis");
                m.put("redisUrl", "redis://" + redis.address());
            } else {
                m.put("memcachedNodes", "n1:" + memcached.get("n1").address() + " n2:"
                        + memcached.get("n2").address());
            }
            boolean sticky = app.startsWith("app");
            m.put("sticky", String.valueOf(sticky));
            if (!sticky) {
                m.put("lockingMode", "all");
            } else {
                m.put("sessionBackupAsync", "false"); // the other Tomcat reads every change at once
            }
            if (!app.equals(OPEN)) {
                m.put("integrityKeys", KEYS);
            }
            m.put("allowedClasses", "dev.msm.it.app.**");
            t.deploy(app, m);
        }
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
        return t;
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
    void twoApplications_SameSessionId_NoLeak_NoOverwrite_NoDelete() {
        List<String[]> pairs = new ArrayList<>(List.of(new String[] {"app", "app2"}, new String[] {"napp", "napp2"}));
        if (withRedis()) {
            pairs.add(new String[] {"rapp", "rapp2"});
        }
        for (String[] pair : pairs) {
            String one = "/" + pair[0];
            String two = "/" + pair[1];
            User user = new User();
            assertEquals("ok", user.body(a.url(pair[0]) + "/set.jsp?name=owner&value=one"));
            assertEquals("count=1", user.body(a.url(pair[0]) + "/count.jsp"));
            String id = user.id;

            assertEquals("none", user.body(b.url(pair[1]) + "/get.jsp?name=owner"), two + " read " + one);
            assertEquals("ok", user.body(b.url(pair[1]) + "/set.jsp?name=owner&value=two"));
            assertEquals(random(id), random(user.id), "both applications use the browser's one id");
            assertEquals("count=1", user.body(b.url(pair[1]) + "/count.jsp"), two + " continued " + one);

            assertEquals("one", user.body(b.url(pair[0]) + "/get.jsp?name=owner"), one + " overwritten");
            assertEquals("two", user.body(a.url(pair[1]) + "/get.jsp?name=owner"));
            assertEquals("ok", user.body(a.url(pair[1]) + "/invalidate.jsp"));
            assertEquals("count=2", user.body(a.url(pair[0]) + "/count.jsp"), one + " lost with " + two);
            assertEquals("count=3", user.body(b.url(pair[0]) + "/count.jsp"), one + " lost with " + two);
        }
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
        dev.msm.api.Awaits.await().until(() -> {
            keys.clear();
            memcached.values().forEach(n -> keys.addAll(metadump(n)));
            return keys.stream().filter(k -> !k.startsWith("bak:") && !k.startsWith("msm:")).count() >= ids.size();
        });
        for (String key : keys) {
            for (String id : ids) {
                assertFalse(key.toUpperCase().contains(random(id).toUpperCase()), "memcached key [" + key
                        + "] names session [" + id + "]");
            }
        }
        if (withRedis()) {
            List<String> redisKeys = scan(redis);
            assertTrue(redisKeys.size() >= redisIds.size(), "Redis holds the sessions: " + redisKeys);
            for (String key : redisKeys) {
                for (String id : redisIds) {
                    assertFalse(key.toUpperCase().contains(random(id).toUpperCase()), "Redis key [" + key
                            + "] names session [" + id + "]");
                }
            }
        }
    }

    /** What {@code SCAN} lists: every key of a small Redis (inline command, RESP answer). */
    private static List<String> scan(ServerProcess server) {
        List<String> keys = new ArrayList<>();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("SCAN 0 COUNT 100000\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            assertEquals("*2", in.readLine());
            in.readLine(); // $n of the cursor
            assertEquals("0", in.readLine(), "one SCAN call lists every key of a small database");
            int n = Integer.parseInt(in.readLine().substring(1));
            for (int i = 0; i < n; i++) {
                in.readLine(); // $length
                keys.add(in.readLine());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    /** What {@code lru_crawler metadump all} lists: every key of the node. */
    private static List<String> metadump(ServerProcess node) {
        List<String> keys = new ArrayList<>();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", node.port()), 2000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("lru_crawler metadump all\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            String line;
            while ((line = in.readLine()) != null && !line.equals("END")) {
                if (line.startsWith("key=")) {
                    String key = line.substring(4, line.indexOf(' ') < 0 ? line.length() : line.indexOf(' '));
                    keys.add(URLDecoder.decode(key, StandardCharsets.ISO_8859_1));
                } else if (line.startsWith("ERROR") || line.startsWith("BUSY")) {
                    throw new IllegalStateException("metadump refused: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
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
            for (ServerProcess node : memcached.values()) {
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
        try (Stream<Path> files = Files.list(version.home(target).resolve("lib"))) {
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

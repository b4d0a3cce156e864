package dev.msm.core;

import static dev.msm.api.Awaits.await;
import static dev.msm.core.Scenarios.base;
import static dev.msm.core.Scenarios.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Session;
import org.apache.catalina.Valve;
import org.apache.catalina.authenticator.FormAuthenticator;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.realm.GenericPrincipal;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.msm.api.SessionStore;
import dev.msm.core.codec.SessionCodec;
import dev.msm.core.codec.SessionMac;
import dev.msm.core.keys.SessionId;
import dev.msm.core.keys.StorageKeys;
import dev.msm.core.memory.MemoryStoreProvider;
import dev.msm.core.serial.Serializers;

/**
 * Trust boundaries (issue 15), on embedded Tomcats of the version under test and the in-JVM store with two nodes:
 * two applications receiving the same session id keep their sessions apart; a store reader listing keys learns no
 * session id; a store writer without a key cannot plant a login; the FORM password never reaches the store; a value
 * this Tomcat cannot read because of its own configuration is left for the Tomcats that can; the README's rolling key
 * change loses no session at any step.
 */
public abstract class TrustScenarios {

    private static final String K1 = key(1);
    private static final String K2 = key(2);

    private String cluster;
    private Tomcats running;

    /** @return a new manager of the bridge under test */
    protected abstract MsmManagerBase newManager();

    @BeforeEach
    void begin(TestInfo info) {
        cluster = Tomcats.clusterName(info);
        running = new Tomcats(this::newManager, cluster, Map.of("store", "memory", "memoryName", cluster,
                "memoryNodes", "n1 n2"));
    }

    @AfterEach
    void stopAll() {
        running.close();
        MemoryStoreProvider.clear(cluster);
    }

    private static String key(int seed) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    private EmbeddedTomcat tomcat(String route, Map<String, String> extra) {
        return running.start(route, extra);
    }

    private TwoApplications twoApplications(String route, Map<String, String> extra) {
        return running.closeAfter(new TwoApplications(this::newManager, route, running.attributes(extra)));
    }

    private static Map<String, String> with(Map<String, String> mode, String... more) {
        Map<String, String> m = new HashMap<>(mode);
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    private static final Map<String, String> STICKY = Map.of("sticky", "true");
    private static final Map<String, String> NON_STICKY = Map.of("sticky", "false", "lockingMode", "all");

    private static String random(String id) {
        String b = base(id);
        return b.contains("-") ? b.substring(0, b.lastIndexOf('-')) : b;
    }

    // ==================================================================== 15.1 one namespace per application

    @Test
    void twoApplications_SameSessionId_NeitherReadsNorOverwritesNorDeletesTheOther() {
        for (Map<String, String> mode : List.of(STICKY, NON_STICKY)) {
            TwoApplications a = twoApplications("a", mode);
            TwoApplications b = twoApplications("b", mode);
            Browser user = new Browser(); // one cookie for both applications (sessionCookiePath="/")
            assertEquals("ok", user.body(a.url("/app/set?name=owner&value=app")));
            assertEquals(1, count(user.body(a.url("/app/count"))));
            String id = user.sessionId();
            awaitBackups(a.app);

            // the same JSESSIONID reaches /app2, on either Tomcat
            assertEquals("none", user.body(b.url("/app2/get?name=owner")), "mode " + mode);
            assertEquals("none", user.body(a.url("/app2/get?name=owner")), "mode " + mode);
            assertEquals("ok", user.body(b.url("/app2/set?name=owner&value=app2")));
            assertEquals(random(id), random(user.sessionId()), "Tomcat reuses the id for /app2 (cookie path /)");
            awaitBackups(b.app2);

            assertEquals("app", user.body(a.url("/app/get?name=owner")), "mode " + mode);
            assertEquals("app", user.body(b.url("/app/get?name=owner")), "overwritten, mode " + mode);
            assertEquals("app2", user.body(a.url("/app2/get?name=owner")), "mode " + mode);
            assertEquals("app2", user.body(b.url("/app2/get?name=owner")), "mode " + mode);

            // invalidating /app2's session neither deletes nor locks /app's
            user.body(b.url("/app2/invalidate"));
            assertEquals("none", user.body(b.url("/app2/get?name=owner")), "mode " + mode);
            assertEquals(2, count(user.body(a.url("/app/count"))), "mode " + mode);
            awaitBackups(a.app);
            assertEquals(3, count(user.body(b.url("/app/count"))), "mode " + mode);
            a.close();
            b.close();
        }
    }

    private static void awaitBackups(MsmManagerBase m) {
        await().until(() -> m.pendingBackups() == 0);
    }

    // ==================================================================== 15.2 keys reveal no session id

    @Test
    void storeReader_ListingKeys_FindsNoSessionId_WhenAKeyIsConfigured() {
        for (Map<String, String> secret : List.of(Map.of("integrityKeys", "i1:" + K1),
                Map.of("encryptionKeys", "k1:" + K1), Map.of("storageKeySecret", K2))) {
            List<String> ids = new ArrayList<>();
            for (Map<String, String> mode : List.of(STICKY, NON_STICKY)) {
                EmbeddedTomcat t = tomcat("a", with(mode, flat(secret)));
                for (int i = 0; i < 5; i++) {
                    Browser user = new Browser();
                    user.body(t.url() + "/count");
                    user.body(t.url() + "/count");
                    ids.add(user.sessionId());
                }
                awaitBackups(t.manager());
                t.stop();
            }
            List<String> keys = MemoryStoreProvider.keys(cluster);
            assertTrue(keys.size() >= 20, "primary and backup copies of 10 sessions: " + keys);
            for (String key : keys) {
                for (String id : ids) {
                    assertFalse(key.toUpperCase().contains(random(id).toUpperCase()), "key [" + key
                            + "] reveals session id [" + id + "] with " + secret.keySet());
                }
            }
            MemoryStoreProvider.clear(cluster);
        }
    }

    @Test
    void withoutAnyKey_KeysNameTheSessionIds_AndOneWarningSaysWhatToDo() {
        LogCapture log = LogCapture.start();
        try {
            EmbeddedTomcat t = tomcat("a", NON_STICKY);
            Browser user = new Browser();
            user.body(t.url() + "/count");
            String id = user.sessionId();
            assertTrue(MemoryStoreProvider.keys(cluster).stream().anyMatch(k -> k.contains(base(id))),
                    "without a key the id is in the key (the control of the test above)");
            String text = log.text();
            assertTrue(text.contains("WARNING Stored sessions are neither signed nor encrypted"), text);
            assertTrue(text.contains("openssl rand -base64 32"), text);
        } finally {
            log.stop();
        }
    }

    // ==================================================================== 15.3 integrity, forged logins, password

    /** Plants the value a store writer would write: alice logged in, with a principal of its making. */
    private static void plantLogin(EmbeddedTomcat t, String id, SessionCodec attacker) {
        SessionStorage storage = t.manager().layer().storage;
        SessionStore store = t.manager().layer().store;
        SessionId sid = t.manager().parseId(id);
        Map<String, Object> attrs = new HashMap<>();
        attrs.put("count", 100);
        long now = System.currentTimeMillis();
        byte[] value = attacker.encode(new Object[] {attrs, new GenericPrincipal("alice", List.of("user")), "FORM",
            new HashMap<>()}, base(id), now, now, 1800, "attacker").value();
        store.set(sid.node(), storage.keys().session(sid), value, 600).orTimeout(5, TimeUnit.SECONDS).join();
        store.set(storage.backupNode(sid.node()), storage.keys().backup(sid), value, 600)
                .orTimeout(5, TimeUnit.SECONDS).join();
    }

    private static SessionCodec attackerCodec(String keys) {
        return new SessionCodec(Serializers.java(), "java", 0, null,
                keys == null ? null : SessionMac.of(keys, null), StorageKeys.of(null, "localhost", "/app", "")
                        .namespace());
    }

    @Test
    void plantedForgedPrincipal_IsRefused_WhenIntegrityKeysAreConfigured() {
        // the control: without a key, a store writer logs in as anyone
        EmbeddedTomcat open = tomcat("a", NON_STICKY);
        Browser user = new Browser();
        user.body(open.url() + "/count");
        plantLogin(open, user.sessionId(), attackerCodec(null));
        assertEquals("hello alice", user.body(open.url() + "/secure/hello"), "the control must succeed");
        open.stop();

        LogCapture log = LogCapture.start();
        try {
            EmbeddedTomcat guarded = tomcat("b", with(NON_STICKY, "integrityKeys", "i1:" + K1));
            Browser victim = new Browser();
            assertEquals(1, count(victim.body(guarded.url() + "/count")));
            String id = victim.sessionId();
            // unsigned, or signed with a key the attacker made up under the configured key's id
            for (SessionCodec attacker : List.of(attackerCodec(null), attackerCodec("i1:" + K2))) {
                plantLogin(guarded, id, attacker);
                assertEquals("login-form", victim.body(guarded.url() + "/secure/hello"));
                victim.setSessionId(id);
            }
            assertTrue(guarded.manager().statistics().get(Statistics.Counter.UNREADABLE_VALUES) >= 2);
            assertEquals(0, log.countAtLeast(Level.SEVERE), log.text());
        } finally {
            log.stop();
        }
    }

    @Test
    void formPasswordNote_IsNeverStored() {
        EmbeddedTomcat a = running.create("a", running.attributes(STICKY), true);
        for (Valve v : a.context().getPipeline().getValves()) {
            if (v instanceof FormAuthenticator form) {
                form.setCache(false); // Tomcat then keeps user name and password in session notes
            }
        }
        try {
            a.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
        Browser user = new Browser();
        assertEquals("login-form", user.body(a.url() + "/secure/hello"));
        assertEquals(303, user.post(a.url() + "/j_security_check", "j_username=alice&j_password=secret").status());
        assertEquals("hello alice", user.body(a.url() + "/secure/hello"));
        assertEquals(1, count(user.body(a.url() + "/count")));
        String id = user.sessionId();
        Session live;
        try {
            live = a.manager().findSession(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals("secret", live.getNote(TomcatAttributes.PASSWORD_NOTE), "Tomcat did not set the note");
        await().until(() -> a.manager().statistics().get(Statistics.Counter.WRITES) > 0
                && a.manager().pendingBackups() == 0);
        SessionStorage storage = a.manager().layer().storage;
        SessionStore store = a.manager().layer().store;
        SessionId sid = a.manager().parseId(id);
        byte[] stored = store.get(sid.node(), storage.keys().session(sid)).orTimeout(5, TimeUnit.SECONDS)
                .join();
        assertNotNull(stored);
        String raw = new String(stored, StandardCharsets.ISO_8859_1);
        assertTrue(raw.contains("alice"), "the value is readable plain text, so the next check means something");
        assertFalse(raw.contains("secret"), "the password is in the store");
    }

    // ==================================================================== 15.4 rollouts without logouts

    @Test
    void valueThisTomcatCannotReadByItsOwnConfiguration_IsLeftForTheOthers_CorruptOnesAreRemoved() {
        List<List<Map<String, String>>> pairs = List.of(
                List.of(Map.of("encryptionKeys", "k1:" + K1), Map.of("encryptionKeys", "k2:" + K2)),
                List.of(Map.of("integrityKeys", "i1:" + K1), Map.of("integrityKeys", "i2:" + K2)),
                List.of(Map.of("serializer", "java"), Map.of("serializer", "kryo")),
                List.of(Map.of("integrityKeys", "i1:" + K1, "storageKeySecret", K2), Map.of("storageKeySecret", K2)),
                List.of(Map.of("storageKeySecret", K2), Map.of("encryptionKeys", "k1:" + K1,
                        "storageKeySecret", K2)));
        LogCapture log = LogCapture.start();
        try {
            for (List<Map<String, String>> pair : pairs) {
                EmbeddedTomcat a = tomcat("a", with(Map.of("sticky", "false"), flat(pair.get(0))));
                EmbeddedTomcat b = tomcat("b", with(Map.of("sticky", "false"), flat(pair.get(1))));
                Browser user = new Browser();
                assertEquals(1, count(user.body(a.url() + "/count")));
                assertEquals(2, count(user.body(a.url() + "/count")));
                for (int i = 0; i < 3; i++) {
                    assertEquals("none", user.body(b.url() + "/read"), "read across " + pair);
                }
                assertEquals(3, count(user.body(a.url() + "/count")), "deleted by the other Tomcat: " + pair);
                a.stop();
                b.stop();
            }
            String text = log.text();
            assertEquals(5, text.lines().filter(l -> l.contains("configured differently")).count(),
                    "one WARN per cause, not per request:\n" + text);
            assertTrue(text.contains("not among this Tomcat's [encryptionKeys] [k2]"), text);
            assertTrue(text.contains("but this Tomcat uses [kryo]"), text);
        } finally {
            log.stop();
        }

        // a corrupt value is removed
        EmbeddedTomcat a = tomcat("c", with(Map.of("sticky", "false"), "integrityKeys", "i1:" + K1));
        Browser user = new Browser();
        user.body(a.url() + "/count");
        SessionStorage storage = a.manager().layer().storage;
        SessionStore store = a.manager().layer().store;
        SessionId sid = a.manager().parseId(user.sessionId());
        byte[] value = store.get(sid.node(), storage.keys().session(sid)).orTimeout(5, TimeUnit.SECONDS).join();
        value[value.length - 1] ^= 1;
        store.set(sid.node(), storage.keys().session(sid), value, 600).orTimeout(5, TimeUnit.SECONDS).join();
        assertEquals("none", user.body(a.url() + "/read"));
        await().until(() -> store.get(sid.node(), storage.keys().session(sid)).orTimeout(5, TimeUnit.SECONDS)
                .join() == null);
    }

    private static String[] flat(Map<String, String> m) {
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> {
            out.add(k);
            out.add(v);
        });
        return out.toArray(new String[0]);
    }

    /**
     * The README's rolling key change, one Tomcat at a time: add the new key everywhere (second), make it first
     * everywhere, remove the old one. Users keep working through both Tomcats in every mixed state.
     */
    @Test
    void rollingKeyChange_AddThenMakeFirstThenRemove_NoSessionLostAtAnyStep() {
        for (String attribute : List.of("encryptionKeys", "integrityKeys")) {
            for (Map<String, String> mode : List.of(STICKY, NON_STICKY)) {
                List<String> steps = List.of("old:" + K1, "old:" + K1 + ", new:" + K2, "new:" + K2 + ", old:" + K1,
                        "new:" + K2);
                EmbeddedTomcat[] tomcats = {tomcat("a", with(mode, attribute, steps.get(0))),
                    tomcat("b", with(mode, attribute, steps.get(0)))};
                List<Browser> users = new ArrayList<>();
                int[] counts = new int[6];
                for (int u = 0; u < counts.length; u++) {
                    users.add(new Browser());
                }
                String what = attribute + " " + mode;
                round(users, counts, tomcats, what + " before");
                for (int step = 1; step < steps.size(); step++) {
                    for (int i = 0; i < tomcats.length; i++) {
                        tomcats[i].stop();
                        tomcats[i] = tomcat(i == 0 ? "a" : "b", with(mode, attribute, steps.get(step)));
                        round(users, counts, tomcats, what + " step " + step + " after restarting " + i);
                    }
                }
                for (EmbeddedTomcat t : tomcats) {
                    t.stop();
                    assertEquals(0, t.manager().statistics().get(Statistics.Counter.UNREADABLE_VALUES), what);
                }
            }
        }
    }

    /** Every user increments once on each Tomcat, alternating which comes first. */
    private static void round(List<Browser> users, int[] counts, EmbeddedTomcat[] tomcats, String what) {
        for (int u = 0; u < users.size(); u++) {
            for (int k = 0; k < tomcats.length; k++) {
                EmbeddedTomcat t = tomcats[(u + k) % tomcats.length];
                counts[u]++;
                assertEquals(counts[u], count(users.get(u).body(t.url() + "/count")), "user " + u + ", " + what);
                if ("true".equals(t.manager().getSticky())) {
                    awaitBackups(t.manager());
                }
            }
        }
    }

    // ==================================================================== fixture

    /** An embedded Tomcat with {@code /app} and {@code /app2}, the same manager attributes, one cookie path. */
    static final class TwoApplications implements AutoCloseable {
        private final Tomcat tomcat = new Tomcat();
        private final File base;
        final MsmManagerBase app;
        final MsmManagerBase app2;
        final int port;

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        TwoApplications(Supplier<? extends MsmManagerBase> managers, String route, Map<String, String> attributes) {
            try {
                base = Files.createTempDirectory("msm-two-apps-").toFile();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tomcat.setBaseDir(base.getAbsolutePath());
            Connector connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.getService().addConnector(connector);
            tomcat.setConnector(connector);
            tomcat.getEngine().setJvmRoute(route);
            app = context("/app", managers.get(), attributes);
            app2 = context("/app2", managers.get(), attributes);
            try {
                tomcat.start();
            } catch (LifecycleException e) {
                throw new IllegalStateException(e);
            }
            port = tomcat.getConnector().getLocalPort();
        }

        private MsmManagerBase context(String path, MsmManagerBase manager, Map<String, String> attributes) {
            Context context = tomcat.addContext(path, base.getAbsolutePath());
            context.setSessionCookiePath("/"); // both applications receive the same JSESSIONID
            // and a new session takes the id the browser sent (Tomcat's check of the id in the other contexts runs
            // their managers on this request's thread, issue 15 item 7)
            context.setValidateClientProvidedNewSessionId(false);
            attributes.forEach((k, v) -> {
                if (!EmbeddedTomcat.setAttribute(manager, k, v)) {
                    manager.setProperty(k, v);
                }
            });
            context.setManager(manager);
            add(context, "count", new TestApp.Count(), "/count");
            add(context, "setget", new TestApp.SetGet(), "/set", "/get");
            add(context, "invalidate", new TestApp.Invalidate(), "/invalidate");
            return manager;
        }

        private static void add(Context context, String name, jakarta.servlet.http.HttpServlet servlet,
                String... patterns) {
            Tomcat.addServlet(context, name, servlet);
            for (String p : patterns) {
                context.addServletMappingDecoded(p, name);
            }
        }

        @Override
        public void close() {
            try {
                if (tomcat.getServer().getState().isAvailable()) {
                    tomcat.stop();
                }
                tomcat.destroy();
            } catch (LifecycleException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

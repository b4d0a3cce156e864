package dev.msm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Changes rolled out one Tomcat at a time on a real Tomcat distribution, users working through both Tomcats in every
 * mixed state: the README's rolling key change (issue 15) and a rolling deploy of a new build of the application
 * (issue 16). Two Tomcats ({@code jvmRoute} a and b) and two memcached nodes, started once for the class; each step
 * stops one Tomcat gracefully, changes what an operator changes (the {@code <Manager>} attributes in the
 * application's {@code META-INF/context.xml}, or the application's classes) and starts it again.
 *
 * <p>Applications on each Tomcat: {@code /enc-sticky}, {@code /enc-nonsticky} ({@code encryptionKeys}),
 * {@code /int-sticky}, {@code /int-nonsticky} ({@code integrityKeys}) for the key change; {@code /shop-java-sticky},
 * {@code /shop-java-nonsticky}, {@code /shop-kryo-sticky}, {@code /shop-kryo-nonsticky} ({@code serializer} java and
 * kryo with the default {@code kryoCompatibleFields="true"}) for the deploy, whose session holds a {@code shop.Cart}
 * compiled by the test in three builds. Sticky users alternate between the Tomcats too, so that every other request
 * takes the session over from the other Tomcat (as after a failover). Each version's class only names its Tomcat.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractRollingScenarios {

    private static final String K1 = Webapps.key(1);
    private static final String K2 = Webapps.key(2);
    /** The README's procedure: the key list of every step, old key {@code k1}, new key {@code k2}. */
    private static final List<String> KEY_STEPS = List.of("k1:" + K1, "k1:" + K1 + ",k2:" + K2,
            "k2:" + K2 + ",k1:" + K1, "k2:" + K2);
    /** The key change's applications: which key attribute, sticky or not. */
    private static final List<KeyedApp> KEYED_APPS = List.of(new KeyedApp("enc-sticky", "encryptionKeys", true),
            new KeyedApp("enc-nonsticky", "encryptionKeys", false), new KeyedApp("int-sticky", "integrityKeys", true),
            new KeyedApp("int-nonsticky", "integrityKeys", false));
    /** The deploy's applications: each serializer, sticky and non-sticky. */
    private static final List<ShopApp> SHOP_APPS = List.of(new ShopApp("java", true), new ShopApp("java", false),
            new ShopApp("kryo", true), new ShopApp("kryo", false));

    /** An application of the key change. */
    private record KeyedApp(String name, String keyAttribute, boolean sticky) {
    }

    /** An application of the deploy. */
    private record ShopApp(String serializer, boolean sticky) {
        String name() {
            return "shop-" + serializer + (sticky ? "-sticky" : "-nonsticky");
        }
    }

    // ---- three builds of the application's shop.Cart; the JSP calls add() and describe(), which all builds have

    /** Build 1: an owner and a number of items. */
    private static final String CART_V1 = """
            package shop;
            public class Cart implements java.io.Serializable {
                private static final long serialVersionUID = 1L;
                String owner = "alice";
                int items;
                public void add() { items++; }
                public String describe() { return "v1 items=" + items; }
            }
            """;
    /** Build 2, compatible: the owner removed, coupons added. */
    private static final String CART_V2 = """
            package shop;
            public class Cart implements java.io.Serializable {
                private static final long serialVersionUID = 1L;
                int items;
                java.util.List<String> coupons;
                public void add() {
                    items++;
                    if (coupons == null) { coupons = new java.util.ArrayList<>(); }
                    coupons.add("c" + items);
                }
                public String describe() { return "v2 items=" + items + " coupons=" + coupons.size(); }
            }
            """;
    /** Build 3 for {@code java}, incompatible: build 2 with another {@code serialVersionUID}. */
    private static final String CART_V3_JAVA = CART_V2.replace("serialVersionUID = 1L", "serialVersionUID = 2L")
            .replace("\"v2 ", "\"v3 ");
    /** Build 3 for {@code kryo}, incompatible: the coupons' type changed. */
    private static final String CART_V3_KRYO = """
            package shop;
            public class Cart implements java.io.Serializable {
                private static final long serialVersionUID = 1L;
                int items;
                String coupons;
                public void add() { items++; coupons = "c" + items; }
                public String describe() { return "v3 items=" + items + " coupons=" + coupons; }
            }
            """;

    private final Map<String, Path> builds = new HashMap<>();
    /** Started once for the class; a failed test's message ends with both Tomcats' console logs. */
    @RegisterExtension
    final Cluster cluster;
    private TomcatInstance a;
    private TomcatInstance b;

    /**
     * @param version the Tomcat distribution every test of the subclass runs on
     */
    protected AbstractRollingScenarios(TomcatVersion version) {
        this.cluster = new Cluster(version, "rolling", false);
    }

    // ==================================================================== fixture

    @BeforeAll
    void startCluster() {
        Path dir = Cluster.TARGET.resolve("rolling-builds").resolve(cluster.version().name().toLowerCase());
        builds.put("v1", compile(dir.resolve("v1"), CART_V1));
        builds.put("v2", compile(dir.resolve("v2"), CART_V2));
        builds.put("v3-java", compile(dir.resolve("v3-java"), CART_V3_JAVA));
        builds.put("v3-kryo", compile(dir.resolve("v3-kryo"), CART_V3_KRYO));
        cluster.start(t -> {
            for (KeyedApp app : KEYED_APPS) {
                t.deploy(app.name(), keyedManager(app, KEY_STEPS.get(0)));
            }
            for (ShopApp app : SHOP_APPS) {
                t.deploy(app.name(), shopManager(app));
                Webapps.addPage(t, app.name(), "cart.jsp");
                Webapps.installClasses(t, app.name(), builds.get("v1"), List.of("shop/Cart.class"));
            }
        });
        a = cluster.a();
        b = cluster.b();
    }

    @AfterAll
    void stopCluster() {
        cluster.close();
    }

    private Map<String, String> keyedManager(KeyedApp app, String keys) {
        Map<String, String> m = modeManager(app.sticky());
        m.put(app.keyAttribute(), keys);
        return m;
    }

    private Map<String, String> shopManager(ShopApp app) {
        Map<String, String> m = modeManager(app.sticky());
        m.put("serializer", app.serializer());
        m.put("integrityKeys", KEY_STEPS.get(0));
        m.put("allowedClasses", "shop.Cart,dev.msm.it.app.**");
        return m;
    }

    /** Both memcached nodes; a sticky response waits for its backup, a non-sticky request locks its session. */
    private Map<String, String> modeManager(boolean sticky) {
        Map<String, String> m = cluster.memcachedManager();
        m.put("sticky", String.valueOf(sticky));
        if (sticky) {
            m.put("sessionBackupTimeout", "5000"); // a response waits until the other Tomcat can read its change
        } else {
            m.put("lockingMode", "all");
        }
        return m;
    }

    /** @return a directory holding {@code shop/Cart.class} compiled from {@code source} */
    private static Path compile(Path dir, String source) {
        try {
            TomcatInstance.deleteTree(dir);
            Path file = dir.resolve("src/shop/Cart.java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source, StandardCharsets.UTF_8);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            Path classes = dir.resolve("classes");
            assertEquals(0, javac.run(null, null, null, "--release", "17", "-d", classes.toString(),
                    file.toString()), "javac of\n" + source);
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops {@code t} gracefully, applies the change to its files, starts it again. */
    private static void restart(TomcatInstance t, Runnable change) {
        t.stop();
        change.run();
        t.start();
    }

    /** @return the lines of {@code log} that warn of a stored session that cannot be read */
    private static List<String> unreadableWarnings(String log) {
        return log.lines().filter(l -> l.contains("Stored session [")).toList();
    }

    // ==================================================================== the rolling key change (issue 15)

    /**
     * The README's rolling key change for {@code encryptionKeys} and {@code integrityKeys}, sticky and non-sticky:
     * add the new key second, make it first, remove the old one, each step one Tomcat at a time. Every user
     * increments once on each Tomcat after every restart, so every mixed state (one Tomcat a step ahead) serves every
     * session on both Tomcats: no count restarts, and no Tomcat logs a session it cannot read.
     */
    @Test
    void rollingKeyChange_AddThenMakeFirstThenRemove_OneTomcatAtATime_NoSessionLostAtAnyStep() {
        Map<KeyedApp, List<Browser>> users = new LinkedHashMap<>();
        Map<Browser, Integer> counts = new HashMap<>();
        for (KeyedApp app : KEYED_APPS) {
            List<Browser> some = new ArrayList<>();
            for (int u = 0; u < 3; u++) {
                Browser user = new Browser();
                some.add(user);
                counts.put(user, 0);
            }
            users.put(app, some);
        }
        TomcatInstance[] tomcats = {a, b};
        round(users, counts, "step 0 " + KEY_STEPS.get(0).replaceAll(":[^,]+", ""));
        for (int step = 1; step < KEY_STEPS.size(); step++) {
            String keys = KEY_STEPS.get(step);
            for (TomcatInstance t : tomcats) {
                restart(t, () -> KEYED_APPS.forEach(app -> Webapps.reconfigure(t, app.name(),
                        keyedManager(app, keys))));
                round(users, counts, "step " + step + " " + keys.replaceAll(":[^,]+", "") + " on " + t.jvmRoute()
                        + (t == a ? ", b still a step behind" : ""));
            }
        }
        for (TomcatInstance t : tomcats) {
            List<String> unreadable = unreadableWarnings(cluster.logSince(t));
            assertTrue(unreadable.isEmpty(), t + ":\n" + String.join("\n", unreadable));
        }
    }

    /** Every user increments once on each Tomcat, half of them starting on b. */
    private void round(Map<KeyedApp, List<Browser>> users, Map<Browser, Integer> counts, String what) {
        users.forEach((app, some) -> {
            for (int u = 0; u < some.size(); u++) {
                Browser user = some.get(u);
                for (int k = 0; k < 2; k++) {
                    TomcatInstance t = (u + k) % 2 == 0 ? a : b;
                    int next = counts.merge(user, 1, Integer::sum);
                    assertEquals("count=" + next, user.body(t.url(app.name()) + "/count.jsp"),
                            "user " + u + " of /" + app.name() + " on " + t.jvmRoute() + ", " + what);
                }
            }
        });
    }

    // ==================================================================== the rolling deploy (issue 16)

    /**
     * Build 1 of the application on both Tomcats; build 2 (a field removed, a field added, the same
     * {@code serialVersionUID}) deployed on a, then on b: in the mixed state build 2 reads the sessions build 1
     * wrote and build 1 those build 2 wrote, with {@code java} and with {@code kryo}, sticky and non-sticky. Then an
     * incompatible build 3 ({@code java}: another {@code serialVersionUID}; {@code kryo}: a field's type changed) on
     * a: its users get a fresh session, never a 5xx, and a logs one WARN per application naming the class.
     */
    @Test
    void rollingDeploy_CompatibleClassChange_ReadBothWaysInTheMixedState_IncompatibleGivesAFreshSession() {
        List<Browser> users = List.of(new Browser(), new Browser());
        for (ShopApp s : SHOP_APPS) {
            for (Browser user : users) {
                assertEquals("v1 items=1", user.body(a.url(s.name()) + "/cart.jsp"), s.name());
                assertEquals("v1 items=2", user.body(b.url(s.name()) + "/cart.jsp"), s.name());
            }
        }

        restart(a, () -> installBuild(a, "v2", "v2"));
        for (ShopApp s : SHOP_APPS) {
            for (Browser user : users) {
                assertEquals("v2 items=3 coupons=1", user.body(a.url(s.name()) + "/cart.jsp"),
                        s.name() + ": build 2 on a reads build 1's session");
                assertEquals("v1 items=4", user.body(b.url(s.name()) + "/cart.jsp"),
                        s.name() + ": build 1 on b reads build 2's session");
                assertEquals("v2 items=5 coupons=1", user.body(a.url(s.name()) + "/cart.jsp"),
                        s.name() + ": build 2 on a reads build 1's session again (build 1 knows no coupons)");
            }
        }

        restart(b, () -> installBuild(b, "v2", "v2"));
        for (ShopApp s : SHOP_APPS) {
            for (Browser user : users) {
                assertEquals("v2 items=6 coupons=2", user.body(b.url(s.name()) + "/cart.jsp"), s.name());
                assertEquals("v2 items=7 coupons=3", user.body(a.url(s.name()) + "/cart.jsp"), s.name());
            }
        }
        for (TomcatInstance t : List.of(a, b)) {
            List<String> unreadable = unreadableWarnings(cluster.logSince(t));
            assertTrue(unreadable.isEmpty(), t + ":\n" + String.join("\n", unreadable));
        }

        long offset = Webapps.logOffset(a);
        restart(a, () -> installBuild(a, "v3-java", "v3-kryo"));
        for (ShopApp s : SHOP_APPS) {
            for (Browser user : users) {
                assertEquals("v3 items=1", user.body(a.url(s.name()) + "/cart.jsp").replaceAll(" coupons=.*", ""),
                        s.name() + ": build 3 starts a fresh session");
                assertEquals("v3 items=2", user.body(a.url(s.name()) + "/cart.jsp").replaceAll(" coupons=.*", ""),
                        s.name() + ": and keeps it");
            }
        }
        List<String> warnings = unreadableWarnings(Webapps.logSince(a, offset));
        String all = String.join("\n", warnings);
        assertEquals(4, warnings.size(), "one WARN per application for two users:\n" + all);
        assertEquals(2, warnings.stream().filter(l -> l.contains("cannot be read")
                && l.contains("InvalidClassException: shop.Cart")).count(), "java: names the class:\n" + all);
        assertEquals(2, warnings.stream().filter(l -> l.contains("cannot be read") && l.contains("KryoException")
                && l.contains("shop.Cart")).count(), "kryo: names the class:\n" + all);
    }

    private void installBuild(TomcatInstance t, String javaBuild, String kryoBuild) {
        for (ShopApp app : SHOP_APPS) {
            Webapps.installClasses(t, app.name(), builds.get(app.serializer().equals("java") ? javaBuild : kryoBuild),
                    List.of("shop/Cart.class"));
        }
    }
}

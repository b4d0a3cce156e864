package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.msm.api.ServerProcess;

/**
 * Configuration as users write it: errors stop the context with a message naming the attribute and what is accepted,
 * and a {@code context.xml} written for MSM 2.3.2 (class name replaced) starts with the same meaning, with a warning
 * for each MSM attribute msm does not need. Each Tomcat version runs it by naming its manager.
 */
public abstract class ConfigurationScenarios {

    private static ServerProcess n1;
    private static ServerProcess n2;

    /** @return a new manager of the bridge under test */
    protected abstract MsmManagerBase newManager();

    @BeforeAll
    static void start() {
        n1 = ServerProcess.memcached();
        n2 = ServerProcess.memcached();
    }

    @AfterAll
    static void stop() {
        n1.close();
        n2.close();
    }

    /** Starts a Tomcat with the attributes; returns the log, the Tomcat closed. */
    private String startWith(Map<String, String> attributes, boolean expectStarted) {
        LogCapture log = LogCapture.start();
        EmbeddedTomcat t = new EmbeddedTomcat(this::newManager, "a", "config", attributes, false);
        try {
            t.start();
            assertEquals(expectStarted, t.contextAvailable(), log.text());
            return log.text();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            log.stop();
            t.close();
        }
    }

    private static Map<String, String> nodes() {
        Map<String, String> m = new HashMap<>();
        m.put("memcachedNodes", "n1:" + n1.address() + " n2:" + n2.address());
        return m;
    }

    @Test
    void errors_StopTheContext_NamingAttributeAndAccepted() {
        assertTrue(startWith(Map.of(), false).contains("Attribute [memcachedNodes] is required for store [memcached]"));
        Map<String, String> malformed = Map.of("memcachedNodes", "n1:127.0.0.1");
        assertTrue(startWith(malformed, false).contains("Invalid value [n1:127.0.0.1] for attribute [memcachedNodes]"));
        Map<String, String> failover = nodes();
        failover.put("failoverNodes", "n3");
        assertTrue(startWith(failover, false).contains("for attribute [failoverNodes]"));
        Map<String, String> store = nodes();
        store.put("store", "mongo");
        String unknownStore = startWith(store, false);
        assertTrue(unknownStore.contains("Invalid value [mongo] for attribute [store]; accepted values are [")
                && unknownStore.contains("memcached, memory"), unknownStore);
        Map<String, String> typo = nodes();
        typo.put("lockExpiraton", "5");
        String log = startWith(typo, false);
        assertTrue(log.contains("Unknown attribute [lockExpiraton]") && log.contains("lockExpiration"), log);
        Map<String, String> conflict = nodes();
        conflict.put("store", "memory");
        assertTrue(startWith(conflict, false).contains("Attribute [memcachedNodes] is not used by store [memory]"));
    }

    @Test
    void msmContextXml_StartsWithTheSameMeaning_AndWarnsAboutWhatMsmNeeded() throws Exception {
        // MSM 2.3.2's documented non-sticky example, with MSM-only attributes; only the className changed
        Map<String, String> msm = new HashMap<>();
        msm.put("memcachedNodes", "n1:" + n1.address() + ",n2:" + n2.address());
        msm.put("failoverNodes", "n2");
        msm.put("sticky", "false");
        msm.put("sessionBackupAsync", "false");
        msm.put("lockingMode", "uriPattern:/app/count.*");
        msm.put("requestUriIgnorePattern", ".*\\.(ico|png|gif|jpg|css|js)$");
        msm.put("transcoderFactoryClass", "de.javakaffee.web.msm.JavaSerializationTranscoderFactory");
        msm.put("copyCollectionsForSerialization", "true");
        msm.put("customConverter", "de.javakaffee.web.msm.serializer.kryo.JodaDateTimeRegistration");
        msm.put("enableStatistics", "true");
        msm.put("operationTimeout", "1000");
        msm.put("lockExpiration", "5");
        msm.put("storageKeyPrefix", "static:shop,context");
        msm.put("memcachedProtocol", "text");
        LogCapture log = LogCapture.start();
        EmbeddedTomcat t = new EmbeddedTomcat(this::newManager, "a", "msm", msm, false);
        try {
            t.start();
            assertTrue(t.contextAvailable(), log.text());
            for (String ignored : new String[] {"copyCollectionsForSerialization", "customConverter",
                "enableStatistics"}) {
                assertTrue(log.contains("Attribute [" + ignored + "] of MSM is ignored: "),
                        ignored + "\n" + log.text());
            }
            Browser user = new Browser();
            assertEquals("count=1", user.body(t.url() + "/count"));
            String id = user.sessionId();
            // failoverNodes: new sessions go to n1 while it is up
            assertTrue(id.contains("-n1."), id);
            // storageKeyPrefix as MSM: tokens joined with ':' and '_' before the id
            String key = "shop:-2Fapp_" + id.substring(0, id.indexOf('.'));
            assertTrue(n1.command("get " + key, "END").startsWith("VALUE " + key), "no key [" + key + "]");
            assertEquals("count=2", user.body(t.url() + "/count"));
            assertFalse(log.contains("SEVERE"), log.text());
        } finally {
            log.stop();
            t.close();
        }
    }
}

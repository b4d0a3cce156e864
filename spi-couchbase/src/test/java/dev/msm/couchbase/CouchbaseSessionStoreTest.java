package dev.msm.couchbase;

import static dev.msm.api.Awaits.await;
import static dev.msm.api.NodeEvents.events;
import static dev.msm.api.StoreTesting.bytes;
import static dev.msm.api.StoreTesting.closeAll;
import static dev.msm.api.StoreTesting.join;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.couchbase.mock.memcached.MemcachedServer;
import com.couchbase.mock.memcached.protocol.CommandCode;
import dev.msm.api.SessionStore;
import dev.msm.api.StoreException;
import dev.msm.api.StoreTimeoutException;
import dev.msm.api.StoreUnavailableException;

/**
 * What the kit does not cover: the Couchbase specifics (no explicit nodes, one-request lock release, messages,
 * start without a reachable cluster, timeouts of a hanging server). Uses its own mock, as some tests stall or stop it.
 */
class CouchbaseSessionStoreTest {

    private static CouchbaseMockServer server;
    private static SessionStore store;

    @BeforeAll
    static void startServer() {
        server = CouchbaseMockServer.start();
        store = CouchbaseStoreTest.open(server);
        await().until(() -> store.isAvailable(null));
    }

    @AfterAll
    static void stopServer() throws Exception {
        closeAll(store, server);
    }

    private static String key(String name) {
        return "t:" + name + ":" + UUID.randomUUID();
    }

    /** The opcodes the mock received while {@code action} ran. */
    private static List<CommandCode> commands(Runnable action) {
        MemcachedServer node = server.node();
        node.startLog();
        try {
            action.run();
            while (true) {
                try {
                    List<CommandCode> codes = new ArrayList<>();
                    for (MemcachedServer.CommandLogEntry entry : new ArrayList<>(node.getLogs())) {
                        CommandCode code = CommandCode.valueOf(entry.getOpcode());
                        if (code != CommandCode.GET_CLUSTER_CONFIG && code != CommandCode.NOOP) {
                            codes.add(code);
                        }
                    }
                    return codes;
                } catch (ConcurrentModificationException e) {
                    // the server thread logged meanwhile: copy again
                }
            }
        } finally {
            node.stopLog();
        }
    }

    @Test
    void nodes_AreEmptyAndANodeIdIsRejected() {
        assertTrue(store.nodes().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> store.isAvailable("n1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> join(store.get("n1", key("node"))));
        assertTrue(e.getMessage().contains("has no explicit nodes; got [n1]"), e.getMessage());
    }

    @Test
    void describe_NamesBucketAndHostsButNoPassword() {
        assertEquals("couchbase [bucket sessions at 127.0.0.1:" + server.kvPort() + "=kv,127.0.0.1:"
                + server.httpPort() + "=manager]", store.describe());
        assertFalse(store.describe().contains(CouchbaseMockServer.PASSWORD));
    }

    @Test
    void deleteIfEquals_OfOwnAdd_IsOneRemoveRequest() {
        String k = key("lock");
        assertTrue(join(store.add(null, k, bytes("owner"), 60)));
        List<CommandCode> sent = commands(() -> assertTrue(join(store.deleteIfEquals(null, k, bytes("owner")))));
        assertEquals(List.of(CommandCode.DELETE), sent);
        assertNull(join(store.get(null, k)));
    }

    @Test
    void deleteIfEquals_AfterRewriteOfSameValue_ReadsAndDeletesWithNewCas() {
        String k = key("lock");
        assertTrue(join(store.add(null, k, bytes("owner"), 60)));
        join(store.set(null, k, bytes("owner"), 60));
        List<CommandCode> sent = commands(() -> assertTrue(join(store.deleteIfEquals(null, k, bytes("owner")))));
        assertEquals(List.of(CommandCode.GET, CommandCode.DELETE), sent);
        assertNull(join(store.get(null, k)));
    }

    @Test
    void deleteIfEquals_OfOwnAddWithOtherValue_LeavesKey() {
        String k = key("lock");
        assertTrue(join(store.add(null, k, bytes("owner"), 60)));
        assertFalse(join(store.deleteIfEquals(null, k, bytes("other"))));
        assertArrayEquals(bytes("owner"), join(store.get(null, k)));
        assertTrue(join(store.deleteIfEquals(null, k, bytes("owner"))));
    }

    @Test
    void set_AboveMaxValueBytes_FailsWithoutContactingTheServer() {
        byte[] tooLarge = new byte[store.maxValueBytes() + 1];
        List<CommandCode> sent = commands(() -> {
            // the message is checked by the conformance kit
            assertThrows(IllegalArgumentException.class, () -> join(store.set(null, key("large"), tooLarge, 60)));
            assertThrows(IllegalArgumentException.class, () -> join(store.add(null, key("large"), tooLarge, 60)));
            assertThrows(IllegalArgumentException.class,
                    () -> join(store.compareAndSet(null, key("large"), 1, tooLarge, 60)));
        });
        assertEquals(List.of(), sent);
    }

    @Test
    void maxValueBytes_DefaultsBelowCouchbaseDocumentLimit() {
        assertEquals(CouchbaseConfig.DEFAULT_MAX_VALUE_BYTES, store.maxValueBytes());
        assertTrue(store.maxValueBytes() < 20 * 1024 * 1024);
    }

    @Test
    void operationOnHangingServer_TimesOutWithinTheOperationTimeout() {
        Duration timeout = Duration.ofMillis(200);
        try (CouchbaseMockServer hanging = CouchbaseMockServer.start()) {
            SessionStore fast = CouchbaseStoreTest.open(hanging, timeout, Map.of());
            try {
                await().until(() -> fast.isAvailable(null));
                // the mock stalls for 1.5 s in the middle of every response
                hanging.node().setHiccup(1500, 1);
                long start = System.nanoTime();
                CompletableFuture<byte[]> get = fast.get(null, key("hang"));
                StoreTimeoutException e = assertThrows(StoreTimeoutException.class, () -> join(get));
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(elapsed < 200 + 500, "took " + elapsed + " ms");
                assertEquals("Timed out after [200 ms] on " + fast.describe(), e.getMessage());
                assertEquals(timeout, e.timeout());
                assertNull(e.node());
            } finally {
                hanging.node().setHiccup(0, 0);
                fast.close();
            }
        }
    }

    @Test
    void start_WithoutReachableCluster_IsNotAnErrorAndConnectsLater() {
        try (CouchbaseMockServer down = CouchbaseMockServer.start()) {
            down.kill();
            SessionStore late = CouchbaseStoreTest.open(down, Duration.ofSeconds(1),
                    Map.of("couchbaseConnectTimeout", "300"));
            try {
                List<String> events = events(late);
                assertFalse(late.isAvailable(null));
                long start = System.nanoTime();
                StoreException e = assertThrows(StoreUnavailableException.class,
                        () -> join(late.get(null, key("down"))));
                assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 100, "did not fail fast");
                assertTrue(e.getMessage().startsWith(late.describe() + " is unavailable"), e.getMessage());
                down.restart();
                await(Duration.ofSeconds(30)).until(() -> late.isAvailable(null));
                await().until(() -> events.contains("up null"));
                String k = key("late");
                join(late.set(null, k, bytes("v"), 60));
                assertArrayEquals(bytes("v"), join(late.get(null, k)));
            } finally {
                late.close();
            }
        }
    }

    @Test
    void wrongPassword_ReportsTheStoreUnavailable() {
        SessionStore denied = CouchbaseStoreTest.open(server, Duration.ofSeconds(1),
                Map.of("password", "wrong", "couchbaseConnectTimeout", "1000"));
        try {
            assertFalse(denied.isAvailable(null));
            StoreException e = assertThrows(StoreException.class, () -> join(denied.get(null, key("denied"))));
            assertInstanceOf(StoreUnavailableException.class, e);
            assertNotNull(e.getMessage());
        } finally {
            denied.close();
        }
    }
}

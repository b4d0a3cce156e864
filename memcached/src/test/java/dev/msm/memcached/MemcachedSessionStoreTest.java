package dev.msm.memcached;

import static dev.msm.api.Awaits.await;
import static dev.msm.api.StoreTesting.bytes;
import static dev.msm.api.StoreTesting.join;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.msm.api.MemcachedNodes;
import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.api.StoreException;
import dev.msm.api.StoreTimeoutException;
import dev.msm.api.StoreUnavailableException;
import dev.msm.api.Versioned;

/**
 * What the conformance kit does not see: how many commands a lock release takes, the value size limit at its exact
 * edge, the timeout message, thread names, closing, and the conversion of long times to live.
 */
class MemcachedSessionStoreTest {

    @RegisterExtension
    static final MemcachedNodes NODES = new MemcachedNodes(1);

    private static SessionStore store(String owner, Duration timeout, String... more) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("memcachedNodes", NODES.memcachedNodes());
        for (int i = 0; i < more.length; i += 2) {
            attributes.put(more[i], more[i + 1]);
        }
        return new MemcachedStoreProvider().create(new Settings(attributes, timeout, owner));
    }

    private static SessionStore store(String... more) {
        return store("/store-test", Duration.ofSeconds(1), more);
    }

    // ------------------------------------------------------------------ lock release

    @Test
    void deleteIfEquals_AfterOwnAdd_IsOneDeleteWithCas() throws Exception {
        try (SessionStore store = store()) {
            assertTrue(join(store.add("n1", "lock-1", bytes("owner-a"), 60)));
            Map<String, Long> before = MemcachedStats.commands(NODES.get("n1"));
            assertTrue(join(store.deleteIfEquals("n1", "lock-1", bytes("owner-a"))));
            Map<String, Long> after = MemcachedStats.commands(NODES.get("n1"));
            assertEquals(before.get("cmd_get"), after.get("cmd_get"), "no gets before the delete");
            assertEquals(before.get("delete_hits") + 1, after.get("delete_hits"));
            assertNull(join(store.get("n1", "lock-1")));
        }
    }

    @Test
    void deleteIfEquals_Text_IsGetsThenCasWithNegativeExpiration() throws Exception {
        try (SessionStore store = store("memcachedProtocol", "text")) {
            assertTrue(join(store.add("n1", "lock-2", bytes("owner-a"), 60)));
            Map<String, Long> before = MemcachedStats.commands(NODES.get("n1"));
            assertTrue(join(store.deleteIfEquals("n1", "lock-2", bytes("owner-a"))));
            Map<String, Long> after = MemcachedStats.commands(NODES.get("n1"));
            assertEquals(before.get("cmd_get") + 1, after.get("cmd_get"));
            assertEquals(before.get("cas_hits") + 1, after.get("cas_hits"));
            // the replaced item is expired at once: gone for get, gets and add
            assertNull(join(store.get("n1", "lock-2")));
            assertNull(join(store.getVersioned("n1", "lock-2")));
            assertFalse(join(store.touch("n1", "lock-2", 60)));
            assertTrue(join(store.add("n1", "lock-2", bytes("owner-b"), 60)));
            assertArrayEquals(bytes("owner-b"), join(store.get("n1", "lock-2")));
            assertTrue(join(store.delete("n1", "lock-2")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"binary", "text"})
    void deleteIfEquals_ValueRewrittenWithSameBytes_StillDeletes(String protocol) throws Exception {
        try (SessionStore store = store("memcachedProtocol", protocol)) {
            assertTrue(join(store.add("n1", "lock-3", bytes("owner-a"), 60)));
            join(store.set("n1", "lock-3", bytes("owner-a"), 60)); // a new CAS, the same owner
            assertTrue(join(store.deleteIfEquals("n1", "lock-3", bytes("owner-a"))));
            assertNull(join(store.get("n1", "lock-3")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"binary", "text"})
    void deleteIfEquals_LockRetakenThroughAnotherStore_LeavesIt(String protocol) throws Exception {
        try (SessionStore mine = store("memcachedProtocol", protocol);
                SessionStore other = store("memcachedProtocol", protocol)) {
            assertTrue(join(mine.add("n1", "lock-4", bytes("owner-a"), 60)));
            assertTrue(join(other.delete("n1", "lock-4")));
            assertTrue(join(other.add("n1", "lock-4", bytes("owner-b"), 60)));
            assertFalse(join(mine.deleteIfEquals("n1", "lock-4", bytes("owner-a"))));
            assertArrayEquals(bytes("owner-b"), join(mine.get("n1", "lock-4")));
            assertTrue(join(other.deleteIfEquals("n1", "lock-4", bytes("owner-b"))));
        }
    }

    // ------------------------------------------------------------------ value size

    @ParameterizedTest
    @ValueSource(strings = {"binary", "text"})
    void maxValueBytes_WithLongestKey_IsAcceptedByAServerWithTheDefaultItemSize(String protocol) throws Exception {
        try (SessionStore store = store("memcachedProtocol", protocol)) {
            assertEquals(1048576 - 1024, store.maxValueBytes());
            byte[] value = new byte[store.maxValueBytes()];
            new Random(7).nextBytes(value);
            String key = "k".repeat(SessionStore.MAX_KEY_LENGTH);
            join(store.set("n1", key, value, 60));
            assertArrayEquals(value, join(store.get("n1", key)));
            Versioned v = join(store.getVersioned("n1", key));
            assertTrue(join(store.compareAndSet("n1", key, v.version(), value, 60)));
            assertTrue(join(store.delete("n1", key)));
            assertTrue(join(store.add("n1", key, value, 60)));
            assertTrue(join(store.deleteIfEquals("n1", key, value)));
        }
    }

    @Test
    void valueAboveMaxValueBytes_IsRefusedWithoutContactingTheServer() throws Exception {
        try (SessionStore store = store()) {
            byte[] tooLarge = new byte[store.maxValueBytes() + 1];
            Map<String, Long> before = MemcachedStats.commands(NODES.get("n1"));
            // memcachedItemSizeMax 1048576 minus 1024 bytes for key and item header
            String expected = "Value of [1047553] bytes exceeds the limit of [1047552] bytes of " + store.describe()
                    + " (attribute [memcachedItemSizeMax])";
            for (CompletableFuture<?> f : List.of(store.set("n1", "big", tooLarge, 60),
                    store.add("n1", "big", tooLarge, 60), store.compareAndSet("n1", "big", 1L, tooLarge, 60))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> join(f));
                assertEquals(expected, e.getMessage());
            }
            assertEquals(before, MemcachedStats.commands(NODES.get("n1")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"binary", "text"})
    void itemSizeMaxAboveTheServers_ServerRefusalIsAStoreException(String protocol) throws Exception {
        try (SessionStore store = store("memcachedProtocol", protocol, "memcachedItemSizeMax", "4194304")) {
            byte[] value = new byte[2 * 1024 * 1024];
            StoreException e = assertThrows(StoreException.class, () -> join(store.set("n1", "too-big", value, 60)));
            assertTrue(e.getMessage().startsWith("Memcached node [n1 " + NODES.get("n1").address() + "]"),
                    e.getMessage());
            assertEquals("n1", e.node());
            // usable again: at once with the binary protocol; spymemcached drops a text connection after a
            // SERVER_ERROR, and the store reconnects within a second
            await().ignoreExceptions().untilAsserted(() -> join(store.set("n1", "after-too-big", bytes("v"), 60)));
            assertArrayEquals(bytes("v"), join(store.get("n1", "after-too-big")));
            assertTrue(join(store.delete("n1", "after-too-big")));
        }
    }

    // ------------------------------------------------------------------ timeouts, nodes, lifecycle

    @Test
    void serverThatDoesNotAnswer_FailsWithTimeoutNamingNodeAndDuration_ThenFastAsUnavailable() throws Exception {
        try (ServerProcess stopped = ServerProcess.memcached()) {
            Settings settings = new Settings(Map.of("memcachedNodes", "n1:" + stopped.address()),
                    Duration.ofMillis(300), "/timeout");
            try (SessionStore store = new MemcachedStoreProvider().create(settings)) {
                stopped.pause();
                try {
                    StoreTimeoutException e = assertThrows(StoreTimeoutException.class,
                            () -> join(store.get("n1", "k")));
                    assertEquals("Timed out after [300 ms] on memcached node [n1 " + stopped.address() + "]",
                            e.getMessage());
                    assertEquals("n1", e.node());
                    assertEquals(Duration.ofMillis(300), e.timeout());
                    // nothing answered since that operation was sent: the node is hung, later operations fail fast
                    assertThrows(StoreUnavailableException.class,
                            () -> join(store.set("n1", "k", bytes("v"), 60)));
                } finally {
                    stopped.resume();
                }
                await().ignoreExceptions().untilAsserted(() -> join(store.set("n1", "k", bytes("v"), 60)));
                assertArrayEquals(bytes("v"), join(store.get("n1", "k")));
            }
        }
    }

    @Test
    void unknownNode_IsAnIllegalArgument() throws Exception {
        try (SessionStore store = store()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> join(store.get("n9", "k")));
            assertEquals("Unknown node [n9] of store [memcached [n1 " + NODES.get("n1").address() + "] binary]",
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> join(store.set(null, "k", bytes("v"), 60)));
            assertThrows(IllegalArgumentException.class, () -> store.isAvailable("n9"));
        }
    }

    @Test
    void describe_NamesNodesAndProtocol_NeverThePassword() throws Exception {
        try (ServerProcess down = ServerProcess.memcached()) {
            down.kill();
            Settings settings = new Settings(Map.of("memcachedNodes", "n1:" + down.address(),
                    "username", "msm", "password", "s3cret"), Duration.ofSeconds(1), "/describe");
            try (SessionStore store = new MemcachedStoreProvider().create(settings)) {
                assertEquals("memcached [n1 " + down.address() + "] binary", store.describe());
                assertFalse(store.toString().contains("s3cret"));
            }
        }
    }

    @Test
    void threads_AreDaemonsNamedAfterTheOwner_AndEndWithClose() throws Exception {
        SessionStore store = store("/shop", Duration.ofSeconds(1));
        join(store.set("n1", "threads", bytes("v"), 60));
        join(store.delete("n1", "threads"));
        List<Thread> ours = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("msm-memcached[/shop] ")).toList();
        assertTrue(ours.stream().anyMatch(t -> t.getName().equals("msm-memcached[/shop] io n1")), ours.toString());
        assertTrue(ours.stream().noneMatch(t -> t.getName().contains("listener")), "completions run on the I/O "
                + "thread, no listener pool: " + ours);
        assertTrue(ours.stream().allMatch(Thread::isDaemon), ours.toString());
        store.close();
        await().until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("msm-memcached[/shop] io ")));
    }

    @Test
    void close_FailsOperationsStillPending() throws Exception {
        try (ServerProcess stopped = ServerProcess.memcached()) {
            Settings settings = new Settings(Map.of("memcachedNodes", "n1:" + stopped.address()),
                    Duration.ofSeconds(5), "/close");
            SessionStore store = new MemcachedStoreProvider().create(settings);
            stopped.pause();
            try {
                CompletableFuture<byte[]> pending = store.get("n1", "k");
                store.close();
                assertInstanceOf(StoreException.class, assertThrows(Exception.class, () -> join(pending)));
            } finally {
                stopped.resume();
            }
        }
    }

    @Test
    void expiration_AboveThirtyDays_IsAnAbsoluteUnixTime() {
        assertEquals(0, MemcachedSessionStore.expiration(0));
        assertEquals(2_592_000, MemcachedSessionStore.expiration(2_592_000));
        long now = System.currentTimeMillis() / 1000;
        long absolute = MemcachedSessionStore.expiration(2_592_001);
        assertTrue(absolute >= now + 2_592_001 && absolute <= now + 2_592_001 + 5, String.valueOf(absolute));
        assertEquals(Integer.MAX_VALUE, MemcachedSessionStore.expiration(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> MemcachedSessionStore.expiration(-1));
    }
}

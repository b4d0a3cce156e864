package dev.msm.memcached;

import static dev.msm.api.Awaits.await;
import static dev.msm.api.NodeEvents.events;
import static dev.msm.api.StoreTesting.bytes;
import static dev.msm.api.StoreTesting.join;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.msm.api.NodeListener;
import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.api.StoreNode;
import dev.msm.api.StoreUnavailableException;

/**
 * Failover nodes, and node availability without traffic from the test: a node down at start, a server killed while
 * its connection is idle, and its return on the same port.
 */
class MemcachedAvailabilityTest {

    private static SessionStore store(String nodes, String... more) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("memcachedNodes", nodes);
        for (int i = 0; i < more.length; i += 2) {
            attributes.put(more[i], more[i + 1]);
        }
        return new MemcachedStoreProvider().create(new Settings(attributes, Duration.ofSeconds(1), "/availability"));
    }

    @Test
    void failoverNode_IsListedLastFlaggedAndAddressable() throws Exception {
        try (ServerProcess a = ServerProcess.memcached(); ServerProcess b = ServerProcess.memcached();
                SessionStore store = store("n2:" + b.address() + ",n1:" + a.address(), "failoverNodes", "n2")) {
            assertEquals(List.of(new StoreNode("n1", a.address(), false), new StoreNode("n2", b.address(), true)),
                    store.nodes());
            assertEquals("memcached [n1 " + a.address() + ", n2 " + b.address() + " (failover)] binary",
                    store.describe());
            assertTrue(store.isAvailable("n1"));
            assertTrue(store.isAvailable("n2"));
            join(store.set("n2", "on-failover", bytes("v"), 60));
            assertArrayEquals(bytes("v"), join(store.get("n2", "on-failover")));
            assertNull(join(store.get("n1", "on-failover")));
            join(store.delete("n2", "on-failover"));
        }
    }

    @Test
    void nodeDownAtStart_IsUnavailable_ThenAvailableWhenItsServerStarts() throws Exception {
        try (ServerProcess up = ServerProcess.memcached(); ServerProcess down = ServerProcess.memcached()) {
            down.kill();
            try (SessionStore store = store("n1:" + up.address() + " n2:" + down.address(),
                    "memcachedProtocol", "text")) {
                assertTrue(store.isAvailable("n1"));
                assertFalse(store.isAvailable("n2"));
                StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                        () -> join(store.get("n2", "k")));
                assertEquals("Memcached node [n2 " + down.address() + "] is unavailable", e.getMessage());
                assertEquals("n2", e.node());
                List<String> events = events(store);

                down.start();
                await().until(() -> store.isAvailable("n2"));
                await().until(() -> events.contains("up n2"));
                join(store.set("n2", "k", bytes("v"), 60));
                assertArrayEquals(bytes("v"), join(store.get("n2", "k")));
                assertEquals(List.of("up n2"), events);
                assertTrue(store.isAvailable("n1"));
            }
        }
    }

    @Test
    void idleNodeKilled_IsReportedUnavailable_AndAvailableAfterRestart() throws Exception {
        try (ServerProcess a = ServerProcess.memcached(); ServerProcess b = ServerProcess.memcached();
                SessionStore store = store("n1:" + a.address() + " n2:" + b.address())) {
            List<String> events = events(store);
            join(store.set("n2", "k", bytes("v"), 60));

            // no operation from here on: the store's own ping notices the dead connection
            b.kill();
            await().until(() -> !store.isAvailable("n2"));
            // listeners are told right after the flag changes, from spymemcached's IO thread
            await().until(() -> events.size() == 1);
            assertEquals(List.of("down n2"), events);
            assertTrue(store.isAvailable("n1"));
            assertThrows(StoreUnavailableException.class, () -> join(store.get("n2", "k")));

            b.start();
            await().until(() -> store.isAvailable("n2"));
            await().until(() -> events.size() == 2);
            assertEquals(List.of("down n2", "up n2"), events);
            // a restarted memcached is empty
            assertNull(join(store.get("n2", "k")));
        }
    }

    @Test
    void nodeListener_ThatThrows_DoesNotStopOthers() throws Exception {
        try (ServerProcess a = ServerProcess.memcached(); ServerProcess b = ServerProcess.memcached();
                SessionStore store = store("n1:" + a.address() + " n2:" + b.address())) {
            store.addNodeListener(new NodeListener() {
                @Override
                public void nodeUnavailable(String node) {
                    throw new IllegalStateException("listener bug");
                }

                @Override
                public void nodeAvailable(String node) {
                    throw new IllegalStateException("listener bug");
                }
            });
            List<String> events = events(store);
            b.kill();
            await().until(() -> events.equals(List.of("down n2")));
            b.start();
            await().until(() -> events.equals(List.of("down n2", "up n2")));
            join(store.set("n2", "k", bytes("v"), 60));
            join(store.delete("n2", "k"));
        }
    }
}

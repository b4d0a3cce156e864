package dev.msm.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.msm.api.DelayingProxy;
import dev.msm.api.NodeListener;
import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.api.StoreTimeoutException;
import dev.msm.api.StoreUnavailableException;

/**
 * A node that is slow, not dead: every answer 200 ms late through a {@link DelayingProxy}. Below the operation
 * timeout it stays available and loses nothing; much slower than the timeout it counts as hung.
 */
class MemcachedSlowNodeTest {

    private static final Duration DELAY = Duration.ofMillis(200);

    private static SessionStore store(String address, Duration timeout) {
        return new MemcachedStoreProvider().create(new Settings(Map.of("memcachedNodes", "n1:" + address),
                timeout, "/slow"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static List<String> events(SessionStore store) {
        List<String> events = new CopyOnWriteArrayList<>();
        store.addNodeListener(new NodeListener() {
            @Override
            public void nodeUnavailable(String node) {
                events.add("down " + node);
            }

            @Override
            public void nodeAvailable(String node) {
                events.add("up " + node);
            }
        });
        return events;
    }

    @Test
    void nodeAnswering200msLate_WithATimeoutOfOneSecond_StaysAvailable_AndLosesNothing() throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        try (ServerProcess server = ServerProcess.memcached();
                DelayingProxy slow = DelayingProxy.start(server.port(), DELAY);
                SessionStore store = store(slow.address(), timeout)) {
            List<String> events = events(store);
            // one at a time: each operation waits the delay, never the timeout
            for (int i = 0; i < 4; i++) {
                long start = System.nanoTime();
                join(store.set("n1", "slow-" + i, bytes("v" + i), 60));
                assertArrayEquals(bytes("v" + i), join(store.get("n1", "slow-" + i)));
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(elapsed >= 2 * DELAY.toMillis(), "the proxy did not delay: " + elapsed + " ms");
                assertTrue(elapsed < 2 * timeout.toMillis() + 1500, "two operations took " + elapsed + " ms");
            }
            // many at once: all pipelined behind each other, all answered
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                writes.add(store.set("n1", "burst-" + i, bytes("b" + i), 60));
            }
            for (CompletableFuture<Void> write : writes) {
                join(write);
            }
            List<CompletableFuture<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                reads.add(store.get("n1", "burst-" + i));
            }
            for (int i = 0; i < 50; i++) {
                assertArrayEquals(bytes("b" + i), join(reads.get(i)), "burst-" + i);
            }
            assertTrue(store.isAvailable("n1"));
            assertEquals(List.of(), events, "a slow node was reported down");
        }
    }

    @Test
    void nodeFarSlowerThanTheTimeout_FailsItsFirstOperationWithinTheTimeout_ThenFast() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        try (ServerProcess server = ServerProcess.memcached();
                DelayingProxy slow = DelayingProxy.start(server.port(), Duration.ofSeconds(5));
                SessionStore store = store(slow.address(), timeout)) {
            List<String> events = events(store);
            long start = System.nanoTime();
            assertThrows(StoreTimeoutException.class, () -> join(store.get("n1", "k")));
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsed < timeout.toMillis() + 1500, "timed out after " + elapsed + " ms");
            // nothing came back within the timeout: for msm this node is as good as hung
            assertFalse(store.isAvailable("n1"));
            assertThrows(StoreUnavailableException.class, () -> join(store.get("n1", "k")));
            assertEquals(List.of("down n1"), events);
        }
    }
}

package dev.msm.api;

import static dev.msm.api.NodeEvents.events;
import static dev.msm.api.StoreTesting.bytes;
import static dev.msm.api.StoreTesting.join;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A node that is slow, not dead: every answer 200 ms late through a {@link DelayingProxy}. Below the operation
 * timeout it stays available and loses nothing. A store's test extends this with its fixture: a real server, a store
 * on an address, the node its keys go to.
 */
public abstract class SlowNodeScenarios {

    protected static final Duration DELAY = Duration.ofMillis(200);

    /** A real server of the store, on a free 127.0.0.1 port. */
    protected abstract ServerProcess startServer();

    /** A store on the one node at {@code address} with this operation timeout. */
    protected abstract SessionStore store(String address, Duration timeout);

    /** The node id that store's operations name ({@code null} where the store has no node ids). */
    protected abstract String node();

    @Test
    void nodeAnswering200msLate_WithATimeoutOfOneSecond_StaysAvailable_AndLosesNothing() throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        String node = node();
        try (ServerProcess server = startServer();
                DelayingProxy slow = DelayingProxy.start(server.port(), DELAY);
                SessionStore store = store(slow.address(), timeout)) {
            List<String> events = events(store);
            // one at a time: each operation waits the delay, never the timeout
            for (int i = 0; i < 4; i++) {
                long start = System.nanoTime();
                join(store.set(node, "slow-" + i, bytes("v" + i), 60));
                assertArrayEquals(bytes("v" + i), join(store.get(node, "slow-" + i)));
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(elapsed >= 2 * DELAY.toMillis(), "the proxy did not delay: " + elapsed + " ms");
                assertTrue(elapsed < 2 * timeout.toMillis() + 1500, "two operations took " + elapsed + " ms");
            }
            // many at once: all pipelined behind each other, all answered
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                writes.add(store.set(node, "burst-" + i, bytes("b" + i), 60));
            }
            for (CompletableFuture<Void> write : writes) {
                join(write);
            }
            List<CompletableFuture<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                reads.add(store.get(node, "burst-" + i));
            }
            for (int i = 0; i < 50; i++) {
                assertArrayEquals(bytes("b" + i), join(reads.get(i)), "burst-" + i);
            }
            assertTrue(store.isAvailable(node));
            assertEquals(List.of(), events, "a slow node was reported down");
        }
    }
}

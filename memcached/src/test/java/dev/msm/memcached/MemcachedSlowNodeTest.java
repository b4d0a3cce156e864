package dev.msm.memcached;

import static dev.msm.api.NodeEvents.events;
import static dev.msm.api.StoreTesting.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.msm.api.DelayingProxy;
import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.api.SlowNodeScenarios;
import dev.msm.api.StoreTimeoutException;
import dev.msm.api.StoreUnavailableException;

/**
 * A node that is slow, not dead: every answer 200 ms late through a {@link DelayingProxy}. Below the operation
 * timeout it stays available and loses nothing; much slower than the timeout it counts as hung.
 */
class MemcachedSlowNodeTest extends SlowNodeScenarios {

    @Override
    protected ServerProcess startServer() {
        return ServerProcess.memcached();
    }

    @Override
    protected SessionStore store(String address, Duration timeout) {
        return new MemcachedStoreProvider().create(new Settings(Map.of("memcachedNodes", "n1:" + address),
                timeout, "/slow"));
    }

    @Override
    protected String node() {
        return "n1";
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

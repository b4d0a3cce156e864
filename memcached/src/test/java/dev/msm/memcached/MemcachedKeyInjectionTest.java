package dev.msm.memcached;

import static dev.msm.api.StoreTesting.bytes;
import static dev.msm.api.StoreTesting.join;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.msm.api.MemcachedNodes;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;

/**
 * Keys come from cookies. A hostile key must be refused before anything reaches the server: memcached's text
 * protocol would read a space or a line break in a key as the start of another command.
 */
class MemcachedKeyInjectionTest {

    @RegisterExtension
    static final MemcachedNodes NODES = new MemcachedNodes(1);

    private static List<String> hostileKeys(String victim) {
        List<String> keys = new ArrayList<>(List.of(
                victim + " 0 0 1\r\nx",
                victim + "\r\nset " + victim + " 0 0 1\r\nx\r\n",
                "k\r\ndelete " + victim,
                "k\nflush_all",
                "k\rflush_all",
                "get " + victim,
                "k\tv",
                "k\u0000",
                "k\u007f",
                "k\u00e9",
                "k\u2028flush_all",
                "k/../x",
                "",
                "x".repeat(SessionStore.MAX_KEY_LENGTH + 1)));
        keys.add(null);
        return keys;
    }

    @ParameterizedTest
    @ValueSource(strings = {"binary", "text"})
    void hostileKeys_AreRefusedWithoutAnyCommandReachingTheServer(String protocol) throws Exception {
        Settings settings = new Settings(Map.of("memcachedNodes", NODES.memcachedNodes(),
                "memcachedProtocol", protocol), Duration.ofSeconds(1), "/injection");
        try (SessionStore store = new MemcachedStoreProvider().create(settings)) {
            String victim = "victim-" + protocol;
            byte[] v = bytes("x");
            List<Function<String, CompletableFuture<?>>> operations = List.of(
                key -> store.get("n1", key),
                key -> store.getAndTouch("n1", key, 60),
                key -> store.set("n1", key, v, 60),
                key -> store.add("n1", key, v, 60),
                key -> store.touch("n1", key, 60),
                key -> store.delete("n1", key),
                key -> store.deleteIfEquals("n1", key, v),
                key -> store.getVersioned("n1", key),
                key -> store.compareAndSet("n1", key, 1L, v, 60));
            Map<String, Long> before = MemcachedStats.commands(NODES.get("n1"));
            for (String key : hostileKeys(victim)) {
                for (Function<String, CompletableFuture<?>> operation : operations) {
                    try {
                        join(operation.apply(key));
                        fail("key [" + printable(key) + "] was accepted");
                    } catch (IllegalArgumentException expected) {
                        // refused before the wire
                    }
                }
            }
            assertEquals(before, MemcachedStats.commands(NODES.get("n1")), "a command reached the server");
            assertNull(join(store.get("n1", victim)), "a hostile key wrote the victim key");
            join(store.set("n1", victim, v, 60));
            assertArrayEquals(v, join(store.get("n1", victim)));
            join(store.delete("n1", victim));
        }
    }

    private static String printable(String key) {
        return key == null ? "null" : key.replace("\r", "\\r").replace("\n", "\\n");
    }
}

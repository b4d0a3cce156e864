package dev.msm.redis;

import static dev.msm.api.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.api.StoreUnavailableException;

/**
 * An ACL user (Redis 6+) instead of the default user, which this server disables: credentials from the
 * {@code username}/{@code password} attributes or from the URI, and a wrong password.
 */
class RedisAclTest {

    private static ServerProcess server;

    @BeforeAll
    static void start() {
        server = ServerProcess.redis(List.of("--user", "alice", "on", ">s3cret", "~*", "&*", "+@all",
                "--user", "default", "off"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SessionStore store(String... nameValue) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            attributes.put(nameValue[i], nameValue[i + 1]);
        }
        return new RedisStoreProvider().create(new Settings(attributes, Duration.ofSeconds(1), "/acl"));
    }

    private static void roundTrip(SessionStore store) throws Exception {
        assertTrue(store.isAvailable(null));
        byte[] value = "as alice".getBytes(StandardCharsets.UTF_8);
        store.set(null, "acl", value, 60).get(5, TimeUnit.SECONDS);
        assertArrayEquals(value, store.get(null, "acl").get(5, TimeUnit.SECONDS));
        assertTrue(store.delete(null, "acl").get(5, TimeUnit.SECONDS));
    }

    @Test
    void usernameAndPasswordAttributes_Authenticate() throws Exception {
        try (SessionStore store = store("redisUrl", "redis://" + server.address(), "username", "alice",
                "password", "s3cret")) {
            roundTrip(store);
            assertEquals("redis [" + server.address() + "]", store.describe());
        }
    }

    @Test
    void credentialsInTheUri_Authenticate() throws Exception {
        try (SessionStore store = store("memcachedNodes", "redis://alice:s3cret@" + server.address())) {
            roundTrip(store);
            assertFalse(store.describe().contains("s3cret"));
        }
    }

    @Test
    void wrongPassword_StoreIsUnavailable() {
        try (SessionStore store = store("redisUrl", "redis://alice:wrong@" + server.address())) {
            assertFalse(store.isAvailable(null));
            // under CPU load the first attempt may end in a connect or command timeout instead, and the store's
            // bounded wait at creation may end before any answer: the reported cause is the last attempt's, and the
            // store retries every second, so wait (bounded) for an attempt that got Redis's answer
            await().alias("a connection attempt answered WRONGPASS").until(() -> {
                CompletionException e = assertThrows(CompletionException.class, () -> store.get(null, "acl").join());
                assertEquals(StoreUnavailableException.class, e.getCause().getClass());
                assertEquals("redis [" + server.address() + "] is not connected", e.getCause().getMessage());
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                return String.valueOf(root.getMessage()).startsWith("WRONGPASS");
            });
            assertFalse(store.isAvailable(null));
        }
    }
}

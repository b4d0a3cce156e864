package dev.msm.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.msm.api.SessionStore;
import dev.msm.api.Settings;

/**
 * {@code rediss://}: TLS with the JVM's trust store, or without verification ({@code verifyPeer=NONE}).
 */
class RedisTlsTest {

    private static TlsServer server;

    @BeforeAll
    static void start() {
        server = new TlsServer();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static SessionStore store(String url) {
        return new RedisStoreProvider().create(new Settings(Map.of("redisUrl", url), Duration.ofSeconds(1), "/tls"));
    }

    @Test
    void rediss_WithoutVerification_StoresAndReads() throws Exception {
        try (SessionStore store = store("rediss://" + server.tlsAddress() + "?verifyPeer=NONE")) {
            assertTrue(store.isAvailable(null));
            assertEquals("redis [" + server.tlsAddress() + " tls]", store.describe());
            byte[] value = "over tls".getBytes(StandardCharsets.UTF_8);
            store.set(null, "tls", value, 60).get(5, TimeUnit.SECONDS);
            assertArrayEquals(value, store.get(null, "tls").get(5, TimeUnit.SECONDS));
            assertTrue(store.delete(null, "tls").get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void rediss_UntrustedCertificate_StoreIsUnavailable() {
        try (SessionStore store = store("rediss://" + server.tlsAddress())) {
            assertFalse(store.isAvailable(null), "a self-signed certificate was trusted");
        }
    }
}

package dev.msm.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.apache.juli.logging.LogFactory;
import org.junit.jupiter.api.Test;

import dev.msm.api.DropInJars;
import dev.msm.api.DropInStore;
import dev.msm.api.ServerProcess;

/**
 * The drop-in jar as Tomcat sees it: built by {@code package}, opened in a class loader whose parent holds only
 * msm-api (and JULI, which Tomcat always has), the provider found through {@link ServiceLoader}, one value written
 * to and read from a real Redis through the relocated Lettuce and Netty.
 */
class RedisDropInJarIT {

    private static Path jar() {
        return DropInJars.built("msm.redis.jar");
    }

    @Test
    void jar_HoldsOnlyThisStoreAndRelocatedLibraries() throws IOException {
        List<String> stray = new ArrayList<>();
        int classes = 0;
        try (JarFile jarFile = new JarFile(jar().toFile())) {
            for (JarEntry entry : Collections.list(jarFile.entries())) {
                String name = entry.getName();
                if (name.endsWith(".class")) {
                    classes++;
                    if (!name.startsWith("dev/msm/redis/")) {
                        stray.add(name);
                    }
                } else if (name.startsWith("META-INF/native") || name.startsWith("META-INF/versions/")) {
                    stray.add(name);
                }
            }
            assertEquals("dev.msm.redis.RedisStoreProvider", new String(jarFile.getInputStream(
                    jarFile.getEntry("META-INF/services/dev.msm.api.SessionStoreProvider")).readAllBytes(),
                    StandardCharsets.UTF_8).trim());
            assertNotNull(jarFile.getEntry("dev/msm/redis/shaded/io/lettuce/core/RedisClient.class"));
            assertNotNull(jarFile.getEntry("dev/msm/redis/shaded/io/netty/channel/nio/NioIoHandler.class"));
        }
        assertTrue(classes > 1000, "only " + classes + " classes: Lettuce, Netty and Reactor are missing");
        assertEquals(List.of(), stray, "classes outside dev/msm/redis (msm-api or unrelocated libraries)");
    }

    @Test
    void provider_FromServiceLoaderBesideApiOnly_StoresAndReadsAValue() throws Exception {
        try (ServerProcess server = ServerProcess.redis()) {
            roundTrip("redis://" + server.address(), "redis [" + server.address() + "]");
        }
    }

    @Test
    void provider_OverTls_StoresAndReadsAValue() throws Exception {
        try (TlsServer server = new TlsServer()) {
            roundTrip("rediss://" + server.tlsAddress() + "?verifyPeer=NONE", "redis [" + server.tlsAddress()
                    + " tls]");
        }
    }

    /**
     * Loads the jar as Tomcat would (beside msm-api and JULI only, with some other context class loader), creates
     * the store through {@link ServiceLoader} and writes and reads one value; nothing may be printed to stderr.
     */
    private static void roundTrip(String redisUrl, String description) throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (DropInStore dropIn = DropInStore.load(jar(), "redis", LogFactory.class)) {
            assertThrows(ClassNotFoundException.class, () -> dropIn.loader().loadClass("io.lettuce.core.RedisClient"));
            dropIn.create(Map.of("redisUrl", redisUrl), Duration.ofSeconds(1));
            assertTrue(dropIn.isAvailable(null), () -> "not connected; log: " + err.toString(StandardCharsets.UTF_8));
            assertEquals(description, dropIn.describe());
            byte[] value = "from the drop-in jar".getBytes(StandardCharsets.UTF_8);
            dropIn.set(null, "jar:key", value, 60);
            assertArrayEquals(value, dropIn.get(null, "jar:key"));
            dropIn.delete(null, "jar:key");
        } finally {
            System.setErr(originalErr);
        }
        String printed = err.toString(StandardCharsets.UTF_8);
        assertFalse(printed.contains("SLF4J") || printed.contains("Exception"), "printed to stderr: " + printed);
    }
}

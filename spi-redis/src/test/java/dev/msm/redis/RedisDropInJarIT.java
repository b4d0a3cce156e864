package dev.msm.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.apache.juli.logging.LogFactory;
import org.junit.jupiter.api.Test;

import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStoreProvider;

/**
 * The drop-in jar as Tomcat sees it: built by {@code package}, opened in a class loader whose parent holds only
 * msm-api (and JULI, which Tomcat always has), the provider found through {@link ServiceLoader}, one value written
 * to and read from a real Redis through the relocated Lettuce and Netty.
 */
class RedisDropInJarIT {

    private static Path jar() {
        String path = System.getProperty("msm.redis.jar");
        assertNotNull(path, "system property msm.redis.jar (set by the failsafe configuration)");
        Path jar = Path.of(path);
        assertTrue(Files.isRegularFile(jar), jar + " was not built");
        return jar;
    }

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
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
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (URLClassLoader tomcatLib = new URLClassLoader("tomcat-lib",
                        new URL[] {location(SessionStoreProvider.class), location(LogFactory.class)}, platform);
                URLClassLoader dropIn = new URLClassLoader("msm-redis", new URL[] {jar().toUri().toURL()},
                        tomcatLib)) {
            assertThrows(ClassNotFoundException.class, () -> dropIn.loadClass("io.lettuce.core.RedisClient"));
            Class<?> spi = tomcatLib.loadClass("dev.msm.api.SessionStoreProvider");
            Object provider = null;
            for (Object candidate : ServiceLoader.load(spi, dropIn)) {
                if ("redis".equals(spi.getMethod("name").invoke(candidate))) {
                    provider = candidate;
                }
            }
            assertNotNull(provider, "no provider named [redis] found by ServiceLoader");
            assertSame(dropIn, provider.getClass().getClassLoader());

            Class<?> settingsType = tomcatLib.loadClass("dev.msm.api.Settings");
            Object settings = settingsType.getConstructor(Map.class, Duration.class, String.class)
                    .newInstance(Map.of("redisUrl", redisUrl), Duration.ofSeconds(1), "/jar");
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            Object store = spi.getMethod("create", settingsType).invoke(provider, settings);
            Class<?> storeType = tomcatLib.loadClass("dev.msm.api.SessionStore");
            try {
                assertEquals(true, storeType.getMethod("isAvailable", String.class).invoke(store, (Object) null),
                        () -> "not connected; log: " + err.toString(StandardCharsets.UTF_8));
                assertEquals(description, storeType.getMethod("describe").invoke(store));
                byte[] value = "from the drop-in jar".getBytes(StandardCharsets.UTF_8);
                Method set = storeType.getMethod("set", String.class, String.class, byte[].class, int.class);
                Method get = storeType.getMethod("get", String.class, String.class);
                Method delete = storeType.getMethod("delete", String.class, String.class);
                ((CompletableFuture<?>) set.invoke(store, null, "jar:key", value, 60)).get(10, TimeUnit.SECONDS);
                Object read = ((CompletableFuture<?>) get.invoke(store, null, "jar:key")).get(10, TimeUnit.SECONDS);
                assertArrayEquals(value, (byte[]) read);
                ((CompletableFuture<?>) delete.invoke(store, null, "jar:key")).get(10, TimeUnit.SECONDS);
            } finally {
                storeType.getMethod("close").invoke(store);
                System.setErr(originalErr);
            }
        } finally {
            System.setErr(originalErr);
        }
        String printed = err.toString(StandardCharsets.UTF_8);
        assertFalse(printed.contains("SLF4J") || printed.contains("Exception"), "printed to stderr: " + printed);
    }
}

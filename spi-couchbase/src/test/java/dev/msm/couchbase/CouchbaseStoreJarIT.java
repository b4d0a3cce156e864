package dev.msm.couchbase;

import static dev.msm.api.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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

/**
 * The drop-in jar as Tomcat sees it: opened by a class loader whose parent has only msm-api (and Tomcat's JULI, which
 * Tomcat always has), the store found with {@link ServiceLoader} and used against CouchbaseMock.
 */
class CouchbaseStoreJarIT {

    private static final List<String> RELOCATED = List.of("reactor/", "org/reactivestreams/", "org/slf4j/",
            "org/jspecify/");

    private static Path jar() {
        return DropInJars.built("msm.couchbase.jar");
    }

    @Test
    void jar_HoldsTheSdkWithRelocatedDependenciesAndNoApi() throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile file = new JarFile(jar().toFile())) {
            for (JarEntry entry : Collections.list(file.entries())) {
                names.add(entry.getName());
            }
            String services = new String(file.getInputStream(file.getEntry(
                    "META-INF/services/dev.msm.api.SessionStoreProvider")).readAllBytes(), StandardCharsets.UTF_8);
            assertEquals("dev.msm.couchbase.CouchbaseStoreProvider", services.trim());
        }
        assertTrue(names.contains("dev/msm/couchbase/CouchbaseStoreProvider.class"));
        assertTrue(names.contains("com/couchbase/client/java/Cluster.class"));
        assertTrue(names.contains("dev/msm/couchbase/shaded/reactor/core/publisher/Mono.class"));
        assertTrue(names.contains("dev/msm/couchbase/shaded/org/slf4j/jul/JULServiceProvider.class"));
        assertTrue(names.contains("META-INF/services/dev.msm.couchbase.shaded.org.slf4j.spi.SLF4JServiceProvider"));
        assertTrue(names.contains("META-INF/services/com.couchbase.client.core.env.ConfigurationProfile"));
        for (String name : names) {
            assertTrue(!name.startsWith("dev/msm/api/"), "msm-api inside the jar: " + name);
            assertTrue(!name.startsWith("org/apache/juli/"), "JULI inside the jar: " + name);
            for (String prefix : RELOCATED) {
                assertTrue(!name.startsWith(prefix), "not relocated: " + name);
            }
            assertTrue(!name.endsWith(".class") || name.startsWith("com/couchbase/")
                    || name.startsWith("dev/msm/couchbase/") || name.startsWith("META-INF/versions/"),
                    "unexpected class: " + name);
        }
    }

    @Test
    void store_LoadedFromTheJarAlone_SetsAndGets() throws Exception {
        try (DropInStore dropIn = DropInStore.load(jar(), "couchbase", LogFactory.class);
                CouchbaseMockServer server = CouchbaseMockServer.start()) {
            dropIn.create(Map.of("couchbaseConnectionString", server.connectionString(),
                    "couchbaseBucket", CouchbaseMockServer.BUCKET,
                    "password", CouchbaseMockServer.PASSWORD), Duration.ofSeconds(1));
            await().until(() -> dropIn.isAvailable(null));
            byte[] value = "from the drop-in jar".getBytes(StandardCharsets.UTF_8);
            dropIn.set(null, "jar:key", value, 60);
            assertArrayEquals(value, dropIn.get(null, "jar:key"));
            assertNull(dropIn.get(null, "jar:none"));
            // the SDK logs through the relocated SLF4J and its official JUL binding into JULI, not into
            // SLF4J's "no provider" fallback
            Object factory = dropIn.loader().loadClass("dev.msm.couchbase.shaded.org.slf4j.LoggerFactory")
                    .getMethod("getILoggerFactory").invoke(null);
            assertEquals("dev.msm.couchbase.shaded.org.slf4j.jul.JDK14LoggerFactory", factory.getClass().getName());
        }
    }
}

package dev.msm.core.serial.kryo;

import static dev.msm.api.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.ref.WeakReference;
import java.lang.reflect.Array;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.msm.api.SerializationException;
import dev.msm.api.Serializer;
import dev.msm.api.Unit;

/**
 * A web application's class loader must be collectable after undeploy while the serializer (owned by the manager) and
 * its pooled Kryo instances live on.
 */
@Unit
class KryoClassLoaderLeakTest {

    /** Loaded again by a throw-away class loader; refers to JDK classes only. */
    public static final class Fixture {
        String name = "fixture";
        int count = 3;
        Kind kind = Kind.B;
        Point point = new Point(1, 2);
        List<Object> items = new ArrayList<>(List.of("a", 1L));
        Fixture self = this;
    }

    /** An enum of the web application. */
    public enum Kind { A, B }

    /** A record of the web application. */
    public record Point(int x, int y) {
    }

    @Test
    void webApplicationLoader_IsCollectedWhileTheSerializerLivesOn() throws Exception {
        Serializer serializer = KryoSerializerTest.kryo("allowedClasses",
                "dev.msm.core.serial.kryo.KryoClassLoaderLeakTest dev.msm.core.serial.kryo.KryoSerializerTest");
        WeakReference<ClassLoader> loader = useThrowAwayLoader(serializer);

        await().until(() -> {
            System.gc();
            return loader.get() == null;
        });

        Object[] graph = KryoSerializerTest.realisticSession(2);
        assertEquals(KryoSerializerTest.attributes(graph), KryoSerializerTest.attributes(
                serializer.deserialize(serializer.serialize(graph), getClass().getClassLoader())));
    }

    private static WeakReference<ClassLoader> useThrowAwayLoader(Serializer serializer) throws Exception {
        URL classes = KryoClassLoaderLeakTest.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> type = loader.loadClass(Fixture.class.getName());
            assertNotSame(Fixture.class, type);
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("fixture", type.getDeclaredConstructor().newInstance());
            Object array = Array.newInstance(type, 2);
            Array.set(array, 0, attributes.get("fixture"));
            attributes.put("array", array);
            Object[] graph = {attributes, null, null, new HashMap<>()};

            byte[] bytes = null;
            for (int i = 0; i < 3; i++) { // again: now with the registrations cached
                bytes = serializer.serialize(graph);
                Object back = KryoSerializerTest.attributes(serializer.deserialize(bytes, loader)).get("fixture");
                assertSame(type, back.getClass());
            }
            // a read that fails after the class was registered: that instance is discarded
            byte[] truncated = Arrays.copyOf(bytes, bytes.length - 1);
            assertThrows(SerializationException.class, () -> serializer.deserialize(truncated, loader));
            return new WeakReference<>(loader);
        }
    }
}

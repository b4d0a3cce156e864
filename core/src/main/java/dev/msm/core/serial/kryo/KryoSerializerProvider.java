package dev.msm.core.serial.kryo;

import java.util.List;

import com.esotericsoftware.kryo.unsafe.UnsafeUtil;
import com.esotericsoftware.kryo.util.Util;
import dev.msm.api.Attribute;
import dev.msm.api.InvalidAttributeException;
import dev.msm.api.Serializer;
import dev.msm.api.SerializerProvider;
import dev.msm.api.Settings;
import dev.msm.core.serial.ClassAllowList;
import dev.msm.core.serial.JavaSerializerProvider;

/**
 * The {@code kryo} serializer: Kryo 5, usually several times smaller and faster than Java serialization, and able to
 * store attribute values that are not {@code Serializable}. Reading is restricted exactly as for the {@code java}
 * serializer: only the classes of the allow-list are loaded or instantiated, also where an object falls back to Java
 * serialization inside the Kryo stream (classes with {@code writeReplace}/{@code readResolve}/{@code writeObject}/
 * {@code readObject}, such as Tomcat's {@code GenericPrincipal}); nesting depth and every declared length are bounded.
 * Works on Java 17 and later without {@code --add-opens}.
 *
 * <p>Attributes:
 * <ul>
 * <li>{@code allowedClasses}: see {@link ClassAllowList};</li>
 * <li>{@code serializationMaxDepth}: the deepest object nesting written or read, 1 to 10000, default
 * {@value #DEFAULT_MAX_DEPTH};</li>
 * <li>{@code copyCollectionsForSerialization}: {@code true} to copy each collection and map before it is written,
 * which narrows the window in which another request changing it makes serialization fail with a
 * {@link java.util.ConcurrentModificationException} (the engine then serializes again); default
 * {@value #DEFAULT_COPY_COLLECTIONS}. Concurrent and synchronized collections are always copied.</li>
 * <li>{@code kryoCompatibleFields}: {@code true} (default) writes the fields of application classes by name, so that
 * during a rolling deploy a version of a class that gained or lost fields reads what the other version wrote (Kryo's
 * {@code CompatibleFieldSerializer}); a field whose type changed so that its old value does not fit, or a removed
 * field whose class is gone too, makes the session unreadable (a fresh session, one WARN naming the class).
 * {@code false} writes fields by position, smaller and faster, but then any change to a class's fields makes stored
 * sessions unreadable.</li>
 * </ul>
 *
 * <p>Limitations: an object written with Java serialization inside the stream does not share identity with the rest
 * of the graph; a {@code LinkedHashMap} in access order reads back in insertion order; values of
 * {@code Collections.unmodifiable*} and {@code synchronized*} read back as views over an {@code ArrayList},
 * {@code LinkedHashSet}, {@code LinkedHashMap} or {@code TreeSet}/{@code TreeMap}.
 */
public final class KryoSerializerProvider implements SerializerProvider {

    /** Default of {@code serializationMaxDepth}, as for the {@code java} serializer. */
    public static final int DEFAULT_MAX_DEPTH = JavaSerializerProvider.DEFAULT_MAX_DEPTH;
    /** Default of {@code copyCollectionsForSerialization}. */
    public static final boolean DEFAULT_COPY_COLLECTIONS = false;
    /** Default of {@code kryoCompatibleFields}. */
    public static final boolean DEFAULT_COMPATIBLE_FIELDS = true;

    private static final Attribute COPY_COLLECTIONS = Attribute.bool("copyCollectionsForSerialization",
            DEFAULT_COPY_COLLECTIONS, "`kryo`: copy collections before writing them (MSM's)");
    private static final Attribute COMPATIBLE_FIELDS = Attribute.bool("kryoCompatibleFields",
            DEFAULT_COMPATIBLE_FIELDS, "`kryo`: write application classes' fields by name, so sessions survive a "
                    + "rolling deploy that added or removed fields (see [Rolling deploys](#rolling-deploys)); "
                    + "`false`: by position, smaller and faster");
    private static final List<Attribute> ATTRIBUTES = List.of(JavaSerializerProvider.ALLOWED_CLASSES,
            JavaSerializerProvider.MAX_DEPTH, COPY_COLLECTIONS, COMPATIBLE_FIELDS);

    /**
     * @return {@code kryo}
     */
    @Override
    public String name() {
        return "kryo";
    }

    /**
     * @return {@code allowedClasses}, {@code serializationMaxDepth}, {@code copyCollectionsForSerialization},
     *         {@code kryoCompatibleFields}
     */
    @Override
    public List<Attribute> attributes() {
        return ATTRIBUTES;
    }

    /**
     * @param settings the attributes the user set
     * @return a new, thread-safe serializer
     * @throws InvalidAttributeException when an attribute is malformed, or when Kryo cannot run in this JVM
     *         ({@code sun.misc.Unsafe} denied without {@code -Dkryo.unsafe=false})
     */
    @Override
    public Serializer create(Settings settings) {
        if (Util.unsafe && UnsafeUtil.byteArrayBaseOffset == 0) {
            // Kryo 5.6.2 takes sun.misc.Unsafe as usable when only its memory access is denied, then fails per class
            throw new InvalidAttributeException("serializer", "Serializer [kryo] cannot use sun.misc.Unsafe in this "
                    + "JVM (--sun-misc-unsafe-memory-access=deny); start it with -Dkryo.unsafe=false");
        }
        return new KryoSerializer(ClassAllowList.of(settings.get(JavaSerializerProvider.ALLOWED_CLASSES)),
                settings.get(JavaSerializerProvider.MAX_DEPTH, Integer.class),
                settings.get(COPY_COLLECTIONS, Boolean.class), settings.get(COMPATIBLE_FIELDS, Boolean.class));
    }
}

package dev.msm.core.serial.kryo;

import java.io.Serializable;
import java.lang.reflect.InaccessibleObjectException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.objenesis.strategy.StdInstantiatorStrategy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.serializers.CompatibleFieldSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import dev.msm.core.serial.ClassAllowList;
import dev.msm.core.serial.FilteredObjectInput;

/**
 * One configured Kryo: references on, registration not required, the allow-list on every class a reading instance
 * resolves ({@link KryoClassResolver}), and a serializer choice that works on Java 17+ without {@code --add-opens}:
 * <ol>
 * <li>JDK types with a serializer of their own here ({@link KryoCollections}, {@link KryoMaps}, {@code UUID},
 * {@code URI}, {@code Timestamp}, atomics, Kryo's empty and singleton collections);</li>
 * <li>arrays, with the declared length checked before allocation, enums and {@code EnumSet}: Kryo's own;</li>
 * <li>application classes that define {@code writeReplace}, {@code readResolve}, {@code writeObject},
 * {@code readObject} or are {@code Externalizable}: Java serialization of that object ({@link KryoJavaFallback}), as
 * their state may only be right through those methods;</li>
 * <li>other collections and maps: {@link KryoCollections}, {@link KryoMaps};</li>
 * <li>the rest: Kryo's default ({@code FieldSerializer}, {@code RecordSerializer}, its serializers for
 * {@code java.time}, {@code BigDecimal}, {@code Locale}, {@code Date}, ...), except that a JDK class Kryo would read
 * field by field (it cannot without {@code --add-opens}) or an application class extending a JDK class with private
 * state is written with Java serialization when it is {@code Serializable}, and refused otherwise.</li>
 * </ol>
 * The decision depends on the class only, so a writing and a reading instance agree. Not thread-safe; pooled by
 * {@link KryoPool}.
 */
final class KryoInstance extends Kryo {

    /**
     * Classes registered with a fixed id, written as one byte instead of their name. Part of the stored format:
     * append only, never reorder or remove.
     */
    private static final List<Class<?>> WIRE_CLASSES = List.of(
            Object[].class, HashMap.class, ArrayList.class, LinkedHashMap.class, HashSet.class, LinkedHashSet.class,
            TreeMap.class, TreeSet.class, LinkedList.class, ConcurrentHashMap.class, String[].class, byte[].class,
            int[].class, long[].class, Date.class, BigDecimal.class, BigInteger.class, UUID.class, Locale.class,
            Instant.class, LocalDate.class, LocalDateTime.class, LocalTime.class, ZonedDateTime.class, Duration.class);
    private static final int FIRST_WIRE_ID = 32;

    private final int maxDepth;
    private final boolean copyCollections;
    private final KryoClassResolver resolver;
    private final KryoJavaFallback javaFallback;
    /** JDK classes with a serializer chosen here, by exact class. */
    private final Map<Class<?>, Serializer<?>> jdkSerializers = new IdentityHashMap<>();
    private final ClassLoader ownLoader = KryoInstance.class.getClassLoader();
    private final ClassAllowList allowList;
    private String refusedClass;
    /** Writing: receives the classes readers would refuse; {@code null} when not checked. */
    private Set<String> refusedOnWrite;
    /** Collections, maps and arrays being read, nested; see {@link FilteredObjectInput#MAX_CONTAINER_NESTING}. */
    private int containers;
    private int failures;

    /**
     * @param allowList       the classes that may be read
     * @param reading         whether this instance reads (and refuses what the allow-list does not name) or writes
     * @param maxDepth        the deepest nesting of objects read or written
     * @param copyCollections whether collections and maps are copied before they are written
     */
    KryoInstance(ClassAllowList allowList, boolean reading, int maxDepth, boolean copyCollections) {
        this(allowList, reading, maxDepth, copyCollections, true);
    }

    /**
     * @param compatibleFields whether application classes are written with their field names, so that a class that
     *                         gained or lost fields still reads what its previous version wrote
     */
    KryoInstance(ClassAllowList allowList, boolean reading, int maxDepth, boolean copyCollections,
            boolean compatibleFields) {
        this(new KryoClassResolver(reading ? allowList : null), allowList, maxDepth, copyCollections,
                compatibleFields);
    }

    private KryoInstance(KryoClassResolver resolver, ClassAllowList allowList, int maxDepth,
            boolean copyCollections, boolean compatibleFields) {
        super(resolver, new MapReferenceResolver());
        this.resolver = resolver;
        this.allowList = allowList;
        this.maxDepth = maxDepth;
        this.copyCollections = copyCollections;
        this.javaFallback = new KryoJavaFallback(allowList);
        setRegistrationRequired(false);
        setWarnUnregisteredClasses(false);
        setReferences(true);
        setOptimizedGenerics(false);
        setMaxDepth(maxDepth);
        setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        if (compatibleFields) {
            // rolling deploys (issue 16): fields are written by name with their values' classes, so a reader skips a
            // field its version of the class no longer has and leaves a new one at its default. Not chunked: chunked
            // reading swallows every error inside a field (a refused class, truncated data) and reads on.
            CompatibleFieldSerializer.CompatibleFieldSerializerConfig fields =
                    new CompatibleFieldSerializer.CompatibleFieldSerializerConfig();
            fields.setChunkedEncoding(false);
            fields.setReadUnknownFieldData(true);
            setDefaultSerializer(new SerializerFactory.BaseSerializerFactory<CheckedFields<?>>() {
                @Override
                @SuppressWarnings({"rawtypes", "unchecked"})
                public CheckedFields<?> newSerializer(Kryo kryo, Class type) {
                    return new CheckedFields<>(kryo, type, fields);
                }
            });
        }

        KryoCollections.addJdkSerializers(jdkSerializers, copyCollections);
        KryoMaps.addJdkSerializers(jdkSerializers, copyCollections, javaFallback);
        jdkSerializers.put(Collections.emptyList().getClass(), new DefaultSerializers.CollectionsEmptyListSerializer());
        jdkSerializers.put(Collections.emptyMap().getClass(), new DefaultSerializers.CollectionsEmptyMapSerializer());
        jdkSerializers.put(Collections.emptySet().getClass(), new DefaultSerializers.CollectionsEmptySetSerializer());
        jdkSerializers.put(Collections.singletonList(1).getClass(),
                new DefaultSerializers.CollectionsSingletonListSerializer());
        jdkSerializers.put(Collections.singletonMap(1, 1).getClass(),
                new DefaultSerializers.CollectionsSingletonMapSerializer());
        jdkSerializers.put(Collections.singleton(1).getClass(),
                new DefaultSerializers.CollectionsSingletonSetSerializer());
        jdkSerializers.put(UUID.class, new DefaultSerializers.UUIDSerializer());
        jdkSerializers.put(URI.class, new DefaultSerializers.URISerializer());
        jdkSerializers.put(Pattern.class, new DefaultSerializers.PatternSerializer());
        jdkSerializers.put(Timestamp.class, new DefaultSerializers.TimestampSerializer());
        jdkSerializers.put(AtomicBoolean.class, new DefaultSerializers.AtomicBooleanSerializer());
        jdkSerializers.put(AtomicInteger.class, new DefaultSerializers.AtomicIntegerSerializer());
        jdkSerializers.put(AtomicLong.class, new DefaultSerializers.AtomicLongSerializer());
        jdkSerializers.put(AtomicReference.class, new DefaultSerializers.AtomicReferenceSerializer());

        // Kryo looks lambdas up under this class; registered by name, so that reading one is refused by the allow-list
        resolver.register(new Registration(ClosureSerializer.Closure.class, new LambdaRefusal(),
                DefaultClassResolver.NAME));
        int id = FIRST_WIRE_ID;
        for (Class<?> type : WIRE_CLASSES) {
            register(type, id++);
        }
    }

    int maxDepth() {
        return maxDepth;
    }

    /** Prepares a call: classes are loaded with {@code loader} (the web application's), or msm's own when null. */
    void begin(ClassLoader loader) {
        refusedClass = null;
        containers = 0;
        setClassLoader(loader != null ? loader : ownLoader);
    }

    /**
     * Prepares a write that notes each written class readers would refuse.
     *
     * @param refused receives the class names; {@code null}: no check
     */
    void checkWrites(Set<String> refused) {
        refusedOnWrite = refused;
    }

    /** @return where the current write notes refused classes, or {@code null} */
    Set<String> refusedOnWrite() {
        return refusedOnWrite;
    }

    private void checkWritten(Object object) {
        if (refusedOnWrite != null && object != null && !allowList.allows(object.getClass())) {
            refusedOnWrite.add(FilteredObjectInput.elementName(object.getClass()));
        }
    }

    @Override
    public void writeObject(Output output, Object object) {
        checkWritten(object);
        super.writeObject(output, object);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void writeObject(Output output, Object object, Serializer serializer) {
        checkWritten(object);
        super.writeObject(output, object, serializer);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void writeObjectOrNull(Output output, Object object, Class type) {
        checkWritten(object);
        super.writeObjectOrNull(output, object, type);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void writeObjectOrNull(Output output, Object object, Serializer serializer) {
        checkWritten(object);
        super.writeObjectOrNull(output, object, serializer);
    }

    @Override
    public void writeClassAndObject(Output output, Object object) {
        checkWritten(object);
        super.writeClassAndObject(output, object);
    }

    /** Ends a call: forgets the graph and the class loader. */
    void end() {
        refusedOnWrite = null;
        reset();
        setClassLoader(ownLoader);
    }

    /** Called when this instance is not reused: see {@link KryoClassResolver#discard()}. */
    void discard() {
        end();
        resolver.discard();
    }

    /**
     * Counts a call that threw; see {@link KryoPool}.
     *
     * @return the failed calls so far
     */
    int failed() {
        return ++failures;
    }

    /**
     * Starts reading a container's elements; pair with {@link #exitContainer}.
     *
     * @throws KryoException when containers nest deeper than {@link FilteredObjectInput#MAX_CONTAINER_NESTING}
     */
    static void enterContainer(Kryo kryo) {
        if (kryo instanceof KryoInstance k && ++k.containers > FilteredObjectInput.MAX_CONTAINER_NESTING) {
            throw new KryoException("Collections, maps and arrays nest deeper than ["
                    + FilteredObjectInput.MAX_CONTAINER_NESTING + "] levels");
        }
    }

    static void exitContainer(Kryo kryo) {
        if (kryo instanceof KryoInstance k) {
            k.containers--;
        }
    }

    /** Records the class the allow-list refused, for the exception the serializer throws. */
    void refused(String className) {
        refusedClass = className;
    }

    /** @return the class the allow-list refused during the current call, or {@code null} */
    String refusedClass() {
        return refusedClass;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Serializer getDefaultSerializer(Class type) {
        Serializer<?> serializer = jdkSerializers.get(type);
        if (serializer != null) {
            return serializer;
        }
        if (type.isArray()) {
            return new ArrayGuard(super.getDefaultSerializer(type));
        }
        if (type.isEnum() || EnumSet.class.isAssignableFrom(type) || KryoSerializable.class.isAssignableFrom(type)) {
            return super.getDefaultSerializer(type);
        }
        boolean jdk = KryoClassTraits.isJdk(type);
        if (!jdk && KryoClassTraits.definesJavaSerialization(type)) {
            return javaFallback;
        }
        if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
            if (jdk && !KryoClassTraits.creatable(type) || EnumMap.class.isAssignableFrom(type)) {
                return javaSerialization(type);
            }
            if (!jdk && KryoClassTraits.hasOwnState(type) && Serializable.class.isAssignableFrom(type)) {
                // entries alone would lose the subclass's fields: Spring's FlashMap (target path, expiry), Tomcat's
                // CsrfPreventionFilter$LruCache$1 (its capacity: read back as 0, it would evict every entry)
                return javaFallback;
            }
            return Collection.class.isAssignableFrom(type) ? KryoCollections.forCollection(type, copyCollections)
                    : KryoMaps.forMap(type, copyCollections);
        }
        Serializer<?> chosen;
        try {
            chosen = super.getDefaultSerializer(type);
        } catch (InaccessibleObjectException e) { // FieldSerializer: private fields of a JDK superclass
            chosen = null;
        }
        if (chosen == null || jdk && chosen instanceof FieldSerializer) {
            return javaSerialization(type);
        }
        return chosen;
    }

    private Serializer<?> javaSerialization(Class<?> type) {
        if (Serializable.class.isAssignableFrom(type)) {
            return javaFallback;
        }
        throw new KryoException("Class [" + type.getName() + "] cannot be serialized: its state is private to the JDK "
                + "and it is not Serializable");
    }

    /**
     * Lambdas: their classes are hidden and cannot be loaded by name, and Kryo's {@code ClosureSerializer} needs
     * {@code --add-opens java.base/java.lang.invoke} on Java 17+ (it warns on each instance otherwise). A session
     * holding one fails when it is written, with the lambda's class in the message, rather than when it is read.
     */
    private static final class LambdaRefusal extends Serializer<Object> {
        @Override
        public void write(Kryo kryo, Output output, Object lambda) {
            throw new KryoException("Lambda [" + lambda.getClass().getName() + "] cannot be serialized");
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            throw new KryoException("Lambdas cannot be read");
        }
    }

    /**
     * Kryo's compatible field serializer, checking that each field read holds a value of its declared type: Kryo
     * sets a value whose class the stream names into a field of another type when the field's type is not final
     * (a field that changed from {@code int} to {@code List} would hold an {@code Integer}). Such a value means the
     * class changed incompatibly, and the session is unreadable (a fresh session, one WARN naming the class).
     */
    static final class CheckedFields<T> extends CompatibleFieldSerializer<T> {
        CheckedFields(Kryo kryo, Class<T> type, CompatibleFieldSerializerConfig config) {
            super(kryo, type, config);
        }

        @Override
        public T read(Kryo kryo, Input input, Class<? extends T> type) {
            T object = super.read(kryo, input, type);
            for (CachedField cached : getFields()) {
                java.lang.reflect.Field field = cached.getField();
                if (field.getType().isPrimitive()) {
                    continue;
                }
                Object value;
                try {
                    value = field.get(object);
                } catch (IllegalAccessException e) {
                    throw new KryoException(e);
                }
                if (value != null && !field.getType().isInstance(value)) {
                    throw new KryoException("Class [" + type.getName() + "] changed incompatibly: its field ["
                            + field.getName() + "] of type [" + field.getType().getName() + "] was written as ["
                            + value.getClass().getName() + "]");
                }
            }
            return object;
        }
    }

    /**
     * Kryo's array serializers, after checking the declared length against the bytes left: they allocate the array
     * before reading its elements.
     */
    private static final class ArrayGuard extends Serializer<Object> {
        private final Serializer<Object> array;

        @SuppressWarnings("unchecked")
        ArrayGuard(Serializer<?> array) {
            super(array.getAcceptsNull(), array.isImmutable());
            this.array = (Serializer<Object>) array;
        }

        @Override
        public void write(Kryo kryo, Output output, Object object) {
            array.write(kryo, output, object);
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            int start = input.position();
            int length = input.readVarInt(true); // the length + 1, 0 for null
            input.setPosition(start);
            if (length != 0) {
                KryoBoundedInput.claimElements(input, length - 1);
            }
            enterContainer(kryo);
            try {
                return array.read(kryo, input, type);
            } finally {
                exitContainer(kryo);
            }
        }
    }
}

package dev.msm.core.serial.kryo;

import java.lang.reflect.Constructor;
import java.util.Collection;
import java.util.Comparator;
import java.util.ConcurrentModificationException;
import java.util.Hashtable;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.Vector;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * The stored format of collections and maps, shared by {@link KryoCollections} and {@link KryoMaps}, which replace
 * Kryo's {@code CollectionSerializer} and {@code MapSerializer} family:
 * <ul>
 * <li>The count written always matches the elements written. Kryo's serializers read {@code size()} and iterate
 * separately, so a collection another request changes meanwhile could yield a stream that reads back wrong; here a
 * change shows as a {@link ConcurrentModificationException} (the engine serializes again). With
 * {@code copyCollectionsForSerialization} (and always for {@code java.util.concurrent} types, {@code Vector},
 * {@code Hashtable} and synchronized wrappers, whose {@code toArray()} is atomic) a snapshot is taken first.</li>
 * <li>Reading never allocates beyond what the stream can hold ({@link KryoBoundedInput#claimElements}).</li>
 * <li>JDK collections Kryo 5.6.2 can only handle with reflection into {@code java.util}
 * ({@code Collections.unmodifiable*}, {@code synchronized*}, {@code List.of}/{@code Set.of}/{@code Map.of},
 * {@code Arrays.asList}, {@code EnumMap}) are rebuilt through their public factories, so no {@code --add-opens} is
 * needed.</li>
 * </ul>
 * Format: an optional header (the comparator of sorted types), the size, then each element (or key and value) with
 * its class. Cycles through mutable collections, wrappers and {@code Arrays.asList} are kept (the container is
 * registered as a reference before its elements are read); an element of {@code List.of(...)} that refers back to the
 * list reads as {@code null}, since the list can only be built after its elements. All serializers are stateless.
 */
final class KryoContainers {

    private KryoContainers() {
    }

    /**
     * Types whose iteration may disagree with {@code size()} under concurrent change, or whose {@code toArray()} is the
     * only atomic way to read them: {@code java.util.concurrent} collections, {@code Vector}, {@code Hashtable}.
     */
    static boolean needsSnapshot(Class<?> type) {
        if (Vector.class.isAssignableFrom(type) || Hashtable.class.isAssignableFrom(type)) {
            return true;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getPackageName().equals("java.util.concurrent")) {
                return true;
            }
        }
        return false;
    }

    static void writeElements(Kryo kryo, Output output, Collection<?> collection, boolean snapshot) {
        if (snapshot) {
            Object[] elements = collection.toArray();
            output.writeVarInt(elements.length, true);
            for (Object element : elements) {
                kryo.writeClassAndObject(output, element);
            }
            return;
        }
        int size = collection.size();
        output.writeVarInt(size, true);
        int written = 0;
        for (Object element : collection) {
            if (++written > size) {
                break;
            }
            kryo.writeClassAndObject(output, element);
        }
        if (written != size) {
            throw changed(collection);
        }
    }

    static void writeEntries(Kryo kryo, Output output, Map<?, ?> map, boolean snapshot) {
        if (snapshot) {
            Object[] entries = map.entrySet().toArray();
            output.writeVarInt(entries.length, true);
            for (Object entry : entries) {
                Map.Entry<?, ?> e = (Map.Entry<?, ?>) entry;
                kryo.writeClassAndObject(output, e.getKey());
                kryo.writeClassAndObject(output, e.getValue());
            }
            return;
        }
        int size = map.size();
        output.writeVarInt(size, true);
        int written = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (++written > size) {
                break;
            }
            kryo.writeClassAndObject(output, e.getKey());
            kryo.writeClassAndObject(output, e.getValue());
        }
        if (written != size) {
            throw changed(map);
        }
    }

    private static ConcurrentModificationException changed(Object container) {
        return new ConcurrentModificationException("[" + container.getClass().getName()
                + "] changed while it was serialized");
    }

    /** Reads a size and reserves room for it; see {@link KryoBoundedInput}. */
    static int readSize(Input input) {
        int size = input.readVarInt(true);
        KryoBoundedInput.claimElements(input, size);
        return size;
    }

    static void readElements(Kryo kryo, Input input, int size, Collection<Object> into) {
        KryoInstance.enterContainer(kryo);
        try {
            for (int i = 0; i < size; i++) {
                into.add(kryo.readClassAndObject(input));
            }
        } finally {
            KryoInstance.exitContainer(kryo);
        }
    }

    static void readElements(Kryo kryo, Input input, Object[] into) {
        KryoInstance.enterContainer(kryo);
        try {
            for (int i = 0; i < into.length; i++) {
                into[i] = kryo.readClassAndObject(input);
            }
        } finally {
            KryoInstance.exitContainer(kryo);
        }
    }

    static void readEntries(Kryo kryo, Input input, int size, Map<Object, Object> into) {
        KryoInstance.enterContainer(kryo);
        try {
            for (int i = 0; i < size; i++) {
                Object key = kryo.readClassAndObject(input);
                into.put(key, kryo.readClassAndObject(input));
            }
        } finally {
            KryoInstance.exitContainer(kryo);
        }
    }

    static int hashCapacity(int size) {
        return (int) Math.min(1 << 30, size / 0.75f + 1);
    }

    static void writeComparator(Kryo kryo, Output output, Comparator<?> comparator) {
        kryo.writeClassAndObject(output, comparator);
    }

    @SuppressWarnings("unchecked")
    static Comparator<Object> readComparator(Kryo kryo, Input input) {
        Object comparator = kryo.readClassAndObject(input);
        if (comparator != null && !(comparator instanceof Comparator)) {
            throw new KryoException("Corrupt data: [" + comparator.getClass().getName() + "] is not a Comparator");
        }
        return (Comparator<Object>) comparator;
    }

    @SuppressWarnings("unchecked")
    static <T> T cast(Object o) {
        return (T) o;
    }

    /** Creates {@code type} through its constructor taking a comparator (or the no-argument one without comparator). */
    static <T> T withComparator(Kryo kryo, Class<?> type, Comparator<Object> comparator) {
        if (comparator == null) {
            return cast(kryo.newInstance(type));
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(Comparator.class);
            constructor.setAccessible(true);
            return cast(constructor.newInstance(comparator));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new KryoException("Cannot create a [" + type.getName() + "] with a comparator", e);
        }
    }

    /**
     * A collection or map that is created empty and then filled: the comparator when sorted, the size, a new
     * container registered as a reference before its contents are read (so cycles through it resolve), then the
     * elements or entries.
     *
     * @param <C> the backing {@code Collection<Object>} or {@code Map<Object, Object>} the contents are read into
     */
    abstract static class Filled<C> extends Serializer<Object> {
        private final boolean sorted;
        private final boolean snapshot;

        Filled(boolean sorted, boolean snapshot) {
            this.sorted = sorted;
            this.snapshot = snapshot;
        }

        /** @return the empty container the contents are read into */
        abstract C create(Kryo kryo, Class<?> type, Comparator<Object> comparator, int size);

        /** @return what the reader gets: the container itself, or a view of it */
        Object view(C backing) {
            return backing;
        }

        /** @return the comparator of a sorted container (called only when sorted) */
        Comparator<?> comparator(Object container) {
            return container instanceof SortedMap<?, ?> map ? map.comparator()
                    : ((SortedSet<?>) container).comparator();
        }

        @Override
        public final void write(Kryo kryo, Output output, Object container) {
            if (sorted) {
                writeComparator(kryo, output, comparator(container));
            }
            if (container instanceof Map<?, ?> map) {
                writeEntries(kryo, output, map, snapshot);
            } else {
                writeElements(kryo, output, (Collection<?>) container, snapshot);
            }
        }

        @Override
        public final Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            Comparator<Object> comparator = sorted ? readComparator(kryo, input) : null;
            int size = readSize(input);
            C backing = create(kryo, type, comparator, size);
            Object container = view(backing);
            kryo.reference(container);
            if (backing instanceof Map) {
                readEntries(kryo, input, size, cast(backing));
            } else {
                readElements(kryo, input, size, cast(backing));
            }
            return container;
        }
    }
}

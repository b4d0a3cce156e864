package dev.msm.core.serial.kryo;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.ConcurrentModificationException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.PriorityBlockingQueue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Kryo serializers for collections and maps, used instead of Kryo's {@code CollectionSerializer} and
 * {@code MapSerializer} family:
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
final class KryoCollections {

    private KryoCollections() {
    }

    /**
     * Adds the serializers for JDK collection and map classes that need one of their own, keyed by exact class.
     */
    static void addJdkSerializers(Map<Class<?>, Serializer<?>> table, boolean copy, KryoJavaFallback fallback) {
        List<Object> list = new ArrayList<>(List.of(1));
        Set<Object> set = new HashSet<>(Set.of(1));
        TreeSet<Object> sortedSet = new TreeSet<>(Set.of(1));
        Map<Object, Object> map = new HashMap<>(Map.of(1, 1));
        TreeMap<Object, Object> sortedMap = new TreeMap<>(Map.of(1, 1));
        for (Wrapper kind : Wrapper.values()) {
            Serializer<?> serializer = new WrappedCollection(kind, copy);
            table.put(kind.wrap(kind.sorted ? sortedSet : kind.set ? set : list).getClass(), serializer);
            if (kind.list) {
                table.put(kind.wrap(new LinkedList<>(list)).getClass(), serializer); // not RandomAccess
            }
        }
        for (MapWrapper kind : MapWrapper.values()) {
            table.put(kind.wrap(kind.sorted ? sortedMap : map).getClass(), new WrappedMap(kind, copy));
        }
        Serializer<?> immutableList = new ImmutableCollection(false);
        for (List<?> l : List.of(List.of(), List.of(1), List.of(1, 2, 3), List.of(1, 2, 3).subList(0, 2))) {
            table.put(l.getClass(), immutableList);
        }
        Serializer<?> immutableSet = new ImmutableCollection(true);
        for (Set<?> s : List.of(Set.of(), Set.of(1), Set.of(1, 2, 3))) {
            table.put(s.getClass(), immutableSet);
        }
        Serializer<?> immutableMap = new ImmutableMap();
        for (Map<?, ?> m : List.of(Map.of(), Map.of(1, 1), Map.of(1, 1, 2, 2))) {
            table.put(m.getClass(), immutableMap);
        }
        table.put(Arrays.asList().getClass(), new AsList());
        table.put(EnumMap.class, new EnumMapSerializer(copy, fallback));
    }

    /** @return a serializer for a collection class without one of its own in the table */
    static Serializer<?> forCollection(Class<?> type, boolean copy) {
        boolean snapshot = copy || needsSnapshot(type);
        if (SortedSet.class.isAssignableFrom(type) || PriorityQueue.class.isAssignableFrom(type)
                || PriorityBlockingQueue.class.isAssignableFrom(type)) {
            return new SortedCollection(snapshot);
        }
        return new MutableCollection(snapshot);
    }

    /** @return a serializer for a map class without one of its own in the table */
    static Serializer<?> forMap(Class<?> type, boolean copy) {
        boolean snapshot = copy || needsSnapshot(type);
        if (SortedMap.class.isAssignableFrom(type)) {
            return new SortedMapSerializer(snapshot);
        }
        return new MutableMap(snapshot);
    }

    /**
     * Types whose iteration may disagree with {@code size()} under concurrent change, or whose {@code toArray()} is the
     * only atomic way to read them: {@code java.util.concurrent} collections, {@code Vector}, {@code Hashtable}.
     */
    private static boolean needsSnapshot(Class<?> type) {
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
    private static <T> T cast(Object o) {
        return (T) o;
    }

    /** Creates {@code type} through its constructor taking a comparator (or the no-argument one without comparator). */
    private static <T> T withComparator(Kryo kryo, Class<?> type, Comparator<Object> comparator) {
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

    /** ArrayList, HashSet, LinkedList, ArrayDeque, CopyOnWriteArrayList, application collections: create, fill. */
    static final class MutableCollection extends Serializer<Object> {
        private final boolean snapshot;

        MutableCollection(boolean snapshot) {
            this.snapshot = snapshot;
        }

        @Override
        public void write(Kryo kryo, Output output, Object collection) {
            writeElements(kryo, output, (Collection<?>) collection, snapshot);
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            int size = readSize(input);
            Collection<Object> collection;
            if (type == ArrayList.class) {
                collection = new ArrayList<>(size);
            } else if (type == HashSet.class) {
                collection = new HashSet<>(hashCapacity(size));
            } else if (type == LinkedHashSet.class) {
                collection = new LinkedHashSet<>(hashCapacity(size));
            } else {
                collection = cast(kryo.newInstance(type));
            }
            kryo.reference(collection);
            readElements(kryo, input, size, collection);
            return collection;
        }
    }

    /** Sorted sets and priority queues: the comparator, then the elements. */
    static final class SortedCollection extends Serializer<Object> {
        private final boolean snapshot;

        SortedCollection(boolean snapshot) {
            this.snapshot = snapshot;
        }

        @Override
        public void write(Kryo kryo, Output output, Object collection) {
            Comparator<?> comparator;
            if (collection instanceof SortedSet<?> s) {
                comparator = s.comparator();
            } else if (collection instanceof PriorityQueue<?> q) {
                comparator = q.comparator();
            } else {
                comparator = ((PriorityBlockingQueue<?>) collection).comparator();
            }
            writeComparator(kryo, output, comparator);
            writeElements(kryo, output, (Collection<?>) collection, snapshot);
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            Comparator<Object> comparator = readComparator(kryo, input);
            int size = readSize(input);
            Collection<Object> collection;
            if (type == TreeSet.class) {
                collection = new TreeSet<>(comparator);
            } else if (type == ConcurrentSkipListSet.class) {
                collection = new ConcurrentSkipListSet<>(comparator);
            } else if (type == PriorityQueue.class) {
                collection = new PriorityQueue<>(Math.max(1, size), comparator);
            } else if (type == PriorityBlockingQueue.class) {
                collection = new PriorityBlockingQueue<>(Math.max(1, size), comparator);
            } else {
                collection = withComparator(kryo, type, comparator);
            }
            kryo.reference(collection);
            readElements(kryo, input, size, collection);
            return collection;
        }
    }

    /** The views of {@link Collections}: read into a new collection, which is wrapped again. */
    enum Wrapper {
        UNMODIFIABLE_COLLECTION(false, false, false, false),
        UNMODIFIABLE_LIST(true, false, false, false),
        UNMODIFIABLE_SET(false, true, false, false),
        UNMODIFIABLE_SORTED_SET(false, true, true, false),
        UNMODIFIABLE_NAVIGABLE_SET(false, true, true, false),
        SYNCHRONIZED_COLLECTION(false, false, false, true),
        SYNCHRONIZED_LIST(true, false, false, true),
        SYNCHRONIZED_SET(false, true, false, true),
        SYNCHRONIZED_SORTED_SET(false, true, true, true),
        SYNCHRONIZED_NAVIGABLE_SET(false, true, true, true);

        final boolean list;
        final boolean set;
        final boolean sorted;
        /** A synchronized view's {@code toArray()} holds its lock; iterating it would not. */
        final boolean synchronizedView;

        Wrapper(boolean list, boolean set, boolean sorted, boolean synchronizedView) {
            this.list = list;
            this.set = set;
            this.sorted = sorted;
            this.synchronizedView = synchronizedView;
        }

        Collection<Object> newBacking(Comparator<Object> comparator, int size) {
            if (sorted) {
                return new TreeSet<>(comparator);
            }
            return set ? new LinkedHashSet<>(hashCapacity(size)) : new ArrayList<>(size);
        }

        Collection<Object> wrap(Collection<Object> c) {
            return switch (this) {
                case UNMODIFIABLE_COLLECTION -> Collections.unmodifiableCollection(c);
                case UNMODIFIABLE_LIST -> Collections.unmodifiableList((List<Object>) c);
                case UNMODIFIABLE_SET -> Collections.unmodifiableSet((Set<Object>) c);
                case UNMODIFIABLE_SORTED_SET -> Collections.unmodifiableSortedSet((SortedSet<Object>) c);
                case UNMODIFIABLE_NAVIGABLE_SET -> Collections.unmodifiableNavigableSet((NavigableSet<Object>) c);
                case SYNCHRONIZED_COLLECTION -> Collections.synchronizedCollection(c);
                case SYNCHRONIZED_LIST -> Collections.synchronizedList((List<Object>) c);
                case SYNCHRONIZED_SET -> Collections.synchronizedSet((Set<Object>) c);
                case SYNCHRONIZED_SORTED_SET -> Collections.synchronizedSortedSet((SortedSet<Object>) c);
                case SYNCHRONIZED_NAVIGABLE_SET -> Collections.synchronizedNavigableSet((NavigableSet<Object>) c);
            };
        }
    }

    /** {@code Collections.unmodifiable*} and {@code Collections.synchronized*} collections. */
    static final class WrappedCollection extends Serializer<Object> {
        private final Wrapper kind;
        private final boolean snapshot;

        WrappedCollection(Wrapper kind, boolean copy) {
            this.kind = kind;
            this.snapshot = copy || kind.synchronizedView;
        }

        @Override
        public void write(Kryo kryo, Output output, Object collection) {
            if (kind.sorted) {
                writeComparator(kryo, output, ((SortedSet<?>) collection).comparator());
            }
            writeElements(kryo, output, (Collection<?>) collection, snapshot);
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            Comparator<Object> comparator = kind.sorted ? readComparator(kryo, input) : null;
            int size = readSize(input);
            Collection<Object> backing = kind.newBacking(comparator, size);
            Collection<Object> view = kind.wrap(backing);
            kryo.reference(view);
            readElements(kryo, input, size, backing);
            return view;
        }
    }

    /** {@code List.of}, {@code Set.of}, {@code List.copyOf}, {@code Stream.toList()} (which may hold nulls). */
    static final class ImmutableCollection extends Serializer<Object> {
        private final boolean set;

        ImmutableCollection(boolean set) {
            this.set = set;
        }

        @Override
        public void write(Kryo kryo, Output output, Object collection) {
            writeElements(kryo, output, (Collection<?>) collection, false);
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            int size = readSize(input);
            Object[] elements = new Object[size];
            readElements(kryo, input, elements);
            if (set) {
                return Set.of(elements);
            }
            for (Object element : elements) {
                if (element == null) {
                    return Collections.unmodifiableList(Arrays.asList(elements)); // from Stream.toList()
                }
            }
            return List.of(elements);
        }
    }

    /** {@code Arrays.asList}: a fixed-size list over an array. */
    static final class AsList extends Serializer<Object> {
        @Override
        public void write(Kryo kryo, Output output, Object list) {
            writeElements(kryo, output, (Collection<?>) list, false);
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            int size = readSize(input);
            Object[] elements = new Object[size];
            List<Object> list = Arrays.asList(elements);
            kryo.reference(list);
            readElements(kryo, input, elements);
            return list;
        }
    }

    /** HashMap, LinkedHashMap, ConcurrentHashMap, Hashtable, IdentityHashMap, application maps: create, fill. */
    static final class MutableMap extends Serializer<Object> {
        private final boolean snapshot;

        MutableMap(boolean snapshot) {
            this.snapshot = snapshot;
        }

        @Override
        public void write(Kryo kryo, Output output, Object map) {
            writeEntries(kryo, output, (Map<?, ?>) map, snapshot);
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            int size = readSize(input);
            Map<Object, Object> map;
            if (type == HashMap.class) {
                map = new HashMap<>(hashCapacity(size));
            } else if (type == LinkedHashMap.class) {
                map = new LinkedHashMap<>(hashCapacity(size));
            } else if (type == ConcurrentHashMap.class) {
                map = new ConcurrentHashMap<>(size);
            } else {
                map = cast(kryo.newInstance(type));
            }
            kryo.reference(map);
            readEntries(kryo, input, size, map);
            return map;
        }
    }

    /** TreeMap, ConcurrentSkipListMap and other sorted maps: the comparator, then the entries. */
    static final class SortedMapSerializer extends Serializer<Object> {
        private final boolean snapshot;

        SortedMapSerializer(boolean snapshot) {
            this.snapshot = snapshot;
        }

        @Override
        public void write(Kryo kryo, Output output, Object map) {
            writeComparator(kryo, output, ((SortedMap<?, ?>) map).comparator());
            writeEntries(kryo, output, (Map<?, ?>) map, snapshot);
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            Comparator<Object> comparator = readComparator(kryo, input);
            int size = readSize(input);
            Map<Object, Object> map;
            if (type == TreeMap.class) {
                map = new TreeMap<>(comparator);
            } else if (type == ConcurrentSkipListMap.class) {
                map = new ConcurrentSkipListMap<>(comparator);
            } else {
                map = withComparator(kryo, type, comparator);
            }
            kryo.reference(map);
            readEntries(kryo, input, size, map);
            return map;
        }
    }

    /** The map views of {@link Collections}. */
    enum MapWrapper {
        UNMODIFIABLE_MAP(false, false),
        UNMODIFIABLE_SORTED_MAP(true, false),
        UNMODIFIABLE_NAVIGABLE_MAP(true, false),
        SYNCHRONIZED_MAP(false, true),
        SYNCHRONIZED_SORTED_MAP(true, true),
        SYNCHRONIZED_NAVIGABLE_MAP(true, true);

        final boolean sorted;
        final boolean synchronizedView;

        MapWrapper(boolean sorted, boolean synchronizedView) {
            this.sorted = sorted;
            this.synchronizedView = synchronizedView;
        }

        Map<Object, Object> wrap(Map<Object, Object> m) {
            return switch (this) {
                case UNMODIFIABLE_MAP -> Collections.unmodifiableMap(m);
                case UNMODIFIABLE_SORTED_MAP -> Collections.unmodifiableSortedMap((SortedMap<Object, Object>) m);
                case UNMODIFIABLE_NAVIGABLE_MAP -> Collections.unmodifiableNavigableMap(navigable(m));
                case SYNCHRONIZED_MAP -> Collections.synchronizedMap(m);
                case SYNCHRONIZED_SORTED_MAP -> Collections.synchronizedSortedMap((SortedMap<Object, Object>) m);
                case SYNCHRONIZED_NAVIGABLE_MAP -> Collections.synchronizedNavigableMap(navigable(m));
            };
        }

        private static NavigableMap<Object, Object> navigable(Map<Object, Object> m) {
            return (NavigableMap<Object, Object>) m;
        }
    }

    /** {@code Collections.unmodifiable*Map} and {@code Collections.synchronized*Map}. */
    static final class WrappedMap extends Serializer<Object> {
        private final MapWrapper kind;
        private final boolean snapshot;

        WrappedMap(MapWrapper kind, boolean copy) {
            this.kind = kind;
            this.snapshot = copy || kind.synchronizedView;
        }

        @Override
        public void write(Kryo kryo, Output output, Object map) {
            if (kind.sorted) {
                writeComparator(kryo, output, ((SortedMap<?, ?>) map).comparator());
            }
            writeEntries(kryo, output, (Map<?, ?>) map, snapshot);
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            Comparator<Object> comparator = kind.sorted ? readComparator(kryo, input) : null;
            int size = readSize(input);
            Map<Object, Object> backing = kind.sorted ? new TreeMap<>(comparator)
                    : new LinkedHashMap<>(hashCapacity(size));
            Map<Object, Object> view = kind.wrap(backing);
            kryo.reference(view);
            readEntries(kryo, input, size, backing);
            return view;
        }
    }

    /** {@code Map.of}, {@code Map.ofEntries}, {@code Map.copyOf}. */
    static final class ImmutableMap extends Serializer<Object> {
        @Override
        public void write(Kryo kryo, Output output, Object map) {
            writeEntries(kryo, output, (Map<?, ?>) map, false);
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            int size = readSize(input);
            Map<Object, Object> entries = new LinkedHashMap<>(hashCapacity(size));
            readEntries(kryo, input, size, entries);
            return Map.copyOf(entries);
        }
    }

    /**
     * {@link EnumMap}: the key type is taken from a key, so an empty map (whose key type only {@code EnumMap}'s private
     * field knows) is written with Java serialization.
     */
    static final class EnumMapSerializer extends Serializer<Object> {
        private final boolean copy;
        private final KryoJavaFallback fallback;

        EnumMapSerializer(boolean copy, KryoJavaFallback fallback) {
            this.copy = copy;
            this.fallback = fallback;
        }

        @Override
        public void write(Kryo kryo, Output output, Object object) {
            EnumMap<?, ?> map = (EnumMap<?, ?>) object;
            Object[] keys = map.keySet().toArray();
            output.writeBoolean(keys.length == 0);
            if (keys.length == 0) {
                fallback.write(kryo, output, map);
                return;
            }
            kryo.writeClass(output, ((Enum<?>) keys[0]).getDeclaringClass());
            writeEntries(kryo, output, map, copy);
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
            if (input.readBoolean()) {
                Object empty = fallback.read(kryo, input, type);
                if (!(empty instanceof EnumMap)) {
                    throw new KryoException("Corrupt data: an EnumMap was expected");
                }
                return empty;
            }
            Registration keyType = kryo.readClass(input);
            if (keyType == null || !keyType.getType().isEnum()) {
                throw new KryoException("Corrupt data: EnumMap keys must be enum constants");
            }
            Map<Object, Object> map = new EnumMap(keyType.getType());
            int size = readSize(input);
            kryo.reference(map);
            readEntries(kryo, input, size, map);
            return map;
        }
    }
}

package dev.msm.core.serial.kryo;

import static dev.msm.core.serial.kryo.KryoContainers.cast;
import static dev.msm.core.serial.kryo.KryoContainers.hashCapacity;
import static dev.msm.core.serial.kryo.KryoContainers.readEntries;
import static dev.msm.core.serial.kryo.KryoContainers.readSize;
import static dev.msm.core.serial.kryo.KryoContainers.withComparator;
import static dev.msm.core.serial.kryo.KryoContainers.writeEntries;

import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Kryo serializers for maps, used instead of Kryo's {@code MapSerializer} family; the format and its guarantees are
 * described in {@link KryoContainers}. Collections are in {@link KryoCollections}.
 */
final class KryoMaps {

    private KryoMaps() {
    }

    /**
     * Adds the serializers for JDK map classes that need one of their own, keyed by exact class.
     */
    static void addJdkSerializers(Map<Class<?>, Serializer<?>> table, boolean copy, KryoJavaFallback fallback) {
        Map<Object, Object> map = new HashMap<>(Map.of(1, 1));
        TreeMap<Object, Object> sortedMap = new TreeMap<>(Map.of(1, 1));
        for (MapWrapper kind : MapWrapper.values()) {
            table.put(kind.wrap(kind.sorted ? sortedMap : map).getClass(), new WrappedMap(kind, copy));
        }
        Serializer<?> immutableMap = new ImmutableMap();
        for (Map<?, ?> m : List.of(Map.of(), Map.of(1, 1), Map.of(1, 1, 2, 2))) {
            table.put(m.getClass(), immutableMap);
        }
        table.put(EnumMap.class, new EnumMapSerializer(copy, fallback));
    }

    /** @return a serializer for a map class without one of its own in the table */
    static Serializer<?> forMap(Class<?> type, boolean copy) {
        boolean snapshot = copy || KryoContainers.needsSnapshot(type);
        if (SortedMap.class.isAssignableFrom(type)) {
            return new SortedMapSerializer(snapshot);
        }
        return new MutableMap(snapshot);
    }

    /** HashMap, LinkedHashMap, ConcurrentHashMap, Hashtable, IdentityHashMap, application maps: create, fill. */
    static final class MutableMap extends KryoContainers.Filled<Map<Object, Object>> {
        MutableMap(boolean snapshot) {
            super(false, snapshot);
        }

        @Override
        Map<Object, Object> create(Kryo kryo, Class<?> type, Comparator<Object> comparator, int size) {
            if (type == HashMap.class) {
                return new HashMap<>(hashCapacity(size));
            } else if (type == LinkedHashMap.class) {
                return new LinkedHashMap<>(hashCapacity(size));
            } else if (type == ConcurrentHashMap.class) {
                return new ConcurrentHashMap<>(size);
            }
            return cast(kryo.newInstance(type));
        }
    }

    /** TreeMap, ConcurrentSkipListMap and other sorted maps: the comparator, then the entries. */
    static final class SortedMapSerializer extends KryoContainers.Filled<Map<Object, Object>> {
        SortedMapSerializer(boolean snapshot) {
            super(true, snapshot);
        }

        @Override
        Map<Object, Object> create(Kryo kryo, Class<?> type, Comparator<Object> comparator, int size) {
            if (type == TreeMap.class) {
                return new TreeMap<>(comparator);
            } else if (type == ConcurrentSkipListMap.class) {
                return new ConcurrentSkipListMap<>(comparator);
            }
            return withComparator(kryo, type, comparator);
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
    static final class WrappedMap extends KryoContainers.Filled<Map<Object, Object>> {
        private final MapWrapper kind;

        WrappedMap(MapWrapper kind, boolean copy) {
            super(kind.sorted, copy || kind.synchronizedView);
            this.kind = kind;
        }

        @Override
        Map<Object, Object> create(Kryo kryo, Class<?> type, Comparator<Object> comparator, int size) {
            return kind.sorted ? new TreeMap<>(comparator) : new LinkedHashMap<>(hashCapacity(size));
        }

        @Override
        Object view(Map<Object, Object> backing) {
            return kind.wrap(backing);
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

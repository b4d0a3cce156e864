package dev.msm.core.serial.kryo;

import static dev.msm.core.serial.kryo.KryoContainers.cast;
import static dev.msm.core.serial.kryo.KryoContainers.hashCapacity;
import static dev.msm.core.serial.kryo.KryoContainers.readElements;
import static dev.msm.core.serial.kryo.KryoContainers.readSize;
import static dev.msm.core.serial.kryo.KryoContainers.withComparator;
import static dev.msm.core.serial.kryo.KryoContainers.writeElements;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.PriorityBlockingQueue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Kryo serializers for collections, used instead of Kryo's {@code CollectionSerializer} family; the format and its
 * guarantees are described in {@link KryoContainers}. Maps are in {@link KryoMaps}.
 */
final class KryoCollections {

    private KryoCollections() {
    }

    /**
     * Adds the serializers for JDK collection classes that need one of their own, keyed by exact class.
     */
    static void addJdkSerializers(Map<Class<?>, Serializer<?>> table, boolean copy) {
        List<Object> list = new ArrayList<>(List.of(1));
        Set<Object> set = new HashSet<>(Set.of(1));
        TreeSet<Object> sortedSet = new TreeSet<>(Set.of(1));
        for (Wrapper kind : Wrapper.values()) {
            Serializer<?> serializer = new WrappedCollection(kind, copy);
            table.put(kind.wrap(kind.sorted ? sortedSet : kind.set ? set : list).getClass(), serializer);
            if (kind.list) {
                table.put(kind.wrap(new LinkedList<>(list)).getClass(), serializer); // not RandomAccess
            }
        }
        Serializer<?> immutableList = new ImmutableCollection(false);
        for (List<?> l : List.of(List.of(), List.of(1), List.of(1, 2, 3), List.of(1, 2, 3).subList(0, 2))) {
            table.put(l.getClass(), immutableList);
        }
        Serializer<?> immutableSet = new ImmutableCollection(true);
        for (Set<?> s : List.of(Set.of(), Set.of(1), Set.of(1, 2, 3))) {
            table.put(s.getClass(), immutableSet);
        }
        table.put(Arrays.asList().getClass(), new AsList());
    }

    /** @return a serializer for a collection class without one of its own in the table */
    static Serializer<?> forCollection(Class<?> type, boolean copy) {
        boolean snapshot = copy || KryoContainers.needsSnapshot(type);
        if (SortedSet.class.isAssignableFrom(type) || PriorityQueue.class.isAssignableFrom(type)
                || PriorityBlockingQueue.class.isAssignableFrom(type)) {
            return new SortedCollection(snapshot);
        }
        return new MutableCollection(snapshot);
    }

    /** ArrayList, HashSet, LinkedList, ArrayDeque, CopyOnWriteArrayList, application collections: create, fill. */
    static final class MutableCollection extends KryoContainers.Filled<Collection<Object>> {
        MutableCollection(boolean snapshot) {
            super(false, snapshot);
        }

        @Override
        Collection<Object> create(Kryo kryo, Class<?> type, Comparator<Object> comparator, int size) {
            if (type == ArrayList.class) {
                return new ArrayList<>(size);
            } else if (type == HashSet.class) {
                return new HashSet<>(hashCapacity(size));
            } else if (type == LinkedHashSet.class) {
                return new LinkedHashSet<>(hashCapacity(size));
            }
            return cast(kryo.newInstance(type));
        }
    }

    /** Sorted sets and priority queues: the comparator, then the elements. */
    static final class SortedCollection extends KryoContainers.Filled<Collection<Object>> {
        SortedCollection(boolean snapshot) {
            super(true, snapshot);
        }

        @Override
        Comparator<?> comparator(Object collection) {
            if (collection instanceof PriorityQueue<?> q) {
                return q.comparator();
            } else if (collection instanceof PriorityBlockingQueue<?> q) {
                return q.comparator();
            }
            return super.comparator(collection);
        }

        @Override
        Collection<Object> create(Kryo kryo, Class<?> type, Comparator<Object> comparator, int size) {
            if (type == TreeSet.class) {
                return new TreeSet<>(comparator);
            } else if (type == ConcurrentSkipListSet.class) {
                return new ConcurrentSkipListSet<>(comparator);
            } else if (type == PriorityQueue.class) {
                return new PriorityQueue<>(Math.max(1, size), comparator);
            } else if (type == PriorityBlockingQueue.class) {
                return new PriorityBlockingQueue<>(Math.max(1, size), comparator);
            }
            return withComparator(kryo, type, comparator);
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
    static final class WrappedCollection extends KryoContainers.Filled<Collection<Object>> {
        private final Wrapper kind;

        WrappedCollection(Wrapper kind, boolean copy) {
            super(kind.sorted, copy || kind.synchronizedView);
            this.kind = kind;
        }

        @Override
        Collection<Object> create(Kryo kryo, Class<?> type, Comparator<Object> comparator, int size) {
            return kind.newBacking(comparator, size);
        }

        @Override
        Object view(Collection<Object> backing) {
            return kind.wrap(backing);
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
}

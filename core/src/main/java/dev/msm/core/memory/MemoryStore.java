package dev.msm.core.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.NodeListener;
import dev.msm.api.SessionStore;
import dev.msm.api.StoreNode;
import dev.msm.api.StoreUnavailableException;
import dev.msm.api.Stores;
import dev.msm.api.Versioned;

/**
 * An in-JVM {@link SessionStore} with memcached's semantics: per-node key spaces, time to live, atomic add and
 * compare-and-set. Stores created with the same name share their data (two contexts, or two embedded Tomcats in one
 * test JVM, see each other's sessions). Nodes can be switched off to test failover without a server.
 */
final class MemoryStore implements SessionStore {

    private static final Log log = LogFactory.getLog(MemoryStore.class);

    /** Shared data, per store name. */
    static final class Space {
        final Map<String, Entry> entries = new ConcurrentHashMap<>();
        final Map<String, Boolean> down = new ConcurrentHashMap<>();
        final List<MemoryStore> stores = new CopyOnWriteArrayList<>();
    }

    private record Entry(byte[] value, long expiresAtNanos, long version) {
        boolean expired(long now) {
            return expiresAtNanos != 0 && now - expiresAtNanos >= 0;
        }
    }

    private static final AtomicLong VERSIONS = new AtomicLong();
    private static final String SELF = "";

    private final String name;
    private final Space space;
    private final List<StoreNode> nodes;
    private final int maxValueBytes;
    private final LongSupplier nanoClock;
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong writes = new AtomicLong();

    MemoryStore(String name, Space space, List<StoreNode> nodes, int maxValueBytes, LongSupplier nanoClock) {
        this.name = name;
        this.space = space;
        this.nodes = List.copyOf(nodes);
        this.maxValueBytes = maxValueBytes;
        this.nanoClock = nanoClock;
        space.stores.add(this);
    }

    void fireAvailability(String node, boolean available) {
        NodeListener.tell(listeners, node, available, (l, t) -> log.warn("Node listener [" + l + "] failed", t));
    }

    @Override
    public List<StoreNode> nodes() {
        return nodes;
    }

    @Override
    public boolean isAvailable(String node) {
        return !space.down.containsKey(nodeKey(node));
    }

    @Override
    public void addNodeListener(NodeListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    private String nodeKey(String node) {
        if (nodes.isEmpty()) {
            if (node != null) {
                throw new IllegalArgumentException("Store [memory " + name + "] has no explicit nodes; got [" + node
                        + "]");
            }
            return SELF;
        }
        for (StoreNode n : nodes) {
            if (n.id().equals(node)) {
                return node;
            }
        }
        throw new IllegalArgumentException("Unknown node [" + node + "] of store [memory " + name + "]");
    }

    private String slot(String node, String key) {
        String n = nodeKey(node);
        SessionStore.checkKey(key);
        if (space.down.containsKey(n)) {
            throw new StoreUnavailableException(node, "Memory node [" + n + "] of [" + name + "] is down", null);
        }
        return n + '\u0000' + key;
    }

    private long expiry(int ttlSeconds) {
        SessionStore.checkTtl(ttlSeconds);
        if (ttlSeconds == 0) {
            return 0;
        }
        long at = nanoClock.getAsLong() + ttlSeconds * 1_000_000_000L;
        return at == 0 ? 1 : at;
    }

    private void checkSize(byte[] value) {
        Stores.checkValueSize(value, maxValueBytes, describe(), "memoryMaxValueBytes");
    }

    private Entry live(String slot) {
        Entry e = space.entries.get(slot);
        if (e != null && e.expired(nanoClock.getAsLong())) {
            space.entries.remove(slot, e);
            return null;
        }
        return e;
    }

    private void afterWrite() {
        if ((writes.incrementAndGet() & 1023) == 0) {
            long now = nanoClock.getAsLong();
            space.entries.values().removeIf(e -> e.expired(now));
        }
    }

    private static <T> CompletableFuture<T> run(java.util.function.Supplier<T> op) {
        try {
            return CompletableFuture.completedFuture(op.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<byte[]> get(String node, String key) {
        return run(() -> {
            Entry e = live(slot(node, key));
            return e == null ? null : e.value().clone();
        });
    }

    @Override
    public CompletableFuture<byte[]> getAndTouch(String node, String key, int ttlSeconds) {
        return run(() -> {
            String slot = slot(node, key);
            long exp = expiry(ttlSeconds);
            Entry e = space.entries.computeIfPresent(slot, (k, old) -> old.expired(nanoClock.getAsLong())
                    ? null : new Entry(old.value(), exp, old.version()));
            return e == null ? null : e.value().clone();
        });
    }

    @Override
    public CompletableFuture<Void> set(String node, String key, byte[] value, int ttlSeconds) {
        return run(() -> {
            String slot = slot(node, key);
            checkSize(value);
            space.entries.put(slot, new Entry(value.clone(), expiry(ttlSeconds), VERSIONS.incrementAndGet()));
            afterWrite();
            return null;
        });
    }

    @Override
    public CompletableFuture<Boolean> add(String node, String key, byte[] value, int ttlSeconds) {
        return run(() -> {
            String slot = slot(node, key);
            checkSize(value);
            long exp = expiry(ttlSeconds);
            boolean[] added = {false};
            space.entries.compute(slot, (k, old) -> {
                if (old != null && !old.expired(nanoClock.getAsLong())) {
                    return old;
                }
                added[0] = true;
                return new Entry(value.clone(), exp, VERSIONS.incrementAndGet());
            });
            afterWrite();
            return added[0];
        });
    }

    @Override
    public CompletableFuture<Boolean> touch(String node, String key, int ttlSeconds) {
        return run(() -> {
            String slot = slot(node, key);
            long exp = expiry(ttlSeconds);
            return space.entries.computeIfPresent(slot, (k, old) -> old.expired(nanoClock.getAsLong())
                    ? null : new Entry(old.value(), exp, old.version())) != null;
        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String node, String key) {
        return run(() -> {
            String slot = slot(node, key);
            Entry old = space.entries.remove(slot);
            return old != null && !old.expired(nanoClock.getAsLong());
        });
    }

    @Override
    public CompletableFuture<Boolean> deleteIfEquals(String node, String key, byte[] expected) {
        return run(() -> {
            String slot = slot(node, key);
            boolean[] deleted = {false};
            space.entries.computeIfPresent(slot, (k, old) -> {
                if (old.expired(nanoClock.getAsLong())) {
                    return null;
                }
                if (Arrays.equals(old.value(), expected)) {
                    deleted[0] = true;
                    return null;
                }
                return old;
            });
            return deleted[0];
        });
    }

    @Override
    public CompletableFuture<Versioned> getVersioned(String node, String key) {
        return run(() -> {
            Entry e = live(slot(node, key));
            return e == null ? null : new Versioned(e.value().clone(), e.version());
        });
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String node, String key, long version, byte[] value,
            int ttlSeconds) {
        return run(() -> {
            String slot = slot(node, key);
            checkSize(value);
            long exp = expiry(ttlSeconds);
            boolean[] replaced = {false};
            space.entries.computeIfPresent(slot, (k, old) -> {
                if (old.expired(nanoClock.getAsLong())) {
                    return null;
                }
                if (old.version() != version) {
                    return old;
                }
                replaced[0] = true;
                return new Entry(value.clone(), exp, VERSIONS.incrementAndGet());
            });
            return replaced[0];
        });
    }

    @Override
    public int maxValueBytes() {
        return maxValueBytes;
    }

    @Override
    public String describe() {
        List<String> n = new ArrayList<>();
        nodes.forEach(x -> n.add(x.id()));
        return "memory [" + name + (n.isEmpty() ? "" : " " + String.join(", ", n)) + "]";
    }

    @Override
    public void close() {
        space.stores.remove(this);
    }
}

package dev.msm.core;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import dev.msm.api.NodeListener;
import dev.msm.api.SessionStore;
import dev.msm.api.StoreNode;
import dev.msm.api.Versioned;

/**
 * A store in front of another that counts each operation and can make reads of a node fail, as a hung or dead node
 * would: a hand-written fake for engine unit tests.
 */
final class RecordingStore implements SessionStore {

    private final SessionStore delegate;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    /** node -> what a get on it does instead of reading, or absent. */
    private final Map<String, BiFunction<String, String, CompletableFuture<byte[]>>> failingGets =
            new ConcurrentHashMap<>();
    /** node -> what a set on it does instead of writing, or absent. */
    private final Map<String, BiFunction<String, String, CompletableFuture<Void>>> failingSets =
            new ConcurrentHashMap<>();

    RecordingStore(SessionStore delegate) {
        this.delegate = delegate;
    }

    /** @return the store behind this one */
    SessionStore delegate() {
        return delegate;
    }

    /** @return how often the operation (method name) was called */
    int count(String operation) {
        AtomicInteger n = counts.get(operation);
        return n == null ? 0 : n.get();
    }

    /** Makes reads ({@code get}, {@code getAndTouch}) of {@code node} do {@code failure} instead. */
    void failReads(String node, BiFunction<String, String, CompletableFuture<byte[]>> failure) {
        failingGets.put(node, failure);
    }

    /** Makes writes ({@code set}) of {@code node} do {@code failure} instead; {@code null} writes again. */
    void failWrites(String node, BiFunction<String, String, CompletableFuture<Void>> failure) {
        if (failure == null) {
            failingSets.remove(node);
        } else {
            failingSets.put(node, failure);
        }
    }

    private void record(String operation) {
        counts.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
    }

    private CompletableFuture<byte[]> read(String node, String key, CompletableFuture<byte[]> normal) {
        BiFunction<String, String, CompletableFuture<byte[]>> f = node == null ? null : failingGets.get(node);
        return f == null ? normal : f.apply(node, key);
    }

    @Override
    public List<StoreNode> nodes() {
        return delegate.nodes();
    }

    @Override
    public boolean isAvailable(String node) {
        return delegate.isAvailable(node);
    }

    @Override
    public void addNodeListener(NodeListener listener) {
        delegate.addNodeListener(listener);
    }

    @Override
    public CompletableFuture<byte[]> get(String node, String key) {
        record("get");
        return read(node, key, failingGets.containsKey(String.valueOf(node)) ? null : delegate.get(node, key));
    }

    @Override
    public CompletableFuture<byte[]> getAndTouch(String node, String key, int ttlSeconds) {
        record("getAndTouch");
        return read(node, key, failingGets.containsKey(String.valueOf(node)) ? null
                : delegate.getAndTouch(node, key, ttlSeconds));
    }

    @Override
    public CompletableFuture<Void> set(String node, String key, byte[] value, int ttlSeconds) {
        record("set");
        BiFunction<String, String, CompletableFuture<Void>> f = node == null ? null : failingSets.get(node);
        return f == null ? delegate.set(node, key, value, ttlSeconds) : f.apply(node, key);
    }

    @Override
    public CompletableFuture<Boolean> add(String node, String key, byte[] value, int ttlSeconds) {
        record("add");
        return delegate.add(node, key, value, ttlSeconds);
    }

    @Override
    public CompletableFuture<Boolean> touch(String node, String key, int ttlSeconds) {
        record("touch");
        return delegate.touch(node, key, ttlSeconds);
    }

    @Override
    public CompletableFuture<Boolean> delete(String node, String key) {
        record("delete");
        return delegate.delete(node, key);
    }

    @Override
    public CompletableFuture<Boolean> deleteIfEquals(String node, String key, byte[] expected) {
        record("deleteIfEquals");
        return delegate.deleteIfEquals(node, key, expected);
    }

    @Override
    public CompletableFuture<Versioned> getVersioned(String node, String key) {
        record("getVersioned");
        return delegate.getVersioned(node, key);
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String node, String key, long version, byte[] value,
            int ttlSeconds) {
        record("compareAndSet");
        return delegate.compareAndSet(node, key, version, value, ttlSeconds);
    }

    @Override
    public int maxValueBytes() {
        return delegate.maxValueBytes();
    }

    @Override
    public String describe() {
        return "recording " + delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}

package dev.msm.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A key-value store holding serialized sessions, locks and bookkeeping records for msm's engine.
 *
 * <h2>Keys</h2>
 * Keys are built by the engine from session ids, which come from cookies and are therefore <b>untrusted input</b>.
 * The engine only passes keys of at most {@link #MAX_KEY_LENGTH} characters from {@code [A-Za-z0-9._:-]}, but an
 * implementation must still never let a key change the meaning of a command (no protocol injection) and may reject
 * other keys with {@link IllegalArgumentException}.
 *
 * <h2>Nodes</h2>
 * A store either addresses its nodes explicitly ({@link #nodes()} is non-empty, e.g. memcached: the engine names the
 * node of every operation, writes a backup copy of each session to a second node and moves sessions away from a node
 * that fails) or distributes and replicates keys itself ({@link #nodes()} is empty, e.g. Redis or Couchbase: the
 * engine passes {@code null} as node). Passing a node id the store does not know is an
 * {@link IllegalArgumentException}.
 *
 * <h2>Time to live</h2>
 * Every {@code ttlSeconds} is a relative time to live in seconds; {@code 0} means the entry never expires. Negative
 * values are an {@link IllegalArgumentException}. Values above 30 days are legal (implementations convert them where
 * the protocol requires it, as memcached does).
 *
 * <h2>Results and failures</h2>
 * Operations never block the caller: they return a future. A future completes normally with the documented result,
 * or exceptionally with a {@link StoreException}: {@link StoreUnavailableException} when the node is known to be down
 * (failing fast, without waiting), {@link StoreTimeoutException} when no answer came within the configured operation
 * timeout. Every future completes within that timeout plus scheduling jitter; none stays pending forever.
 *
 * <h2>Ordering and thread-safety</h2>
 * Implementations are thread-safe. Operations issued by one thread to the same node take effect in issue order
 * (the engine pipelines a lock with the load that follows it, and a write with the unlock after it).
 *
 * <h2>Values</h2>
 * Values are opaque byte arrays; the store never interprets them. Arrays passed in are not modified and may be
 * retained until the future completes; arrays returned belong to the caller.
 */
public interface SessionStore extends AutoCloseable {

    /** Longest key the engine passes, in characters. */
    int MAX_KEY_LENGTH = 250;

    /**
     * Returns the nodes this store addresses explicitly, regular nodes first then failover nodes, each in configured
     * order.
     *
     * @return an immutable list; empty when the store routes and replicates keys itself
     */
    List<StoreNode> nodes();

    /**
     * Tells whether operations on a node are expected to succeed right now. This is a cheap local check (no network
     * round-trip) based on the connection state.
     *
     * @param node a node id from {@link #nodes()}, or {@code null} for a store without explicit nodes
     * @return {@code true} when the node is connected
     */
    boolean isAvailable(String node);

    /**
     * Registers a listener told when a node becomes unavailable or available again. Listeners are called from a store
     * thread and must return quickly.
     *
     * @param listener not {@code null}
     */
    void addNodeListener(NodeListener listener);

    /**
     * Reads a value.
     *
     * @return a future of the value, or of {@code null} when the key does not exist
     */
    CompletableFuture<byte[]> get(String node, String key);

    /**
     * Reads a value and, if it exists, sets its time to live in the same operation (or in two operations pipelined
     * in one round-trip where the protocol has no combined command).
     *
     * @return a future of the value, or of {@code null} when the key does not exist (nothing is created)
     */
    CompletableFuture<byte[]> getAndTouch(String node, String key, int ttlSeconds);

    /**
     * Writes a value unconditionally.
     *
     * @return a future completed when the store has acknowledged the write
     * @throws IllegalArgumentException (in the future or directly) when the value exceeds {@link #maxValueBytes()}
     */
    CompletableFuture<Void> set(String node, String key, byte[] value, int ttlSeconds);

    /**
     * Writes a value only if the key does not exist, atomically: among concurrent {@code add}s of one key exactly
     * one succeeds.
     *
     * @return a future of {@code true} if this call created the key, {@code false} if it already existed
     */
    CompletableFuture<Boolean> add(String node, String key, byte[] value, int ttlSeconds);

    /**
     * Sets the time to live of an existing key without transferring its value.
     *
     * @return a future of {@code true} if the key existed
     */
    CompletableFuture<Boolean> touch(String node, String key, int ttlSeconds);

    /**
     * Deletes a key.
     *
     * @return a future of {@code true} if the key existed
     */
    CompletableFuture<Boolean> delete(String node, String key);

    /**
     * Deletes a key only if its current value equals {@code expected} byte for byte, atomically with respect to every
     * other operation on the key. Releasing a lock with its owner token is the intended use: a lock that expired and
     * was taken by someone else is left alone.
     *
     * @return a future of {@code true} if the key held {@code expected} and was deleted
     */
    CompletableFuture<Boolean> deleteIfEquals(String node, String key, byte[] expected);

    /**
     * Reads a value with a version for a later {@link #compareAndSet}.
     *
     * @return a future of the value and its version, or of {@code null} when the key does not exist
     */
    CompletableFuture<Versioned> getVersioned(String node, String key);

    /**
     * Replaces a value only if it still has the version read by {@link #getVersioned}, atomically.
     *
     * @return a future of {@code true} if the value was replaced, {@code false} if it changed or no longer exists
     */
    CompletableFuture<Boolean> compareAndSet(String node, String key, long version, byte[] value, int ttlSeconds);

    /**
     * Returns the largest value this store accepts, so that the engine can refuse an oversized session with a clear
     * message instead of an obscure client error.
     *
     * @return a size in bytes
     */
    int maxValueBytes();

    /**
     * Describes the store for log messages, e.g. {@code memcached [n1 127.0.0.1:11211, n2 127.0.0.1:11212]}.
     *
     * @return a short text without credentials
     */
    String describe();

    /**
     * Closes connections and stops the store's threads. Pending operations fail. Idempotent.
     */
    @Override
    void close();

    /**
     * Checks a key against the rules in the class comment, for implementations to call before a key reaches the
     * wire.
     *
     * @param key the key
     * @return the key
     * @throws IllegalArgumentException when the key is {@code null}, empty, longer than {@link #MAX_KEY_LENGTH} or
     *                                  holds a character outside {@code [A-Za-z0-9._:-]}
     */
    static String checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("Invalid store key: empty or longer than " + MAX_KEY_LENGTH);
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("Invalid store key: character " + (int) c + " at " + i);
            }
        }
        return key;
    }

    /**
     * Checks a time to live, for implementations.
     *
     * @param ttlSeconds seconds, {@code 0} for no expiry
     * @return {@code ttlSeconds}
     * @throws IllegalArgumentException when negative
     */
    static int checkTtl(int ttlSeconds) {
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("Negative time to live: " + ttlSeconds);
        }
        return ttlSeconds;
    }
}

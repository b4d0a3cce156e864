package dev.msm.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.NodeListener;
import dev.msm.api.SerializationException;
import dev.msm.api.SessionStore;
import dev.msm.api.StoreException;
import dev.msm.api.StoreNode;
import dev.msm.core.codec.SessionCodec;
import dev.msm.core.keys.NodeSelector;
import dev.msm.core.keys.SessionId;
import dev.msm.core.keys.StorageKeys;

/**
 * Where a session's stored copies are and how they are read and written: the primary copy on the node named in the
 * session id, the backup copy ({@code bak:}) on the next available node, tombstones left behind when a session
 * moves. Both modes use it; it holds no per-session state.
 */
final class SessionStorage {

    private static final Log log = LogFactory.getLog(SessionStorage.class);

    /** A stored value read from the store. */
    record Read(SessionId id, byte[] value, SessionCodec.Header header, boolean fromBackup) {
    }

    private final SessionStore store;
    private final NodeSelector nodes;
    private final StorageKeys keys;
    final SessionCodec codec;
    final Statistics stats;
    /** Reports (and, when corrupt, deletes) stored values that cannot be read. */
    final UnreadableValues unreadable;
    private final Tombstones tombstones;
    final String writer;
    private final StoreWait wait;
    private final boolean shadowOnSameNode;
    private final int maxValueBytes;

    /**
     * @param shadowOnSameNode non-sticky: when no other node is available, keep the backup copy on the session's own
     *                         node (expiry events need a copy that outlives the primary)
     */
    SessionStorage(SessionStore store, NodeSelector nodes, StorageKeys keys, SessionCodec codec, Statistics stats,
            String writer, Duration operationTimeout, boolean shadowOnSameNode, int maxValueBytes) {
        this.store = store;
        this.nodes = nodes;
        this.keys = keys;
        this.codec = codec;
        this.stats = stats;
        this.writer = writer;
        this.wait = new StoreWait(operationTimeout, store);
        this.shadowOnSameNode = shadowOnSameNode;
        this.maxValueBytes = maxValueBytes;
        this.unreadable = new UnreadableValues(stats, this::deleteUnreadable);
        this.tombstones = new Tombstones(store, nodes, keys, codec, writer, unreadable);
    }

    // ------------------------------------------------------------------ where the copies are

    /** @return the backup copy's time to live (seconds) for a session timeout (seconds), see {@link TimeToLive} */
    int backupTtl(int maxInactiveSeconds) {
        if (maxInactiveSeconds <= 0) {
            return 0;
        }
        return shadowOnSameNode ? maxInactiveSeconds + TimeToLive.backupExtra(maxInactiveSeconds)
                : maxInactiveSeconds;
    }

    /** @return the node for the backup copy of a session on {@code primary}, {@code null} for none */
    String backupNode(String primary) {
        String b = nodes.backupOf(primary);
        if (b == null && shadowOnSameNode) {
            return primary;
        }
        return b;
    }

    /** @return whether a session on {@code primary} gets a backup copy at all */
    boolean hasBackup(String primary) {
        return backupNode(primary) != null || (!nodes.hasNodes() && shadowOnSameNode);
    }

    // ------------------------------------------------------------------ nodes

    /** @return how this application's keys are derived (tests, diagnostics) */
    StorageKeys keys() {
        return keys;
    }

    /** @return whether the store addresses nodes explicitly (session ids then name their node) */
    boolean hasNodes() {
        return nodes.hasNodes();
    }

    /** @return whether the node (or the store, {@code null}) is available and still configured */
    boolean isAvailable(String node) {
        return nodes.isAvailable(node);
    }

    /** @return whether any node is available */
    boolean anyAvailable() {
        return nodes.anyAvailable();
    }

    /** @return the node a new session goes to, {@code null} for a store without explicit nodes */
    String nodeForNewSession() {
        return nodes.nodeForNewSession();
    }

    /** @return the node a session of the unavailable node {@code dead} moves to, or {@code null} when none */
    String relocationTarget(String dead) {
        return nodes.relocationTarget(dead);
    }

    /** @return the configured nodes */
    List<StoreNode> nodeList() {
        return store.nodes();
    }

    /** @return the store's description, e.g. {@code memcached [n1 127.0.0.1:11211]} */
    String describe() {
        return store.describe();
    }

    /** Adds a key of the node itself (not of a session, not prefixed), without expiry, unless it exists. */
    CompletableFuture<Boolean> addNodeKey(String node, String key, byte[] value) {
        return store.add(node, key, value, 0);
    }

    /** Writes a key of the node itself (not of a session, not prefixed), without expiry; not waited for. */
    CompletableFuture<Void> setNodeKey(String node, String key, byte[] value) {
        return store.set(node, key, value, 0);
    }

    /** Tells {@code listener} when a node becomes unavailable or available again (from a store thread). */
    void addNodeListener(NodeListener listener) {
        store.addNodeListener(listener);
    }

    /** Reads a key of the node itself. */
    CompletableFuture<byte[]> getNodeKey(String node, String key) {
        return store.get(node, key);
    }

    // ------------------------------------------------------------------ locks

    /**
     * Takes the store lock of a session: an atomic add of {@code token}.
     *
     * @return {@code true} when this caller holds the lock now
     */
    CompletableFuture<Boolean> lock(SessionId id, byte[] token, int seconds) {
        return store.add(id.node(), keys.lock(id), token, seconds);
    }

    /** Extends the store lock's life; not waited for. */
    CompletableFuture<Boolean> renewLock(SessionId id, int seconds) {
        return store.touch(id.node(), keys.lock(id), seconds);
    }

    /** Reads who holds the store lock (its token), {@code null} when no one. */
    CompletableFuture<byte[]> lockHolder(SessionId id) {
        return store.get(id.node(), keys.lock(id));
    }

    /** Releases the store lock if it still holds {@code token} and its node is available; not waited for. */
    void unlock(SessionId id, byte[] token) {
        if (nodes.isAvailable(id.node())) {
            store.deleteIfEquals(id.node(), keys.lock(id), token);
        }
    }

    // ------------------------------------------------------------------ primary copy

    /**
     * Reads the primary copy.
     *
     * @param refreshTtl also set its time to live to this many seconds (get-and-touch, one round-trip); negative:
     *                   a plain get
     */
    CompletableFuture<byte[]> load(SessionId id, int refreshTtl) {
        return refreshTtl < 0 ? store.get(id.node(), keys.session(id))
                : store.getAndTouch(id.node(), keys.session(id), refreshTtl);
    }

    /** Sets the primary copy's time to live; {@code false} when it is gone. */
    CompletableFuture<Boolean> touch(SessionId id, int ttl) {
        return store.touch(id.node(), keys.session(id), ttl);
    }

    /** Writes the primary copy unless one exists (restores it from the backup). */
    CompletableFuture<Boolean> restore(SessionId id, byte[] value, int ttl) {
        return store.add(id.node(), keys.session(id), value, ttl);
    }

    /** Claims the expiry of a session for this Tomcat (an atomic add): one Tomcat fires its events. */
    CompletableFuture<Boolean> claimExpiry(SessionId id, int ttl) {
        return store.add(id.node(), keys.expiryClaim(id), writer.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                ttl);
    }

    /**
     * Ends a session for good (invalidation, or expiry fired here): claims its expiry, so that no other Tomcat's
     * sweep fires it again, then deletes both copies. The claim also serves as the session's "gone" marker that a
     * writer checks ({@link #gone}); on the primary's node it is added before the delete (same node, issue order).
     *
     * @return whether this call claimed the session's end (its events are this Tomcat's to fire); {@code true} when
     *         the store did not answer (better an event fired twice than never)
     */
    boolean endNow(SessionId id, int maxInactive) {
        CompletableFuture<Boolean> claim = nodes.isAvailable(id.node())
                ? claimExpiry(id, TimeToLive.gone(maxInactive)) : CompletableFuture.completedFuture(true);
        CompletableFuture<Boolean> deleted = delete(id);
        try {
            await(deleted);
            return await(claim);
        } catch (StoreException e) {
            if (log.isDebugEnabled()) {
                log.debug("Session [" + id + "] may still be stored: " + e);
            }
            return true;
        }
    }

    /**
     * Asks whether the session ended (its expiry was claimed: invalidated or expired), pipelined after a write of its
     * primary copy on the same node: a write that lands after the end is seen here and undone by the caller.
     *
     * @return completes with {@code true} when the session ended; {@code false} also when the store does not answer
     */
    CompletableFuture<Boolean> gone(SessionId id) {
        return store.get(id.node(), keys.expiryClaim(id)).handle((v, e) -> e == null && v != null);
    }

    // ------------------------------------------------------------------ backup copy

    /** Sets the backup copy's time to live on {@code node}; not waited for. */
    CompletableFuture<Boolean> touchBackup(String node, SessionId id, int ttl) {
        return store.touch(node, keys.backup(id), ttl);
    }

    /** Writes the backup copy on {@code node} unless one exists. */
    CompletableFuture<Boolean> restoreBackup(String node, SessionId id, byte[] value, int ttl) {
        return store.add(node, keys.backup(id), value, ttl);
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes both copies. Returns the primary's future; the backup is written in parallel (another node) and its
     * failure only counted, the primary's is the caller's to handle.
     */
    CompletableFuture<Void> write(SessionId id, byte[] value, int maxInactive) {
        counted(value);
        CompletableFuture<Void> primary = store.set(id.node(), keys.session(id), value,
                TimeToLive.primary(maxInactive));
        writeBackup(id, value, maxInactive);
        return primary;
    }

    /**
     * Writes both copies in parallel and completes when both were answered; fails when the primary's write failed
     * (the backup's failure is only counted). A non-sticky request is acknowledged only then: a backup copy written
     * after its request was answered could be read, once the primary's node died, as an older session (issue 14).
     */
    CompletableFuture<Void> writeBoth(SessionId id, byte[] value, int maxInactive) {
        counted(value);
        CompletableFuture<Void> primary = store.set(id.node(), keys.session(id), value,
                TimeToLive.primary(maxInactive));
        CompletableFuture<Void> backup = writeBackup(id, value, maxInactive).exceptionally(e -> null);
        return primary.thenCombine(backup, (p, b) -> null);
    }

    /**
     * Writes both copies where a session moves (its new id on another node), unless a copy written there since
     * {@code loadedWrittenAt} exists: another request moved the session first. A copy written before is stale (left
     * from an earlier stay of the session on that node, which hung and resumed with it) and is replaced, atomically
     * against a concurrent mover (compare-and-set on the version read).
     *
     * @param loadedWrittenAt when the copy the request loaded was written (ms); {@link Long#MIN_VALUE} when unknown:
     *                        then only a missing copy is written
     * @return completes with whether both copies were written (the backup's failure only counted)
     */
    CompletableFuture<Boolean> writeMoved(SessionId id, byte[] value, int maxInactive, long loadedWrittenAt) {
        counted(value);
        String key = keys.session(id);
        int ttl = TimeToLive.primary(maxInactive);
        return store.add(id.node(), key, value, ttl).thenCompose(created -> created
                ? CompletableFuture.completedFuture(true)
                : store.getVersioned(id.node(), key).thenCompose(existing -> {
                    if (existing == null || writtenAt(existing.value()) >= loadedWrittenAt) {
                        return CompletableFuture.completedFuture(false);
                    }
                    stats.count(Statistics.Counter.STALE_COPIES);
                    return store.compareAndSet(id.node(), key, existing.version(), value, ttl);
                })).thenCompose(written -> !written ? CompletableFuture.completedFuture(false)
                        : writeBackup(id, value, maxInactive).handle((r, e) -> true));
    }

    /** @return when a stored value was written (ms), {@link Long#MAX_VALUE} when it is not a readable session */
    private static long writtenAt(byte[] value) {
        try {
            return SessionCodec.header(value).writtenAt();
        } catch (SerializationException e) {
            return Long.MAX_VALUE;
        }
    }

    private void counted(byte[] value) {
        if (value.length > maxValueBytes) {
            throw new IllegalArgumentException("Serialized session of [" + value.length + "] bytes exceeds the limit "
                    + "of [" + maxValueBytes + "] bytes (maxSessionBytes, or the store's item size limit)");
        }
        stats.count(Statistics.Counter.WRITES);
        stats.size(value.length);
    }

    /**
     * Writes the backup copy only. A failure does not fail the request (the primary copy holds the session; its node
     * failing before the next write of the session would cost the change): counted
     * ({@link Statistics.Counter#BACKUP_WRITE_FAILURES}), logged at debug level; the node's own failure is logged
     * by the store.
     */
    CompletableFuture<Void> writeBackup(SessionId id, byte[] value, int maxInactive) {
        if (!hasBackup(id.node())) {
            return CompletableFuture.completedFuture(null);
        }
        String node = nodes.hasNodes() ? backupNode(id.node()) : null;
        CompletableFuture<Void> f = store.set(node, keys.backup(id), value, backupTtl(maxInactive));
        f.whenComplete((r, e) -> {
            if (e != null) {
                stats.count(Statistics.Counter.BACKUP_WRITE_FAILURES);
                if (log.isDebugEnabled()) {
                    log.debug("Backup of session [" + id + "] on node [" + node + "] failed: " + e);
                }
            }
        });
        return f;
    }

    /**
     * Leaves a pointer under the old backup key of a session that moved to another node, so that a request that
     * still carries the old id finds the session ({@link Tombstones}).
     */
    void leaveTombstone(SessionId oldId, SessionId newId, int maxInactive) {
        tombstones.leave(oldId, newId, maxInactive, backupTtl(maxInactive));
    }

    /**
     * Deletes both copies (invalidation, expiry). The backup deletes are not waited for.
     *
     * @return the primary copy's delete, done at once when its node is down
     */
    CompletableFuture<Boolean> delete(SessionId id) {
        CompletableFuture<Boolean> primary = nodes.isAvailable(id.node())
                ? store.delete(id.node(), keys.session(id)) : CompletableFuture.completedFuture(false);
        if (nodes.hasNodes()) {
            for (StoreNode n : store.nodes()) {
                if (nodes.isAvailable(n.id())) {
                    store.delete(n.id(), keys.backup(id));
                }
            }
        } else if (shadowOnSameNode) {
            store.delete(null, keys.backup(id));
        }
        return primary;
    }

    /**
     * Deletes both copies and waits (bounded) for the primary's delete, so that the client's next request, on any
     * Tomcat, no longer finds the session.
     */
    void deleteNow(SessionId id) {
        try {
            await(delete(id));
        } catch (StoreException e) {
            if (log.isDebugEnabled()) {
                log.debug("Session [" + id + "] may still be stored: " + e);
            }
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * Decodes a value read for {@code id}; follows a tombstone once. Unreadable values are logged once (per
     * reason), counted, treated as absent, and deleted when corrupt (not when this Tomcat's configuration is what
     * cannot read them).
     *
     * @return the read, or {@code null} when there is no usable session
     */
    Read decodeRead(SessionId id, byte[] value, boolean fromBackup, boolean follow) {
        if (value == null) {
            return null;
        }
        SessionCodec.Header header;
        try {
            header = SessionCodec.header(value);
        } catch (SerializationException e) {
            unreadable.report(new Read(id, value, null, fromBackup), e);
            return null;
        }
        if (header.kind() == SessionCodec.KIND_MOVED) {
            if (!follow) {
                return null;
            }
            SessionId target = tombstones.target(id, value, header);
            if (target == null || !nodes.isAvailable(target.node())) {
                return null;
            }
            byte[] moved = await(store.get(target.node(), keys.session(target)));
            return decodeRead(target, moved, false, false);
        }
        return new Read(id, value, header, fromBackup);
    }

    /**
     * Looks for the backup copy of a session: on the node that normally holds it, then on every other available node
     * (the backup node depends on which nodes were up when it was written).
     *
     * @return the read, or {@code null}
     */
    Read readBackup(SessionId id) {
        List<String> candidates = new ArrayList<>();
        if (nodes.hasNodes()) {
            String usual = nodes.backupOf(id.node());
            if (usual != null) {
                candidates.add(usual);
            }
            for (StoreNode n : store.nodes()) {
                if (!candidates.contains(n.id()) && nodes.isAvailable(n.id())) {
                    candidates.add(n.id());
                }
            }
        } else if (shadowOnSameNode) {
            candidates.add(null);
        }
        for (String node : candidates) {
            byte[] value;
            try {
                value = await(store.get(node, keys.backup(id)));
            } catch (StoreException e) {
                continue;
            }
            Read read = decodeRead(id, value, true, true);
            if (read != null) {
                stats.count(Statistics.Counter.BACKUP_LOADS);
                return read;
            }
        }
        return null;
    }

    /** Deletes a stored value that could not be read (corrupt or written by something else). */
    private void deleteUnreadable(Read read) {
        String node = read.fromBackup() ? backupNode(read.id().node()) : read.id().node();
        if (nodes.isAvailable(node)) {
            store.delete(node, read.fromBackup() ? keys.backup(read.id()) : keys.session(read.id()));
        }
    }

    // ------------------------------------------------------------------ waiting

    /**
     * Waits for a store operation, bounded by the operation timeout; see {@link StoreWait}.
     *
     * @throws StoreException when the operation failed or did not complete in time
     */
    <T> T await(CompletableFuture<T> future) {
        return wait.await(future);
    }
}

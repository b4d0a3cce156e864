package dev.msm.core;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.msm.api.NodeListener;
import dev.msm.api.StoreException;
import dev.msm.api.StoreNode;

/**
 * When each store node last started empty, as every Tomcat sees it: the first Tomcat to connect to a node with no
 * {@code msm:epoch} key writes the current time there (atomic add, no expiry); all Tomcats read the same value.
 *
 * <p>It tells why a session's primary copy is missing while its backup exists: if the backup was written before the
 * node's epoch, the node lost its data (restart) and the backup is restored; otherwise the primary expired or was
 * deleted, and the session is not brought back.
 *
 * <p>It also remembers when each node was last <em>fenced</em>: marked unavailable (hung, partitioned, dead). A
 * node that resumes after a hang still holds the copies written before; sessions used meanwhile moved elsewhere and
 * left a tombstone under their old backup key. A primary copy written before its node's fence is therefore confirmed
 * against the backup key once ({@link SessionReader}). The fence time is published under {@code msm:fence:<node>} on
 * the other nodes, so a Tomcat that did not see the outage learns it when the node returns (or when it starts).
 */
final class NodeEpochs {

    static final String KEY = "msm:epoch";
    static final String FENCE_KEY = "msm:fence:";
    /** How many sessions confirmed after a fence are remembered (then forgotten all at once). */
    static final int MAX_CONFIRMED = 10_000;
    private static final String SELF = "";

    private final SessionStorage storage;
    private final EngineClock clock;
    private final Map<String, Long> epochs = new ConcurrentHashMap<>();
    private final Map<String, Long> fences = new ConcurrentHashMap<>();
    private final Map<String, Long> confirmedAt = new ConcurrentHashMap<>();

    NodeEpochs(SessionStorage storage, EngineClock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /**
     * Fences each node the store reports unavailable from now on, learns the fences of a node that returns, and
     * learns the fences published so far (not waited for).
     */
    void watchFences() {
        storage.addNodeListener(new NodeListener() {
            @Override
            public void nodeUnavailable(String node) {
                fence(node);
            }

            @Override
            public void nodeAvailable(String node) {
                learnFence(node); // before requests read the node's copies
            }
        });
        for (StoreNode n : storage.nodeList()) {
            learnFence(n.id());
        }
    }

    /** Reads (and if missing, sets) the epoch of every available node. */
    void refreshAll() {
        if (storage.nodeList().isEmpty()) {
            refresh(null);
        } else {
            for (StoreNode n : storage.nodeList()) {
                refresh(n.id());
            }
        }
    }

    /** Reads (and if missing, sets) a node's epoch; blocking, bounded by the operation timeout. */
    void refresh(String node) {
        if (!storage.isAvailable(node)) {
            return;
        }
        try {
            byte[] now = Long.toString(clock.millis()).getBytes(StandardCharsets.US_ASCII);
            storage.await(storage.addNodeKey(node, KEY, now));
            byte[] value = storage.await(storage.getNodeKey(node, KEY));
            if (value != null) {
                epochs.put(node == null ? SELF : node, Long.parseLong(new String(value, StandardCharsets.US_ASCII)));
            }
        } catch (StoreException | NumberFormatException e) {
            epochs.remove(node == null ? SELF : node);
        }
        learnFence(node);
    }

    /**
     * A node was marked unavailable: values it holds from before now are suspect once it returns. Remembered here
     * and published on every other available node; not waited for (called from a store thread).
     */
    void fence(String node) {
        if (node == null) {
            return; // a store without explicit nodes replicates itself: nothing moves, nothing to fence
        }
        long now = clock.millis();
        fences.merge(node, now, Math::max);
        byte[] value = Long.toString(now).getBytes(StandardCharsets.US_ASCII);
        for (StoreNode n : storage.nodeList()) {
            if (!n.id().equals(node) && storage.isAvailable(n.id())) {
                storage.setNodeKey(n.id(), FENCE_KEY + node, value);
            }
        }
    }

    /** Reads a node's fence time as published on the other available nodes; not waited for. */
    void learnFence(String node) {
        if (node == null) {
            return;
        }
        for (StoreNode n : storage.nodeList()) {
            if (!n.id().equals(node) && storage.isAvailable(n.id())) {
                storage.getNodeKey(n.id(), FENCE_KEY + node).thenAccept(v -> {
                    if (v != null) {
                        try {
                            fences.merge(node, Long.parseLong(new String(v, StandardCharsets.US_ASCII)), Math::max);
                        } catch (NumberFormatException e) {
                            // not ours: ignored
                        }
                    }
                });
            }
        }
    }

    /**
     * @return when the node was last marked unavailable (ms), by this Tomcat or as published by another;
     *         {@link Long#MIN_VALUE} when never
     */
    long fencedAt(String node) {
        Long f = node == null ? null : fences.get(node);
        return f == null ? Long.MIN_VALUE : f;
    }

    /**
     * @return when the node last started empty (ms), or {@link Long#MAX_VALUE} when unknown (treated as "just now")
     */
    long epoch(String node) {
        Long e = epochs.get(node == null ? SELF : node);
        return e == null ? Long.MAX_VALUE : e;
    }

    /**
     * A primary copy written before its node was last fenced may be stale: the node hung, the session moved
     * meanwhile and the node now answers with the copy it kept. Such a copy is checked against the backup key once
     * per session and fence: a tombstone there means the session moved (the read follows it); anything else means
     * the copy is current. Copies written after the fence cost nothing. Blocking (one get) only in that case.
     *
     * @param read a primary copy just read
     * @return the read to use: {@code read}, or the session where it moved
     */
    SessionStorage.Read confirmed(SessionStorage.Read read) {
        String node = read.id().node();
        long fence = fencedAt(node);
        if (!storage.hasNodes() || read.fromBackup() || read.header().writtenAt() >= fence) {
            return read;
        }
        String base = read.id().base();
        Long seen = confirmedAt.get(base);
        if (seen != null && seen == fence) {
            return read;
        }
        SessionStorage.Read backup = storage.readBackup(read.id());
        if (backup != null && !backup.id().base().equals(base)) {
            storage.stats.count(Statistics.Counter.STALE_COPIES);
            return backup; // moved while its node was fenced: the copy read is stale
        }
        if (confirmedAt.size() >= MAX_CONFIRMED) {
            confirmedAt.clear();
        }
        confirmedAt.put(base, fence);
        return read;
    }
}

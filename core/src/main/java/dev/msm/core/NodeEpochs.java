package dev.msm.core;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.msm.api.StoreException;
import dev.msm.api.StoreNode;

/**
 * When each store node last started empty, as every Tomcat sees it: the first Tomcat to connect to a node with no
 * {@code msm:epoch} key writes the current time there (atomic add, no expiry); all Tomcats read the same value.
 *
 * <p>It tells why a session's primary copy is missing while its backup exists: if the backup was written before the
 * node's epoch, the node lost its data (restart) and the backup is restored; otherwise the primary expired or was
 * deleted, and the session is not brought back.
 */
final class NodeEpochs {

    static final String KEY = "msm:epoch";
    private static final String SELF = "";

    private final SessionStorage storage;
    private final EngineClock clock;
    private final Map<String, Long> epochs = new ConcurrentHashMap<>();

    NodeEpochs(SessionStorage storage, EngineClock clock) {
        this.storage = storage;
        this.clock = clock;
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
    }

    /**
     * @return when the node last started empty (ms), or {@link Long#MAX_VALUE} when unknown (treated as "just now")
     */
    long epoch(String node) {
        Long e = epochs.get(node == null ? SELF : node);
        return e == null ? Long.MAX_VALUE : e;
    }
}

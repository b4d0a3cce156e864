package dev.msm.core;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.StoreException;
import dev.msm.core.keys.SessionId;

/**
 * Non-sticky mode's repair after a store node came back (maybe empty after a restart): re-reads the node's epoch
 * and re-creates the copies it should hold of the sessions this Tomcat tracks, from their other copy, in the
 * background. Until a node's repair is done (or for a grace period), the {@link ExpirySweeper} leaves the node's
 * sessions alone. Thread-safe.
 */
final class NodeRepair {

    /** How long after a node's return its sessions are not expired, unless its repair finished earlier (ms). */
    static final long GRACE_MILLIS = 5000;

    private static final Log log = LogFactory.getLog(NodeRepair.class);

    private final SessionStorage storage;
    private final NodeEpochs epochs;
    private final SessionTracker tracker;
    private final ActiveSessions active;
    private final EngineClock clock;
    private final Executor background;
    private final Map<String, Long> recoveredAt = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();

    NodeRepair(SessionStorage storage, NodeEpochs epochs, SessionTracker tracker, ActiveSessions active,
            EngineClock clock, Executor background) {
        this.storage = storage;
        this.epochs = epochs;
        this.tracker = tracker;
        this.active = active;
        this.clock = clock;
        this.background = background;
    }

    /** A node (or the store, {@code null}) is available again: repair in the background. */
    void nodeAvailable(String node) {
        recoveredAt.put(String.valueOf(node), clock.millis());
        running.incrementAndGet();
        try {
            background.execute(() -> {
                try {
                    repairAll(node);
                } finally {
                    running.decrementAndGet();
                    completed.incrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            running.decrementAndGet();
        }
    }

    /** @return whether the node came back less than the grace period ago and its repair is not done */
    boolean recovering(String node, long now) {
        Long recovered = recoveredAt.get(String.valueOf(node));
        return recovered != null && now - recovered < GRACE_MILLIS;
    }

    /** @return repairs queued or running */
    int pending() {
        return running.get();
    }

    /** @return repairs finished since start */
    long completed() {
        return completed.get();
    }

    private void repairAll(String node) {
        epochs.refresh(node);
        for (SessionTracker.Tracked t : new ArrayList<>(tracker.all())) {
            SessionId sid = t.sid;
            if (sid == null || active.contains(sid.base())) {
                continue;
            }
            try {
                repair(t, sid, node);
            } catch (StoreException | IllegalArgumentException e) {
                log.debug("Copies of session [" + sid + "] not repaired: " + e);
            }
        }
        recoveredAt.remove(String.valueOf(node));
    }

    private void repair(SessionTracker.Tracked t, SessionId sid, String node) {
        int ttl = TimeToLive.primary(t.maxInactive);
        boolean primaryHere = node == null || node.equals(sid.node());
        String backupNode = storage.hasNodes() ? storage.backupNode(sid.node()) : null;
        if (primaryHere) {
            byte[] primary = storage.await(storage.load(sid, -1));
            if (primary == null) {
                SessionStorage.Read backup = storage.readBackup(sid);
                if (backup != null && backup.id().base().equals(sid.base())) {
                    storage.await(storage.restore(sid, backup.value(), ttl));
                    t.primaryRefreshedAt = clock.millis();
                }
            } else if (backupNode != null && !backupNode.equals(sid.node())) {
                storage.restoreBackup(backupNode, sid, primary, storage.backupTtl(t.maxInactive));
            }
        } else if (node.equals(backupNode)) {
            byte[] primary = storage.isAvailable(sid.node()) ? storage.await(storage.load(sid, -1)) : null;
            if (primary != null) {
                storage.await(storage.restoreBackup(node, sid, primary, storage.backupTtl(t.maxInactive)));
                t.backupRefreshedAt = clock.millis();
            }
        }
    }
}

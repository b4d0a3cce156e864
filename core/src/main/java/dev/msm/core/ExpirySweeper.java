package dev.msm.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.msm.api.StoreException;

/**
 * Non-sticky mode's expiry: every Tomcat tracks the sessions it served ({@link SessionTracker}). When one of them is
 * idle past its timeout and its primary copy is gone (the store's time to live removed it), the Tomcat claims the
 * expiry with an atomic add; the winner loads the backup copy (which outlives the primary) and fires
 * {@code sessionDestroyed} and {@code valueUnbound}: exactly once cluster-wide, unless the claiming Tomcat dies while
 * firing. Runs on Tomcat's background thread, one sweep at a time.
 */
final class ExpirySweeper {

    /** At most this many sessions are checked per sweep. */
    static final int BATCH = 1000;

    private final SessionStorage storage;
    private final SessionTracker tracker;
    private final ActiveSessions active;
    private final NodeEpochs epochs;
    private final NodeRepair repair;
    private final SessionBytes bytes;
    private final ModeContext context;
    private final EngineClock clock;

    ExpirySweeper(SessionStorage storage, SessionTracker tracker, ActiveSessions active, NodeEpochs epochs,
            NodeRepair repair, SessionBytes bytes, ModeContext context) {
        this.storage = storage;
        this.tracker = tracker;
        this.active = active;
        this.epochs = epochs;
        this.repair = repair;
        this.bytes = bytes;
        this.context = context;
        this.clock = context.clock();
    }

    /** Fires the expiry of the tracked sessions whose time is up and whose primary copy is gone. */
    void sweep() {
        long now = clock.millis();
        List<SessionTracker.Tracked> due = new ArrayList<>();
        for (SessionTracker.Tracked t : tracker.all()) {
            if (t.maxInactive <= 0 || t.sid == null || active.contains(t.sid.base())) {
                continue;
            }
            if (now < t.lastAccess + t.maxInactive * 1000L + 1000L
                    || now < t.primaryRefreshedAt + TimeToLive.primary(t.maxInactive) * 1000L + 1000L) {
                continue; // not expired as far as this Tomcat knows, or its primary copy may still be there
            }
            if (!storage.isAvailable(t.sid.node()) || repair.recovering(t.sid.node(), now)) {
                continue; // let the recovery restore copies first
            }
            due.add(t);
            if (due.size() >= BATCH) {
                break;
            }
        }
        if (due.isEmpty()) {
            return;
        }
        List<CompletableFuture<byte[]>> reads = new ArrayList<>(due.size());
        for (SessionTracker.Tracked t : due) {
            reads.add(storage.load(t.sid, -1));
        }
        for (int i = 0; i < due.size(); i++) {
            SessionTracker.Tracked t = due.get(i);
            try {
                expireIfGone(t, storage.await(reads.get(i)));
            } catch (StoreException e) {
                context.problems().storeProblem("Expiry of session [" + t.sid + "] postponed", e);
            }
        }
    }

    private void expireIfGone(SessionTracker.Tracked t, byte[] primary) {
        if (primary != null) {
            // someone used it after this Tomcat did: that Tomcat tracks it now
            tracker.forget(t);
            return;
        }
        if (epochs.epoch(t.sid.node()) > t.lastAccess) {
            // the node lost its data after our last access: we cannot tell; restore and wait another period
            restorePrimary(t);
            return;
        }
        if (!storage.await(storage.claimExpiry(t.sid, Math.max(600, t.maxInactive)))) {
            tracker.forget(t);
            return;
        }
        fire(t);
    }

    private void restorePrimary(SessionTracker.Tracked t) {
        SessionStorage.Read backup = storage.readBackup(t.sid);
        if (backup == null) {
            tracker.forget(t);
            return;
        }
        storage.await(storage.restore(t.sid, backup.value(), TimeToLive.primary(t.maxInactive)));
        t.lastAccess = clock.millis();
        t.primaryRefreshedAt = t.lastAccess;
    }

    private void fire(SessionTracker.Tracked t) {
        tracker.forget(t);
        SessionStorage.Read backup = storage.readBackup(t.sid);
        MsmSession s = null;
        if (backup != null && backup.id().base().equals(t.sid.base())) {
            s = bytes.toSession(backup, t.fullId, false, false);
        }
        if (s == null) {
            // no readable copy left: the event still fires, without attributes
            s = context.newEmptySession();
            s.loaded(t.lastAccess, t.lastAccess, t.maxInactive, t.lastAccess);
            s.setIdDetached(t.fullId);
        }
        s.setTransientCopy(true);
        storage.stats.count(Statistics.Counter.EXPIRIES);
        try {
            s.expireLocally(true);
        } finally {
            storage.delete(t.sid);
        }
    }
}

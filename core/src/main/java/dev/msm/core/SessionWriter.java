package dev.msm.core;

import java.util.ConcurrentModificationException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.SerializationException;
import dev.msm.api.StoreException;
import dev.msm.core.codec.SessionCodec;
import dev.msm.core.keys.SessionId;

/**
 * Non-sticky mode's one way to write a session: serialize (again, if the application changed it meanwhile), skip
 * the write when the bytes equal what the store holds, move the session when its node is down, write primary and
 * backup copy, leave a pointer where it moved from, and remember the write for expiry and reuse. Thread-safe; holds
 * no per-session state.
 *
 * <p>A change that could not be written (the primary write failed or timed out and the session could not move, no
 * node answers, the request's lock was lost and someone else wrote since, or the session kept changing while it was
 * serialized) is recorded on the request's use ({@link ActiveSessions.Use#lost}): the request is then answered 503
 * instead of acknowledging a change the store does not have (issue 14). A change that cannot be stored at all (a
 * session too large, a value that cannot be serialized) is a problem of the application, logged once and answered
 * as usual. A backup copy that could not be written while the primary was is only counted: the session is stored.
 */
final class SessionWriter {

    static final int SERIALIZATION_ATTEMPTS = 5;

    private static final Log log = LogFactory.getLog(SessionWriter.class);

    private final SessionStorage storage;
    private final SessionBytes bytes;
    private final SessionTracker tracker;
    private final ActiveSessions active;
    private final ModeContext context;
    private final StoreProblems problems;
    private final EngineClock clock;
    /**
     * Every request that uses a session holds its store lock ({@code lockingMode="all"}, {@code onLockTimeout="fail"}):
     * an invalidation elsewhere then holds the lock too, so a writer that still holds its lock needs no "gone" check.
     */
    private final boolean everyUseLocked;

    SessionWriter(SessionStorage storage, SessionBytes bytes, SessionTracker tracker, ActiveSessions active,
            ModeContext context, boolean everyUseLocked) {
        this.everyUseLocked = everyUseLocked;
        this.storage = storage;
        this.bytes = bytes;
        this.tracker = tracker;
        this.active = active;
        this.context = context;
        this.problems = context.problems();
        this.clock = context.clock();
    }

    /**
     * Writes the session if it changed (or must be written), before the response completes.
     *
     * @param unlock also release the store lock, pipelined after the write (same node, same connection)
     * @return whether the store lock was released
     */
    boolean store(RequestState state, ActiveSessions.Use use, MsmSession s, boolean unlock) {
        SessionId sid = s.sessionId();
        if (sid == null) {
            return false;
        }
        long start = clock.nanos();
        SessionCodec.Encoded encoded = encode(s, sid, use);
        if (encoded == null) {
            return false;
        }
        storage.stats.time(Statistics.Timer.SERIALIZATION, start);
        if (!use.forceWrite && s.unchanged(encoded.payload())) {
            storage.stats.count(Statistics.Counter.WRITES_SKIPPED_UNCHANGED);
            return false;
        }
        state.modified = true;
        ActiveSessions.Active a = use.active;
        int maxInactive = s.getMaxInactiveInterval();
        SessionId target = sid;
        if (storage.hasNodes() && !storage.isAvailable(sid.node())) {
            target = relocate(state, use, s, sid);
            if (target == null) {
                return false; // recorded as lost
            }
        }
        if (!lockStillHeld(use, s, target)) {
            fenced(use, target, "its lock was lost and someone else locked or wrote the session since");
            return false;
        }
        boolean unlocked = false;
        try {
            CompletableFuture<Void> primary;
            if (use.locked && !target.base().equals(sid.base())) {
                // moved under a lock of the old id: another Tomcat may have moved it first (and written since)
                if (!storage.await(storage.writeMoved(target, encoded.value(), maxInactive, loadedWrittenAt(s)))) {
                    fenced(use, target, "another request moved it first");
                    return false;
                }
                primary = CompletableFuture.completedFuture(null);
            } else {
                primary = storage.writeBoth(target, encoded.value(), maxInactive);
            }
            StoreLock lock = a.lock;
            // issue 15: a session invalidated meanwhile is not brought back. Same node, after the write: no extra
            // wait; not needed under a lock every use of the session takes (the invalidating request held it)
            boolean lockedForAll = everyUseLocked && use.locked && lock != null && lock.isHeld() && !lock.mayBeLost()
                    && lock.id() != null && lock.id().base().equals(target.base());
            // nor for a session this request created: no other request knows its id yet
            CompletableFuture<Boolean> gone = lockedForAll || s.isNew() ? CompletableFuture.completedFuture(false)
                    : storage.gone(target);
            if (unlock && lock != null && lock.isHeld() && Objects.equals(lock.id().node(), target.node())) {
                a.unlockStore(); // processed after the write
                unlocked = true;
            }
            storage.await(primary);
            if (storage.await(gone)) {
                undo(s, target);
                return unlocked;
            }
            written(s, encoded);
            storage.stats.time(Statistics.Timer.WRITE, start);
            long now = clock.millis();
            tracker.track(s, target, now, now, now);
            afterMove(use, target, maxInactive);
            problems.storeRecovered();
            return unlocked;
        } catch (StoreException e) {
            storage.stats.count(Statistics.Counter.WRITE_FAILURES);
            if (storage.hasNodes() && !storage.isAvailable(target.node())) {
                SessionId moved = relocate(state, use, s, target);
                if (moved != null) {
                    try {
                        if (!use.locked) {
                            storage.await(storage.writeBoth(moved, encoded.value(), maxInactive));
                        } else if (!storage.await(storage.writeMoved(moved, encoded.value(), maxInactive,
                                loadedWrittenAt(s)))) {
                            fenced(use, moved, "another request moved it first");
                            return unlocked;
                        }
                        written(s, encoded);
                        afterMove(use, moved, maxInactive);
                        return unlocked;
                    } catch (StoreException again) {
                        e = again;
                    }
                } else {
                    return unlocked; // no node answers: recorded by relocate
                }
            }
            lost(use, target, e.getMessage() == null ? e.toString() : e.getMessage(), e);
            return unlocked;
        } catch (IllegalArgumentException e) {
            storage.stats.count(Statistics.Counter.WRITE_FAILURES);
            problems.reportTooLarge(storage.codec, s, encoded.value().length, e);
            return unlocked;
        }
    }

    /**
     * A request whose store lock may have expired (renewal found it gone, or no renewal was confirmed for nearly the
     * lock's life: a hung node, a paused Tomcat) checks before writing that it holds the lock again and that no one
     * wrote the session since it was loaded. Costs nothing while renewals are confirmed.
     */
    private boolean lockStillHeld(ActiveSessions.Use use, MsmSession s, SessionId target) {
        StoreLock lock = use.active.lock;
        if (!use.locked || lock == null || !lock.mayBeLost() || !lock.id().base().equals(target.base())) {
            return true;
        }
        try {
            return lock.reconfirm(s.storedValue());
        } catch (StoreException e) {
            return true; // the node does not answer: the write fails or moves the session, fenced there
        }
    }

    /**
     * A write that would overwrite someone else's newer session is not done: counted, logged once, and the request is
     * answered 503 (its changes are not in the store).
     */
    private void fenced(ActiveSessions.Use use, SessionId target, String why) {
        storage.stats.count(Statistics.Counter.WRITES_FENCED);
        problems.warnOnce("fenced:" + why, "A request's changes to session [" + target + "] were not written: "
                + why + " (reported once per cause)");
        lost(use, target, why, null);
    }

    /**
     * The request's changes are not in the store: recorded on its use, so that the request is answered 503 and the
     * session object, which holds them, is not used again (logged by {@link Refusals}, once a minute).
     */
    private void lost(ActiveSessions.Use use, SessionId sid, String why, Exception cause) {
        if (use.lost == null) {
            use.lost = new SessionUnavailableException(SessionUnavailableException.Reason.WRITE_FAILED,
                    "Session [" + sid + "] could not be written: " + why, cause);
        }
        if (log.isDebugEnabled()) {
            log.debug("Session [" + sid + "] could not be written: " + why);
        }
    }

    /**
     * The session ended (invalidated or expired, on any Tomcat) after this request loaded it: the write must not
     * bring it back. Its copies are deleted again; the request's changes are dropped (logged at debug, counted).
     */
    private void undo(MsmSession s, SessionId target) {
        storage.delete(target);
        tracker.forget(target.base());
        storage.stats.count(Statistics.Counter.WRITES_FENCED);
        if (log.isDebugEnabled()) {
            log.debug("Session [" + target + "] ended while a request used it; its write was undone");
        }
    }

    /** @return when the copy the session was loaded from was written (ms), {@link Long#MIN_VALUE} when unknown */
    private static long loadedWrittenAt(MsmSession s) {
        byte[] loaded = s.storedValue();
        try {
            return loaded == null ? Long.MIN_VALUE : SessionCodec.header(loaded).writtenAt();
        } catch (SerializationException e) {
            return Long.MIN_VALUE;
        }
    }

    private void written(MsmSession s, SessionCodec.Encoded encoded) {
        s.stored(encoded.payload(), true, clock.millis());
        s.storedValue(encoded.value());
    }

    /** Writes a session outside a request (created or renamed there), waiting for the primary copy. */
    void writeNow(MsmSession s, SessionId sid) {
        SessionCodec.Encoded encoded = encode(s, sid, null);
        if (encoded == null) {
            return;
        }
        try {
            storage.await(storage.write(sid, encoded.value(), s.getMaxInactiveInterval()));
            s.stored(encoded.payload(), true, clock.millis());
        } catch (StoreException e) {
            problems.storeProblem("Session [" + sid + "] could not be written", e);
        }
    }

    /**
     * Serializes, again while the application changes the session meanwhile; {@code null} when it cannot.
     *
     * @param use the request's use, told when the session kept changing; {@code null} outside a request
     */
    private SessionCodec.Encoded encode(MsmSession s, SessionId sid, ActiveSessions.Use use) {
        for (int attempt = 1;; attempt++) {
            s.clearChangeFlags();
            try {
                return bytes.encode(s);
            } catch (ConcurrentModificationException e) {
                if (attempt >= SERIALIZATION_ATTEMPTS) {
                    s.markDirty();
                    String why = "it changed during each of " + attempt + " serializations";
                    if (use == null) {
                        problems.storeProblem("Session [" + sid + "] could not be written: " + why, e);
                    } else {
                        lost(use, sid, why, e);
                    }
                    return null;
                }
            } catch (SerializationException e) {
                s.markDirty();
                problems.reportUnserializable(s, e);
                return null;
            }
        }
    }

    /** The session's node is down at write time: move it; the client gets the new id if the response allows. */
    private SessionId relocate(RequestState state, ActiveSessions.Use use, MsmSession s, SessionId sid) {
        String node = storage.relocationTarget(sid.node());
        if (node == null) {
            problems.storeProblem("Session [" + sid + "] could not be written: no store node answers",
                    new StoreException("all nodes down"));
            lost(use, sid, "no store node answers", null);
            return null;
        }
        SessionId moved = sid.withNode(node);
        if (use.relocatedFrom == null) {
            use.relocatedFrom = sid;
        }
        s.setIdDetached(moved.full());
        context.sessions().remove(sid.full(), s);
        context.sessions().put(moved.full(), s);
        active.rekey(use.active, moved.base());
        state.changeSessionId(moved.full());
        storage.stats.count(Statistics.Counter.NODE_FAILOVERS);
        return moved;
    }

    /** After a write under a new id: point the old one at it, or (new id after login) remove the old copies. */
    private void afterMove(ActiveSessions.Use use, SessionId now, int maxInactive) {
        if (use.relocatedFrom != null && !use.relocatedFrom.base().equals(now.base())) {
            storage.leaveTombstone(use.relocatedFrom, now, maxInactive);
            tracker.forget(use.relocatedFrom.base());
            use.relocatedFrom = null;
        }
        if (use.renamedFrom != null) {
            storage.delete(use.renamedFrom);
            tracker.forget(use.renamedFrom.base());
            use.renamedFrom = null;
        }
        use.forceWrite = false;
    }
}

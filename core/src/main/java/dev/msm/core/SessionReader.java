package dev.msm.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.msm.api.StoreException;
import dev.msm.api.StoreNode;
import dev.msm.api.StoreTimeoutException;
import dev.msm.api.StoreUnavailableException;
import dev.msm.core.keys.SessionId;

/**
 * Non-sticky mode's one way to read a session from the store, locked or not: where to read (the session's node, or
 * where it moves when that node is down), the read itself (pipelined with the lock's atomic add, refreshing the time
 * to live when due), the failover to the backup copy when the primary was lost with its node, and following a
 * session that moved. Thread-safe; holds no per-session state.
 */
final class SessionReader {

    /** How many moves (tombstones) a locked read follows. */
    static final int MAX_REDIRECTS = 3;
    /**
     * How long after a node started empty a backup copy missing there is taken as possibly lost with the node's data,
     * rather than ended with its session.
     */
    static final long BACKUP_LOST_WINDOW_MILLIS = 60_000;

    /** What a read found. */
    record Outcome(SessionStorage.Read read, StoreLock lock, boolean refreshed, boolean lockTimedOut,
            boolean unavailable, StoreException cause) {

        static Outcome found(SessionStorage.Read read, StoreLock lock, boolean refreshed) {
            return new Outcome(read, lock, refreshed, false, false, null);
        }

        static Outcome timedOut() {
            return new Outcome(null, null, false, true, false, null);
        }

        static Outcome unavailable(StoreException cause) {
            return new Outcome(null, null, false, false, true, cause);
        }
    }

    /** A request's wait for a store lock: its deadline and its backoff between attempts. */
    final class LockWait {
        private final long start = clock.nanos();
        private final long deadline;

        /** @param timeoutNanos how long the request may wait */
        LockWait(long timeoutNanos) {
            this.deadline = start + timeoutNanos;
        }

        boolean expired() {
            return clock.nanos() - deadline >= 0;
        }

        long startNanos() {
            return start;
        }

        /** @return when the request stops waiting, on the engine clock */
        long deadlineNanos() {
            return deadline;
        }

        void backoff() {
            long waited = clock.nanos() - start;
            long pause = Math.min(TimeUnit.MILLISECONDS.toNanos(20), Math.max(TimeUnit.MICROSECONDS.toNanos(500),
                    waited / 4));
            clock.pause(pause + ThreadLocalRandom.current().nextLong(pause / 2 + 1));
        }
    }

    private final SessionStorage storage;
    private final SessionTracker tracker;
    private final NodeEpochs epochs;
    private final EngineClock clock;
    private final int lockSeconds;

    /**
     * @param lockSeconds how long a store lock lives if its holder dies
     */
    SessionReader(SessionStorage storage, SessionTracker tracker, NodeEpochs epochs, EngineClock clock,
            int lockSeconds) {
        this.storage = storage;
        this.tracker = tracker;
        this.epochs = epochs;
        this.clock = clock;
        this.lockSeconds = lockSeconds;
    }

    /**
     * Reads a session; with {@code wait}, also takes its store lock (waiting for it up to the wait's deadline).
     *
     * @param defaultMaxInactive the timeout a refreshed time to live assumes, seconds
     * @return the read (its {@code read} is {@code null} when there is no usable session), a lock timeout, or the
     *         store unavailable
     */
    Outcome read(SessionId sid, int defaultMaxInactive, LockWait wait) {
        SessionId target = whereToRead(sid);
        if (target == null) {
            return Outcome.unavailable(null);
        }
        for (int redirects = 0;; ) {
            StoreLock lock = wait == null ? null : new StoreLock(storage, target, lockSeconds, clock);
            CompletableFuture<Boolean> locking = lock == null ? null : lock.tryAcquire();
            boolean refresh = tracker.needsRefresh(target);
            CompletableFuture<byte[]> loading = storage.load(target,
                    refresh ? TimeToLive.primary(defaultMaxInactive) : -1);
            SessionStorage.Read read;
            try {
                if (locking != null) {
                    if (!storage.await(locking)) {
                        storage.stats.count(Statistics.Counter.LOCK_WAITS);
                        if (wait.expired()) {
                            return Outcome.timedOut();
                        }
                        wait.backoff();
                        continue;
                    }
                    lock.acquired();
                    storage.stats.count(Statistics.Counter.LOCKS);
                    storage.stats.time(Statistics.Timer.LOCK_WAIT, wait.startNanos());
                }
                read = resolve(target, sid, storage.await(loading));
            } catch (StoreException e) {
                if (lock != null) {
                    lock.close();
                }
                SessionId elsewhere = elsewhereAfter(e, sid, target);
                if (elsewhere == null || elsewhere.base().equals(target.base())) {
                    return Outcome.unavailable(e);
                }
                target = elsewhere;
                continue;
            }
            if (lock != null && read != null && !read.id().base().equals(target.base())) {
                // the session moved (tombstone): lock its new id instead
                lock.close();
                if (++redirects > MAX_REDIRECTS || !storage.isAvailable(read.id().node())) {
                    return Outcome.found(null, null, false);
                }
                target = read.id();
                continue;
            }
            return Outcome.found(read, lock, refresh);
        }
    }

    /**
     * Reads the primary copy only, neither locking nor refreshing it (a look from outside any request).
     *
     * @return the read, or {@code null} when there is none or its node does not answer
     */
    SessionStorage.Read readCopy(SessionId sid) {
        if (!storage.isAvailable(sid.node())) {
            return null;
        }
        try {
            return storage.decodeRead(sid, storage.await(storage.load(sid, -1)), false, false);
        } catch (StoreException e) {
            return null;
        }
    }

    /**
     * @return the id to read: the session's own, or its id on the node it moves to when its node is down;
     *         {@code null} when no node is available
     */
    private SessionId whereToRead(SessionId sid) {
        if (!storage.hasNodes() || storage.isAvailable(sid.node())) {
            return sid;
        }
        String node = storage.relocationTarget(sid.node());
        return node == null ? null : sid.withNode(node);
    }

    /**
     * A node can die a moment before its client notices: the first operations on it fail as unavailable while
     * {@code isAvailable} still says yes. Then the session is read where it moves, from its backup copy, as if the
     * node had been known down. A timeout moves the session only when the store reports the node unavailable by now
     * (its hang detection marked it down, MSM issue 14); a node that is merely slow still holds the current copy.
     *
     * @return the session's id on the node it moves to, or {@code null} to give up
     */
    private SessionId elsewhereAfter(StoreException e, SessionId requested, SessionId failed) {
        boolean nodeDown = e instanceof StoreUnavailableException
                || (e instanceof StoreTimeoutException && storage.hasNodes() && !storage.isAvailable(failed.node()));
        if (!nodeDown || !storage.hasNodes() || !failed.base().equals(requested.base())) {
            return null;
        }
        String node = storage.relocationTarget(requested.node());
        return node == null ? null : requested.withNode(node);
    }

    /**
     * No copy of the session was found: it has ended (expired, removed), unless a copy may exist where it could not
     * be read. Relocating (its own node is unavailable): when the node of its backup copy started empty less than
     * {@link #BACKUP_LOST_WINDOW_MILLIS} ago (the Tomcats re-create the copies of the sessions they know within that
     * time). Otherwise (its own node answered without it): when that node started empty that recently and another
     * node, which may hold the backup copy, is unavailable. Then handing out a new session would lose the session;
     * the request gets the store-unavailable outcome instead, until the nodes answer again (issue 14: a Tomcat that
     * stood still took a live node for hung while the other node restarted empty). Costs an epoch read, only here.
     */
    private boolean mayExistUnread(SessionId id, boolean relocating) {
        if (!storage.hasNodes()) {
            return false;
        }
        String emptied;
        if (relocating) {
            emptied = storage.backupNode(id.node());
            if (emptied == null || emptied.equals(id.node())) {
                return false;
            }
        } else {
            emptied = id.node();
            boolean otherDown = false;
            for (StoreNode n : storage.nodeList()) {
                otherDown |= !n.id().equals(emptied) && !storage.isAvailable(n.id());
            }
            if (!otherDown) {
                return false;
            }
        }
        epochs.refresh(emptied);
        return clock.millis() - epochs.epoch(emptied) < BACKUP_LOST_WINDOW_MILLIS;
    }

    /**
     * Turns what was read for {@code target} into a session to use: the primary copy, else the backup copy when the
     * primary was lost with its node, following a move.
     *
     * <p>A session moving to another node (its own is down) may find a copy there under its new id: written by a
     * request that moved it first, or left from an earlier stay on that node, which then hung and resumed with it
     * (the session moved back and forth since). The backup copy of the requested id tells them apart: a stale copy
     * is older than it (issue 14).
     */
    private SessionStorage.Read resolve(SessionId target, SessionId requested, byte[] value) {
        SessionStorage.Read read = storage.decodeRead(target, value, false, false);
        boolean relocating = !target.base().equals(requested.base());
        if (read != null && relocating) {
            SessionStorage.Read backup = storage.readBackup(requested);
            if (backup != null && backup.id().base().equals(requested.base())
                    && backup.header().writtenAt() > read.header().writtenAt()) {
                storage.stats.count(Statistics.Counter.STALE_COPIES);
                return new SessionStorage.Read(target, backup.value(), backup.header(), true);
            }
        }
        if (read != null) {
            return epochs.confirmed(read);
        }
        SessionStorage.Read backup = storage.readBackup(relocating ? requested : target);
        if (backup == null) {
            if (mayExistUnread(relocating ? requested : target, relocating)) {
                throw new StoreUnavailableException(requested.node(), "Session [" + requested + "] cannot be found: "
                        + "a node that may hold it is unavailable and another started empty recently", null);
            }
            return null;
        }
        if (!backup.id().base().equals(relocating ? requested.base() : target.base())) {
            return backup; // a tombstone led elsewhere
        }
        if (!relocating && backup.header().writtenAt() >= epochs.epoch(target.node())) {
            // the primary node did not lose data since the backup was written: the session expired or was removed
            return null;
        }
        return new SessionStorage.Read(target, backup.value(), backup.header(), true);
    }
}

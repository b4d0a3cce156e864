package dev.msm.core;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import dev.msm.core.keys.SessionId;

/**
 * Non-sticky mode's table of the sessions that requests on this Tomcat use right now, by base id. Requests for the
 * same session share one entry: one session object, one in-JVM lock, one store lock handed from request to request.
 * An entry leaves the table when its last request ends. Thread-safe.
 */
final class ActiveSessions {

    /** A session in use by requests of this Tomcat. */
    static final class Active {
        volatile String base;
        /** Requests holding a {@link Use}; changed inside the map's compute while the entry is mapped. */
        final AtomicInteger users = new AtomicInteger();
        /**
         * Serializes this Tomcat's locking requests for the session. A semaphore, not a lock: an async request
         * releases it on another thread than the one that took it.
         */
        final Semaphore jvmLock = new Semaphore(1, true);
        /** Requests of this Tomcat waiting for {@link #jvmLock} (bounded by {@code maxLockWaiters}). */
        final AtomicInteger waiters = new AtomicInteger();
        /** One load at a time for unlocked requests. */
        final ReentrantLock loadLock = new ReentrantLock();
        volatile MsmSession session;
        volatile boolean loaded;
        /** The store lock the session's locking requests share, or {@code null}. */
        volatile StoreLock lock;
        /** More than one request used it at once on this Tomcat: its object is not kept for reuse afterwards. */
        volatile boolean shared;

        Active(String base) {
            this.base = base;
        }

        /** @return whether the store lock is held */
        boolean storeLocked() {
            StoreLock l = lock;
            return l != null && l.isHeld();
        }

        /** Releases the store lock now, if held. */
        void unlockStore() {
            StoreLock l = lock;
            lock = null;
            if (l != null) {
                l.close();
            }
        }
    }

    /** One request's use of an active session. */
    static final class Use {
        final Active active;
        boolean locked;
        MsmSession session;
        boolean forceWrite;
        SessionId relocatedFrom;
        SessionId renamedFrom;
        /** The lock of the session's id before the request changed it; released when the request ends. */
        StoreLock oldLock;
        /** Set when the request's changes could not be written: the request is answered 503 (issue 14). */
        volatile SessionUnavailableException lost;

        Use(Active active) {
            this.active = active;
        }

        /** @return whether the request's session must be written: it may have changed, or must be restored or moved */
        boolean mustWrite() {
            MsmSession s = session;
            return s != null && !s.isTransientCopy() && s.isValidInternalState() && (forceWrite || s.isMaybeDirty());
        }
    }

    private final Map<String, Active> table = new ConcurrentHashMap<>();

    /** A request starts using the session {@code base}: its entry, created if needed. */
    Active join(String base) {
        return table.compute(base, (k, v) -> {
            Active x = v == null ? new Active(k) : v;
            if (x.users.incrementAndGet() > 1) {
                x.shared = true;
            }
            return x;
        });
    }

    /**
     * A request stops using its entry.
     *
     * @return whether it was the last request using it (the entry left the table)
     */
    boolean leave(Active a) {
        boolean[] last = {false};
        boolean[] orphan = {false};
        table.compute(a.base, (k, v) -> {
            if (v != a) {
                orphan[0] = true; // another entry took this id (two requests moved the same session)
                return v;
            }
            if (v.users.decrementAndGet() <= 0) {
                last[0] = true;
                return null;
            }
            return v;
        });
        if (orphan[0] && a.users.decrementAndGet() <= 0) {
            last[0] = true;
        }
        return last[0];
    }

    /** The session got a new base id (moved to another node, or a new id after login). */
    void rekey(Active a, String newBase) {
        String old = a.base;
        table.compute(newBase, (k, v) -> {
            if (v != null && v != a) {
                return v; // another entry exists for the new id; keep both (rare)
            }
            return a;
        });
        table.remove(old, a);
        a.base = newBase;
    }

    /** Extends the store locks held for at least {@code every} milliseconds since their last renewal. */
    void renewLocks(long every) {
        for (Active a : table.values()) {
            StoreLock lock = a.lock;
            if (lock != null) {
                lock.renewIfDue(every);
            }
        }
    }

    /** @return the entry of {@code base}, or {@code null} */
    Active get(String base) {
        return table.get(base);
    }

    /** @return whether requests use the session {@code base} now */
    boolean contains(String base) {
        return table.containsKey(base);
    }

    /** @return the entries, weakly consistent */
    Collection<Active> all() {
        return table.values();
    }

    /** @return how many sessions are in use */
    int size() {
        return table.size();
    }
}

package dev.msm.core;


import dev.msm.core.keys.SessionId;
/**
 * Non-sticky mode's in-JVM half of "lock": this Tomcat's requests for one session queue for the session's
 * {@link ActiveSessions.Active#jvmLock} before any of them touches the store lock, which is then handed from request
 * to request without a store round-trip. At most {@code maxLockWaiters} requests wait per session, so that a flood or
 * a retrying client takes no more request threads than that; each waits until its lock deadline, read on the
 * engine's {@link EngineClock}, so that the deadline logic is tested in milliseconds with a manual clock.
 * Thread-safe; holds no per-session state of its own.
 */
final class LocalLocks {

    private final EngineClock clock;
    private final Statistics stats;
    private final int maxWaiters;

    /**
     * @param maxWaiters requests of this Tomcat that may wait for one session at once; 0 for no bound
     */
    LocalLocks(EngineClock clock, Statistics stats, int maxWaiters) {
        this.clock = clock;
        this.stats = stats;
        this.maxWaiters = maxWaiters;
    }

    /**
     * Waits for the request's turn with the session {@code a}.
     *
     * @param deadlineNanos when the request stops waiting, on the engine clock's {@link EngineClock#nanos()} (the same
     *                      deadline bounds the wait for the store lock afterwards)
     * @return {@code true} when the request holds the session's in-JVM lock (and must {@link #release} it),
     *         {@code false} when the deadline passed while other requests of this Tomcat held the session
     * @throws SessionUnavailableException when {@code maxLockWaiters} requests already wait: refused at once, whatever
     *                                     time is left and whatever {@code onLockTimeout} says
     */
    boolean take(ActiveSessions.Active a, long deadlineNanos, SessionId sid) {
        if (maxWaiters > 0 && a.waiters.incrementAndGet() > maxWaiters) {
            a.waiters.decrementAndGet();
            if (a.jvmLock.tryAcquire()) {
                return true;
            }
            stats.count(Statistics.Counter.LOCK_WAITERS_REFUSED);
            throw new SessionUnavailableException(SessionUnavailableException.Reason.TOO_MANY_WAITERS, "Session ["
                    + sid + "] already has [" + maxWaiters + "] requests waiting for its lock (maxLockWaiters)", null);
        }
        try {
            long left = deadlineNanos - clock.nanos();
            return left > 0 ? clock.tryAcquire(a.jvmLock, left) : a.jvmLock.tryAcquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (maxWaiters > 0) {
                a.waiters.decrementAndGet();
            }
        }
    }

    /** The request's turn ends: the next waiting request of this Tomcat takes the session. */
    void release(ActiveSessions.Active a) {
        a.jvmLock.release();
    }

    /** @return whether another request of this Tomcat waits for the session (it gets the store lock handed over) */
    boolean othersWait(ActiveSessions.Active a) {
        return a.jvmLock.hasQueuedThreads();
    }
}

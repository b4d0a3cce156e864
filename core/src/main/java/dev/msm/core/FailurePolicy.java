package dev.msm.core;

import dev.msm.api.StoreException;
import dev.msm.core.keys.SessionId;

/**
 * What a non-sticky request gets when its session cannot be had as usual, as configured: a lock that did not come
 * in time ({@code onLockTimeout}: 503, or the request goes on unlocked) and a store that does not answer
 * ({@code onStoreUnavailable}: 503, or an empty session for this request only, never stored). A refusal is a
 * {@link SessionUnavailableException}, which msm answers with 503 and logs quietly ({@link Refusals}). Thread-safe.
 */
final class FailurePolicy {

    private final ManagerConfig config;
    private final ModeContext context;
    private final StoreProblems problems;
    private final Statistics stats;

    FailurePolicy(ManagerConfig config, ModeContext context, Statistics stats) {
        this.config = config;
        this.context = context;
        this.problems = context.problems();
        this.stats = stats;
    }

    /**
     * Before the application runs: with {@code onStoreUnavailable="fail"} and no store node available, a request
     * that carries a session id is refused at once, without waiting for a store.
     *
     * @param anyNodeAvailable whether any store node is available
     * @return the refusal, or {@code null} when the request goes on
     */
    SessionUnavailableException refusedUpFront(RequestState state, boolean anyNodeAvailable) {
        if (config.onStoreUnavailable() != FailureAction.FAIL || anyNodeAvailable) {
            return null;
        }
        String requested = state.request.getRequestedSessionId();
        SessionId sid = requested == null ? null : context.parseId(requested);
        if (sid == null) {
            return null;
        }
        problems.storeProblem("No store node is available; requests with a session are answered 503",
                new StoreException("all nodes down"));
        stats.count(Statistics.Counter.REQUESTS_REFUSED);
        return new SessionUnavailableException(SessionUnavailableException.Reason.STORE_UNAVAILABLE,
                "Session [" + sid + "] cannot be loaded: no store node is available", null);
    }

    /**
     * The session's lock did not come within {@code lockTimeout}: counted; with {@code onLockTimeout="proceed"}
     * warned once, and the caller loads the session unlocked.
     *
     * @throws SessionUnavailableException with {@code onLockTimeout="fail"}
     */
    void lockTimedOut(SessionId sid) {
        stats.count(Statistics.Counter.LOCK_TIMEOUTS);
        long timeout = config.lockTimeout().toMillis();
        if (config.onLockTimeout() == FailureAction.FAIL) {
            // logged where the 503 is answered, once per minute (MsmValve)
            throw new SessionUnavailableException(SessionUnavailableException.Reason.LOCK_TIMEOUT, "Session [" + sid
                    + "] is locked by another request; not locked within [" + timeout + " ms]", null);
        }
        problems.warnOnce("locktimeout", "Session [" + sid + "] was not locked within [" + timeout + " ms]; the "
                + "request goes on unlocked (onLockTimeout=proceed; reported once)");
    }

    /**
     * No store node answers for the session's load: the store problem is logged once.
     *
     * @return with {@code onStoreUnavailable="fresh"}: an empty session under the requested id for this request
     *         only, never stored (the stored one is there again once the store answers)
     * @throws SessionUnavailableException with {@code onStoreUnavailable="fail"}
     */
    MsmSession storeUnavailable(SessionId sid, String requestedId, Exception cause) {
        problems.storeProblem("Session [" + sid + "] cannot be loaded: no store node answers",
                cause == null ? new StoreException("all nodes down") : cause);
        if (config.onStoreUnavailable() == FailureAction.FAIL) {
            throw new SessionUnavailableException(SessionUnavailableException.Reason.STORE_UNAVAILABLE,
                    "Session [" + sid + "] cannot be loaded: the store is unavailable", cause);
        }
        MsmSession s = context.newEmptySession();
        s.setNew(true);
        s.setValid(true);
        s.setCreationTime(context.clock().millis());
        s.setMaxInactiveInterval(context.defaultMaxInactive());
        s.setTransientCopy(true);
        s.setIdDetached(requestedId);
        return s;
    }
}

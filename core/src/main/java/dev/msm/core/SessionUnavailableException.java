package dev.msm.core;

/**
 * Thrown from {@code HttpServletRequest.getSession()} when msm cannot hand out the request's session safely: its lock
 * did not come within {@code lockTimeout}, too many requests wait for it, or the store did not answer, and the
 * configured failure action is {@code fail}; also the reason a non-sticky request is answered 503 when its session's
 * changes could not be written ({@link Reason#WRITE_FAILED}). msm answers such a request with HTTP 503 and a
 * {@code Retry-After} header, quietly: a filter msm puts first in the application's filter chain catches this
 * exception (also as the cause of another one) before Tomcat would log it; msm logs lock timeouts and failed writes in
 * one WARN a minute each, and an unavailable store once, as the store problem it is. An application that wants its
 * own answer catches it itself.
 */
public class SessionUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** Why a request is refused; each has its own statistic. */
    public enum Reason {
        /** The session's lock did not come within {@code lockTimeout} ({@code onLockTimeout="fail"}). */
        LOCK_TIMEOUT,
        /** No store node answered ({@code onStoreUnavailable="fail"}). */
        STORE_UNAVAILABLE,
        /** {@code maxLockWaiters} requests of this Tomcat already waited for the session's lock. */
        TOO_MANY_WAITERS,
        /**
         * The request changed its session but the change could not be written (the write failed or timed out, no
         * store node answered, or the request's lock was lost and someone else wrote the session since): the
         * request is not acknowledged. A write that timed out may nevertheless have been applied; a client that
         * retries sees it then. Not thrown from {@code getSession()}: the request ends with a 503 instead of its
         * response, if that was not committed yet.
         */
        WRITE_FAILED
    }

    private final Reason reason;

    /**
     * A refusal because the store is unavailable.
     *
     * @param message names the session and the cause
     * @param cause   may be {@code null}
     */
    public SessionUnavailableException(String message, Throwable cause) {
        this(Reason.STORE_UNAVAILABLE, message, cause);
    }

    /**
     * @param reason  why the request is refused
     * @param message names the session and the cause
     * @param cause   may be {@code null}
     */
    public SessionUnavailableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /**
     * @return why the request is refused
     */
    public Reason reason() {
        return reason;
    }
}

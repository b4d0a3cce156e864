package dev.msm.core;

/**
 * Thrown from {@code HttpServletRequest.getSession()} when msm cannot hand out the request's session safely: its lock
 * did not come within {@code lockTimeout} or the store did not answer, and the configured failure action is
 * {@code fail}. msm answers such a request with HTTP 503 and a {@code Retry-After} header, quietly: a filter msm puts
 * first in the application's filter chain catches this exception (also as the cause of another one) before Tomcat
 * would log it; msm logs lock timeouts in one WARN a minute, and an unavailable store once, as the store problem it
 * is. An application that wants its own answer catches it itself.
 */
public class SessionUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** Why a request is refused; each has its own statistic. */
    public enum Reason {
        /** The session's lock did not come within {@code lockTimeout} ({@code onLockTimeout="fail"}). */
        LOCK_TIMEOUT,
        /** No store node answered ({@code onStoreUnavailable="fail"}). */
        STORE_UNAVAILABLE
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

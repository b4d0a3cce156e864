package dev.msm.core;

/**
 * Thrown from {@code HttpServletRequest.getSession()} when msm cannot hand out the request's session safely: its lock
 * did not come within {@code lockTimeout} or the store did not answer, and the configured failure action is
 * {@code fail}. msm answers such a request with HTTP 503 and a {@code Retry-After} header.
 */
public class SessionUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the session and the cause
     * @param cause   may be {@code null}
     */
    public SessionUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

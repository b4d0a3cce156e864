package dev.msm.api;

import java.time.Duration;

/**
 * No answer came within the operation timeout. The operation may or may not have taken effect; the node may be slow
 * rather than down.
 */
public class StoreTimeoutException extends StoreException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    /**
     * @param node    the node id, or {@code null}
     * @param where   describes the node, e.g. {@code memcached node [n1 127.0.0.1:11211]}
     * @param timeout how long the caller waited
     * @param cause   may be {@code null}
     */
    public StoreTimeoutException(String node, String where, Duration timeout, Throwable cause) {
        super(node, "Timed out after [" + timeout.toMillis() + " ms] on " + where, cause);
        this.timeout = timeout;
    }

    /**
     * @return how long the caller waited
     */
    public Duration timeout() {
        return timeout;
    }
}

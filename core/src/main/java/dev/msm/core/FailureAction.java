package dev.msm.core;

/**
 * What a non-sticky request gets when its session cannot be loaded safely: the lock was not obtained within
 * {@code lockTimeout} ({@code onLockTimeout}), or no store node answers ({@code onStoreUnavailable}).
 */
public enum FailureAction {

    /**
     * The request fails with HTTP 503 Service Unavailable (the default). Nothing is lost or overwritten; the client
     * may retry.
     */
    FAIL,

    /**
     * For {@code onLockTimeout}: the request goes on with the session loaded without the lock, so a concurrent
     * request may overwrite its changes or the other way round. For {@code onStoreUnavailable}: the request gets a
     * session held only for this request, empty, with the same id; it is not written back, so the stored session is
     * there again once the store is.
     */
    PROCEED
}

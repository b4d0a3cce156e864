package dev.msm.api;

/**
 * Told by a {@link SessionStore} when one of its nodes goes down or comes back. Called from a store thread: return
 * quickly and do not call blocking store operations from the callback.
 */
public interface NodeListener {

    /**
     * The node no longer answers; operations on it fail fast with {@link StoreUnavailableException}.
     *
     * @param node the node id, or {@code null} for a store without explicit nodes
     */
    void nodeUnavailable(String node);

    /**
     * The node answers again. Its content may be empty (a restarted memcached) or stale (a network partition).
     *
     * @param node the node id, or {@code null} for a store without explicit nodes
     */
    void nodeAvailable(String node);
}

package dev.msm.api;

import java.util.function.BiConsumer;

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

    /**
     * Tells each listener of a change, in turn: one that throws does not keep the others from being told.
     *
     * @param listeners the listeners
     * @param node      the node id, or {@code null} for a store without explicit nodes
     * @param available whether the node is available now
     * @param failed    told of each listener that threw (to log it); {@link VirtualMachineError}s are rethrown
     */
    static void tell(Iterable<NodeListener> listeners, String node, boolean available,
            BiConsumer<NodeListener, Throwable> failed) {
        for (NodeListener listener : listeners) {
            try {
                if (available) {
                    listener.nodeAvailable(node);
                } else {
                    listener.nodeUnavailable(node);
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                failed.accept(listener, t);
            }
        }
    }
}

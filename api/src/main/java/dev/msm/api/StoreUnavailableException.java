package dev.msm.api;

/**
 * The node is known to be down; the operation was not attempted. Callers move on to another node or their configured
 * failure mode without waiting.
 */
public class StoreUnavailableException extends StoreException {

    private static final long serialVersionUID = 1L;

    /**
     * @param node    the node id, or {@code null}
     * @param message names the node
     * @param cause   may be {@code null}
     */
    public StoreUnavailableException(String node, String message, Throwable cause) {
        super(node, message, cause);
    }
}

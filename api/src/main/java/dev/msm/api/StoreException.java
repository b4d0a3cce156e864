package dev.msm.api;

/**
 * Root of the unchecked exceptions of msm's SPI. A plain {@code StoreException} means the store answered with an
 * error; the subtypes say what the caller can do next.
 */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String node;

    /**
     * @param node    the node the failed operation addressed, or {@code null}
     * @param message names the node and what failed
     * @param cause   may be {@code null}
     */
    public StoreException(String node, String message, Throwable cause) {
        super(message, cause);
        this.node = node;
    }

    public StoreException(String message, Throwable cause) {
        this(null, message, cause);
    }

    public StoreException(String message) {
        this(null, message, null);
    }

    /**
     * @return the node id of the failed operation, or {@code null} when unknown or not node-specific
     */
    public String node() {
        return node;
    }
}

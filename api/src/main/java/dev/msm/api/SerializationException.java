package dev.msm.api;

/**
 * Session data could not be serialized, or stored bytes could not be turned back into a session (corrupt, truncated,
 * written by something else, or naming a class that is not allowed). The engine treats such stored data as absent.
 * Not a {@link StoreException}: the store worked, the data is the problem, and callers handle the two differently.
 */
public class SerializationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String rejectedClass;

    /**
     * @param message       what failed
     * @param rejectedClass the class a filter refused, or {@code null}
     * @param cause         may be {@code null}
     */
    public SerializationException(String message, String rejectedClass, Throwable cause) {
        super(message, cause);
        this.rejectedClass = rejectedClass;
    }

    public SerializationException(String message, Throwable cause) {
        this(message, null, cause);
    }

    /**
     * @return the name of the class a deserialization filter refused, or {@code null} for other failures
     */
    public String rejectedClass() {
        return rejectedClass;
    }
}

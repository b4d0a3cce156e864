package dev.msm.api;

/**
 * Turns the session's object graph into bytes and back. The engine hands over one object (the session's attributes
 * and authentication state in a structure of its own) and stores the bytes inside its own versioned envelope.
 *
 * <p>Implementations are thread-safe and keep no reference to the class loaders they are given once a call returns
 * (a web application that is undeployed must be collectable).
 *
 * <p><b>Warning:</b> stored bytes are untrusted input: anyone who can write to the store can put bytes there.
 * {@link #deserialize} must only instantiate classes the configuration allows and must bound the resources it uses.
 */
public interface Serializer {

    /**
     * @param graph the object graph, made of the session's attribute values and JDK types
     * @return the bytes
     * @throws SerializationException when a value cannot be serialized (the message names it)
     */
    byte[] serialize(Object graph);

    /**
     * @param bytes  bytes produced by {@link #serialize} of a serializer with the same name and settings
     * @param loader the web application's class loader, for the application's own classes
     * @return the object graph
     * @throws SerializationException when the bytes are corrupt or name a class that is not allowed
     */
    Object deserialize(byte[] bytes, ClassLoader loader);
}

package dev.msm.core;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands for a deserialization gadget: a class on no allow-list that records every instantiation (constructor, as Kryo
 * would call it, and {@code readObject}, as Java serialization would). Tests write it straight into the store and
 * check it is never instantiated when a request asks for the session.
 */
public final class Gadget implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How many times an instance came to life. */
    public static final AtomicInteger INSTANTIATED = new AtomicInteger();

    private final String payload = "touch /tmp/pwned";

    public Gadget() {
        INSTANTIATED.incrementAndGet();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        INSTANTIATED.incrementAndGet();
        in.defaultReadObject();
    }

    @Override
    public String toString() {
        return payload;
    }
}

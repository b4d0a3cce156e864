package dev.msm.memcached;

import java.util.Locale;

/**
 * The memcached wire protocol, chosen with the {@code memcachedProtocol} attribute (case-insensitive).
 */
enum MemcachedProtocol {

    /**
     * The default. Reads a session and extends its time to live in one command (get-and-touch), returns the CAS of a
     * new item with the answer to {@code add} so that releasing a lock is one command ({@code delete} with that CAS),
     * and supports SASL authentication ({@code username}/{@code password}).
     */
    BINARY,

    /**
     * For servers or proxies that only speak the text protocol. A read that extends the time to live sends
     * {@code get} and {@code touch} pipelined; releasing a lock takes {@code gets} and a {@code cas} round-trip;
     * no authentication.
     */
    TEXT;

    /** The attribute value, as users write it. */
    String attributeValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}

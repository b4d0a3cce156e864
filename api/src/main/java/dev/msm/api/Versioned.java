package dev.msm.api;

/**
 * A value read together with the version a later {@link SessionStore#compareAndSet} compares with.
 *
 * @param value   the value, never {@code null}
 * @param version opaque to the caller; two reads return the same version only if the value was not written between
 */
public record Versioned(byte[] value, long version) {
}

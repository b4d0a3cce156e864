package dev.msm.core.codec;

import dev.msm.api.Serializer;

/**
 * The value msm stores for a session, written and read the way the engine does, for tools outside the engine (the
 * benchmarks of {@code bench}): {@link #encode} as a write does (serialize, compress, encrypt),
 * {@link #decode} as a load does (header, authenticate and decrypt, inflate, deserialize, hash for change detection).
 * Immutable and thread-safe.
 */
public final class StoredValueFormat {

    private final SessionCodec codec;

    /**
     * @param serializer           the serializer
     * @param serializerName       its name, written into each value
     * @param compressionThreshold compress payloads of at least this many bytes; 0 never (msm's default)
     * @param encryptionKeys       the {@code encryptionKeys} attribute ({@code id:base64, ...}), or {@code null}
     * @throws dev.msm.api.InvalidAttributeException when the keys are malformed
     */
    public StoredValueFormat(Serializer serializer, String serializerName, int compressionThreshold,
            String encryptionKeys) {
        this.codec = new SessionCodec(serializer, serializerName, compressionThreshold,
                SessionCipher.of(encryptionKeys, null));
    }

    /**
     * @param graph  the session's state, as {@code MsmSession.captureState} returns it
     * @param baseId the session id without route
     * @return the value the engine would store
     */
    public byte[] encode(Object graph, String baseId) {
        return codec.encode(graph, baseId, 1_700_000_000_000L, 1_700_000_100_000L, 1800, "a").value();
    }

    /**
     * @param value  a value of {@link #encode}
     * @param baseId the session id it was encoded for
     * @param loader the class loader to resolve classes with
     * @return the session's state
     */
    public Object decode(byte[] value, String baseId, ClassLoader loader) {
        SessionCodec.Header header = SessionCodec.header(value);
        byte[] plain = codec.plainPayload(value, header, baseId);
        Object graph = codec.decode(plain, header, loader);
        SessionCodec.hash(plain); // the engine keeps it to detect changes at the end of the request
        return graph;
    }
}

package dev.msm.core;

import dev.msm.api.Serializer;

/**
 * Lets the benchmarks of the bench module drive the package-private {@link SessionCodec} (the stored value's envelope)
 * the way the engine does: {@link #encode} as a store does (serialize, compress, encrypt, hash for change detection),
 * {@link #decode} as a load does (header, authenticate and decrypt, inflate, deserialize, hash).
 *
 * <p>It sits in the bench module but in core's package (a split package, which the class path allows); it is not
 * part of msm's jars. Not thread-safe beyond what {@link SessionCodec} is (which is: it is immutable).
 */
public final class CodecAccess {

    private final SessionCodec codec;

    /**
     * @param serializer           the serializer
     * @param serializerName       its name, written into each value
     * @param compressionThreshold compress payloads of at least this many bytes; 0 never (msm's default)
     * @param encryptionKeys       the {@code encryptionKeys} attribute ({@code id:base64, ...}), or {@code null}
     */
    public CodecAccess(Serializer serializer, String serializerName, int compressionThreshold, String encryptionKeys) {
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

package dev.msm.core.codec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import dev.msm.api.SerializationException;
import dev.msm.api.Serializer;
import dev.msm.core.keys.SessionId;
import dev.msm.core.keys.StorageKeys;
import dev.msm.core.serial.CheckingSerializer;

/**
 * The stored value of a session: a versioned envelope around the serializer's bytes, optionally compressed and
 * encrypted.
 *
 * <pre>
 * offset size  field
 * 0      2     magic 'M' 'S'
 * 2      1     format version (1)
 * 3      1     kind: 1 session, 2 moved (payload is the session's new id)
 * 4      1     flags: bit 0 compressed (deflate, payload starts with the 4-byte inflated length),
 *              bit 1 encrypted (AES-GCM, payload is IV || ciphertext || tag),
 *              bit 2 signed (HMAC-SHA-256, payload is body || 32-byte tag)
 * 5      1+n   serializer name (length byte, ASCII)
 * ...    8     creation time (ms since the epoch)
 * ...    8     last accessed time (ms)
 * ...    4     max inactive interval (s, &lt;= 0 never expires)
 * ...    8     written at (ms)
 * ...    1+n   writer: the jvmRoute (or instance id) of the Tomcat that wrote it (length byte, ASCII)
 * ...    1+n   key id, only when encrypted or signed (length byte, ASCII)
 * ...    4     payload length
 * ...    n     payload
 * </pre>
 *
 * Every length is checked against what follows before anything is allocated, so a corrupt or hostile value cannot
 * make a reader allocate more than the value itself (inflation is bounded too).
 *
 * <p>With encryption ({@code encryptionKeys}) or integrity ({@code integrityKeys}) configured, the application's key
 * namespace, the session's id and all header bytes are authenticated with the payload (compressed first, so nothing
 * unauthenticated is inflated); values that are neither are then refused. A value this Tomcat cannot read because of
 * its own configuration (a key it does not have, the other serializer, a newer format, keys on one side only) is
 * reported as {@link ConfigurationMismatchException}: the engine leaves it for the Tomcats that can read it.
 */
public final class SessionCodec {

    static final byte KIND_SESSION = 1;
    public static final byte KIND_MOVED = 2;
    static final int FLAG_COMPRESSED = 1;
    static final int FLAG_ENCRYPTED = 2;
    static final int FLAG_SIGNED = 4;
    /** Largest inflated payload accepted. */
    static final int MAX_INFLATED_BYTES = 64 * 1024 * 1024;
    private static final byte M = 'M';
    private static final byte S = 'S';
    private static final byte FORMAT = 1;

    /** The envelope's metadata. */
    public record Header(byte kind, int flags, String serializer, long creationTime, long lastAccessedTime,
            int maxInactiveInterval, long writtenAt, String writer, String keyId, int payloadOffset,
            int payloadLength) {
    }

    /**
     * The result of {@link #encode}: the stored value, the serializer's bytes (for change detection) and the classes
     * in the session that readers would refuse (empty when none, or when the serializer cannot tell).
     */
    public record Encoded(byte[] value, byte[] payload, Set<String> refused) {
    }

    private final Serializer serializer;
    private final String serializerName;
    private final int compressionThreshold;
    private final SessionCipher cipher;
    private final SessionMac mac;
    private final byte[] namespace;
    private final InstantSource clock;

    /**
     * @param compressionThreshold compress payloads of at least this many bytes; 0 never
     * @param cipher               encrypts values; {@code null} for none
     * @param mac                  signs values when there is no cipher, and verifies signed values; {@code null} for
     *                             none
     * @param namespace            the application's key namespace ({@link StorageKeys#namespace()}), bound to every
     *                             encrypted or signed value
     * @param clock                stamps when each value was written ({@link Header#writtenAt()}) and when a
     *                             session moved: the engine's clock, so that its time decisions and the stamps agree
     */
    public SessionCodec(Serializer serializer, String serializerName, int compressionThreshold, SessionCipher cipher,
            SessionMac mac, String namespace, InstantSource clock) {
        this.serializer = serializer;
        this.serializerName = serializerName;
        this.compressionThreshold = compressionThreshold;
        this.cipher = cipher;
        this.mac = mac;
        this.namespace = namespace.getBytes(StandardCharsets.US_ASCII);
        this.clock = clock;
    }

    /** A codec on the system clock (tools such as {@code bench}, tests). */
    public SessionCodec(Serializer serializer, String serializerName, int compressionThreshold, SessionCipher cipher,
            SessionMac mac, String namespace) {
        this(serializer, serializerName, compressionThreshold, cipher, mac, namespace, InstantSource.system());
    }

    public SessionCodec(Serializer serializer, String serializerName, int compressionThreshold, SessionCipher cipher) {
        this(serializer, serializerName, compressionThreshold, cipher, null, "");
    }

    /**
     * @return whether values are encrypted or signed, so a store writer without a key cannot forge one
     */
    boolean authenticates() {
        return cipher != null || mac != null;
    }

    public SessionCodec(Serializer serializer, String serializerName) {
        this(serializer, serializerName, 0, null);
    }

    /**
     * Serializes a session's graph into a stored value.
     *
     * @param baseId the session's id without route, bound to the value when encrypting
     * @throws SerializationException when the serializer fails
     */
    public Encoded encode(Object graph, String baseId, long creationTime, long lastAccessedTime,
            int maxInactiveInterval, String writer) {
        Set<String> refused = new HashSet<>(4);
        byte[] payload = serialize(separateAttributes(graph, refused), refused);
        return new Encoded(envelope(KIND_SESSION, payload, baseId, creationTime, lastAccessedTime,
                maxInactiveInterval, writer), payload, refused.isEmpty() ? Set.of() : refused);
    }

    private byte[] serialize(Object graph, Set<String> refused) {
        return serializer instanceof CheckingSerializer checking ? checking.serialize(graph, refused)
                : serializer.serialize(graph);
    }

    /**
     * Issue 16: a value whose class a reader refuses must cost that attribute only, not the session and its login.
     * So the session graph {@code [attributes, principal, authType, notes]} is stored as
     * {@code [immutable attributes, principal, authType, notes, other attributes each serialized on its own]}:
     * a reader drops the attribute it refuses and keeps the rest. Values of immutable JDK types cannot hold a refused
     * class and stay in the session's stream. The cost: identity between two attributes' values is not kept.
     */
    private Object separateAttributes(Object graph, Set<String> refused) {
        if (!(graph instanceof Object[] parts) || parts.length != 4 || !(parts[0] instanceof Map<?, ?> attributes)) {
            return graph;
        }
        Map<Object, Object> inline = new HashMap<>();
        Map<Object, byte[]> separate = new HashMap<>();
        for (Map.Entry<?, ?> e : attributes.entrySet()) {
            Object value = e.getValue();
            if (value == null || Immutables.isImmutable(value)) {
                inline.put(e.getKey(), value);
            } else {
                separate.put(e.getKey(), serialize(value, refused));
            }
        }
        return new Object[] {inline, parts[1], parts[2], parts[3], separate};
    }

    /**
     * @return the value left under a session's old key when it moved to another node
     */
    public byte[] moved(SessionId oldId, SessionId newId, int maxInactiveInterval, String writer) {
        long now = clock.millis();
        // the same random part on another node: name the node only, so a store reader learns no id from the value
        String target = newId.node() != null && newId.random().equals(oldId.random()) ? "@" + newId.node()
                : newId.base();
        return envelope(KIND_MOVED, target.getBytes(StandardCharsets.US_ASCII), oldId.base(), now, now,
                maxInactiveInterval, writer);
    }

    private byte[] envelope(byte kind, byte[] payload, String baseId, long creationTime, long lastAccessedTime,
            int maxInactiveInterval, String writer) {
        int flags = 0;
        byte[] body = payload;
        if (compressionThreshold > 0 && payload.length >= compressionThreshold && kind == KIND_SESSION) {
            byte[] deflated = deflate(payload);
            if (deflated.length < payload.length) {
                body = deflated;
                flags |= FLAG_COMPRESSED;
            }
        }
        if (cipher != null) {
            flags |= FLAG_ENCRYPTED;
        } else if (mac != null) {
            flags |= FLAG_SIGNED;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + 96);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(M);
            out.writeByte(S);
            out.writeByte(FORMAT);
            out.writeByte(kind);
            out.writeByte(flags);
            writeShortString(out, serializerName);
            out.writeLong(creationTime);
            out.writeLong(lastAccessedTime);
            out.writeInt(maxInactiveInterval);
            out.writeLong(clock.millis());
            writeShortString(out, writer);
            if (cipher != null) {
                writeShortString(out, cipher.currentKeyId());
                out.flush();
                body = cipher.encrypt(body, associatedData(bytes.toByteArray(), baseId));
            } else if (mac != null) {
                writeShortString(out, mac.currentKeyId());
                out.flush();
                body = mac.sign(associatedData(bytes.toByteArray(), baseId), body);
            }
            out.writeInt(body.length);
            out.write(body);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code namespace 0 baseId 0 header}: neither namespace nor id holds a 0, the header delimits itself. */
    private byte[] associatedData(byte[] headerBytes, String baseId) {
        byte[] id = baseId.getBytes(StandardCharsets.US_ASCII);
        byte[] aad = new byte[namespace.length + 1 + id.length + 1 + headerBytes.length];
        System.arraycopy(namespace, 0, aad, 0, namespace.length);
        System.arraycopy(id, 0, aad, namespace.length + 1, id.length);
        System.arraycopy(headerBytes, 0, aad, namespace.length + 1 + id.length + 1, headerBytes.length);
        return aad;
    }

    private static void writeShortString(DataOutputStream out, String s) throws IOException {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.US_ASCII);
        if (b.length > 255) {
            throw new IllegalArgumentException("too long: " + s);
        }
        out.writeByte(b.length);
        out.write(b);
    }

    /**
     * Reads the envelope without touching the payload.
     *
     * @throws SerializationException when the value is not an msm value of a known format, or is truncated
     */
    public static Header header(byte[] value) {
        try {
            ByteBuffer in = ByteBuffer.wrap(value);
            if (value.length < 5 || in.get() != M || in.get() != S) {
                throw new SerializationException("Not an msm session value (no magic)", null);
            }
            byte format = in.get();
            if (format > FORMAT) {
                throw new ConfigurationMismatchException("Value in msm format [" + format + "] of a newer msm; this "
                        + "version reads format [" + FORMAT + "]");
            }
            if (format != FORMAT) {
                throw new SerializationException("Unsupported msm value format [" + format + "]", null);
            }
            byte kind = in.get();
            int flags = in.get();
            if (kind != KIND_SESSION && kind != KIND_MOVED) {
                throw new SerializationException("Unknown msm value kind [" + kind + "]", null);
            }
            if ((flags & ~(FLAG_COMPRESSED | FLAG_ENCRYPTED | FLAG_SIGNED)) != 0
                    || (flags & (FLAG_ENCRYPTED | FLAG_SIGNED)) == (FLAG_ENCRYPTED | FLAG_SIGNED)) {
                throw new SerializationException("Unsupported msm value flags [" + flags + "]", null);
            }
            String serializer = readShortString(in);
            long creation = in.getLong();
            long lastAccessed = in.getLong();
            int maxInactive = in.getInt();
            long writtenAt = in.getLong();
            String writer = readShortString(in);
            String keyId = (flags & (FLAG_ENCRYPTED | FLAG_SIGNED)) != 0 ? readShortString(in) : null;
            int length = in.getInt();
            if (length < 0 || length != in.remaining()) {
                throw new SerializationException("Corrupt msm value: payload length [" + length + "] but ["
                        + in.remaining() + "] bytes follow", null);
            }
            return new Header(kind, flags, serializer, creation, lastAccessed, maxInactive, writtenAt, writer, keyId,
                    in.position(), length);
        } catch (BufferUnderflowException e) {
            throw new SerializationException("Truncated msm value of [" + value.length + "] bytes", e);
        }
    }

    private static String readShortString(ByteBuffer in) {
        int length = in.get() & 0xff;
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] b = new byte[length];
        in.get(b);
        for (byte c : b) {
            if (c < 0x20 || c > 0x7e) {
                throw new SerializationException("Corrupt msm value: non-printable header text", null);
            }
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    /**
     * Returns the payload as the serializer wrote it: authenticated and decrypted, inflated.
     *
     * @param baseId the id of the session the value was read for
     * @throws ConfigurationMismatchException when this Tomcat's configuration cannot read the value: a key it does
     *                                        not have, keys on one side only
     * @throws SerializationException         when the value fails authentication or does not inflate
     */
    public byte[] plainPayload(byte[] value, Header header, String baseId) {
        byte[] body = Arrays.copyOfRange(value, header.payloadOffset(), header.payloadOffset()
                + header.payloadLength());
        boolean encrypted = (header.flags() & FLAG_ENCRYPTED) != 0;
        boolean signed = (header.flags() & FLAG_SIGNED) != 0;
        if (encrypted) {
            if (cipher == null) {
                throw new ConfigurationMismatchException("Value is encrypted (key [" + header.keyId() + "]), but "
                        + "this Tomcat has no [encryptionKeys]");
            }
            body = cipher.decrypt(header.keyId(), body, associatedData(Arrays.copyOf(value,
                    header.payloadOffset() - 4), baseId));
        } else if (signed) {
            if (mac == null) {
                throw new ConfigurationMismatchException("Value is signed (key [" + header.keyId() + "]), but this "
                        + "Tomcat has no [integrityKeys]");
            }
            body = mac.verify(header.keyId(), associatedData(Arrays.copyOf(value, header.payloadOffset() - 4),
                    baseId), body);
        } else if (cipher != null || mac != null) {
            throw new ConfigurationMismatchException("Value is neither encrypted nor signed, but this Tomcat has ["
                    + (cipher != null ? "encryptionKeys" : "integrityKeys") + "]");
        }
        if ((header.flags() & FLAG_COMPRESSED) != 0) {
            body = inflate(body);
        }
        return body;
    }

    /**
     * @return the new base id a {@link #KIND_MOVED} value points to
     */
    public String movedTo(byte[] value, Header header, String baseId) {
        String target = new String(plainPayload(value, header, baseId), StandardCharsets.US_ASCII);
        int dash = baseId.lastIndexOf('-');
        if (target.startsWith("@") && dash > 0) {
            return baseId.substring(0, dash + 1) + target.substring(1);
        }
        return target;
    }

    /**
     * Deserializes the payload of a session value.
     *
     * @throws SerializationException when the value was written by another serializer or cannot be read
     */
    public Object decode(byte[] plainPayload, Header header, ClassLoader loader) {
        return decode(plainPayload, header, loader, (name, e) -> {
            throw e;
        });
    }

    /**
     * Deserializes the payload of a session value; an attribute whose value names a class that is not allowed is
     * dropped, the rest of the session kept.
     *
     * @param dropped told the name of each dropped attribute and why
     * @throws SerializationException when the value was written by another serializer or cannot be read
     */
    public Object decode(byte[] plainPayload, Header header, ClassLoader loader,
            BiConsumer<String, SerializationException> dropped) {
        if (!serializerName.equals(header.serializer())) {
            throw new ConfigurationMismatchException("Value written with serializer [" + header.serializer()
                    + "], but this Tomcat uses [" + serializerName + "]");
        }
        Object graph = serializer.deserialize(plainPayload, loader);
        if (!(graph instanceof Object[] parts) || parts.length != 5 || !(parts[0] instanceof Map<?, ?> inline)
                || !(parts[4] instanceof Map<?, ?> separate)) {
            return graph;
        }
        Map<Object, Object> attributes = new HashMap<>(inline);
        for (Map.Entry<?, ?> e : separate.entrySet()) {
            if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof byte[] bytes)) {
                throw new SerializationException("Stored session data has an unexpected structure", null);
            }
            try {
                attributes.put(name, serializer.deserialize(bytes, loader));
            } catch (SerializationException refused) {
                if (refused.rejectedClass() == null) {
                    throw refused; // corrupt: the whole value is
                }
                dropped.accept(name, refused);
            }
        }
        return new Object[] {attributes, parts[1], parts[2], parts[3]};
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 16);
            out.write(data.length >>> 24);
            out.write(data.length >>> 16);
            out.write(data.length >>> 8);
            out.write(data.length);
            byte[] buf = new byte[8192];
            while (!deflater.finished()) {
                int n = deflater.deflate(buf);
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static byte[] inflate(byte[] data) {
        if (data.length < 4) {
            throw new SerializationException("Corrupt compressed value", null);
        }
        int length = ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff);
        if (length < 0 || length > MAX_INFLATED_BYTES) {
            throw new SerializationException("Compressed value claims [" + length + "] bytes; the limit is ["
                    + MAX_INFLATED_BYTES + "]", null);
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data, 4, data.length - 4);
            // grow with what actually inflates, not with what the header claims
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(length, data.length * 4 + 64));
            byte[] buf = new byte[8192];
            while (!inflater.finished()) {
                int r = inflater.inflate(buf, 0, Math.min(buf.length, length - out.size() + 1));
                if (r == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buf, 0, r);
                if (out.size() > length) {
                    break;
                }
            }
            if (out.size() != length || !inflater.finished()) {
                throw new SerializationException("Corrupt compressed value", null);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new SerializationException("Corrupt compressed value: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    /**
     * @return a 128-bit digest of serialized bytes: equal digests mean an unchanged session
     */
    public static byte[] hash(byte[] payload) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(payload), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

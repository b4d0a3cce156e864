package dev.msm.core;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import dev.msm.api.SerializationException;
import dev.msm.api.Serializer;

/**
 * The stored value of a session: a versioned envelope around the serializer's bytes.
 *
 * <pre>
 * offset size  field
 * 0      2     magic 'M' 'S'
 * 2      1     format version (1)
 * 3      1     kind: 1 session, 2 moved (payload is the session's new id)
 * 4      1     flags (bit 0 compressed, bit 1 encrypted; reserved, 0 in format 1)
 * 5      1+n   serializer name (length byte, ASCII)
 * ...    8     creation time (ms since the epoch)
 * ...    8     last accessed time (ms)
 * ...    4     max inactive interval (s, &lt;= 0 never expires)
 * ...    8     written at (ms)
 * ...    1+n   writer: the jvmRoute (or instance id) of the Tomcat that wrote it (length byte, ASCII)
 * ...    4     payload length
 * ...    n     payload: the serializer's bytes
 * </pre>
 *
 * Lengths are checked against the value's size before anything is allocated, so a corrupt or hostile value cannot
 * make a reader allocate more than the value itself.
 */
final class SessionCodec {

    static final byte KIND_SESSION = 1;
    static final byte KIND_MOVED = 2;
    private static final byte M = 'M';
    private static final byte S = 'S';
    private static final byte FORMAT = 1;

    /** The envelope's metadata. */
    record Header(byte kind, String serializer, long creationTime, long lastAccessedTime, int maxInactiveInterval,
            long writtenAt, String writer, int payloadOffset, int payloadLength) {
    }

    private final Serializer serializer;
    private final String serializerName;

    SessionCodec(Serializer serializer, String serializerName) {
        this.serializer = serializer;
        this.serializerName = serializerName;
    }

    /** The result of {@link #encode}: the value and the hash of its payload for change detection. */
    record Encoded(byte[] value, byte[] payloadHash) {
    }

    /**
     * Serializes a session's graph into a stored value.
     *
     * @throws SerializationException when the serializer fails
     */
    Encoded encode(Object graph, long creationTime, long lastAccessedTime, int maxInactiveInterval, String writer) {
        byte[] payload = serializer.serialize(graph);
        return new Encoded(envelope(KIND_SESSION, payload, creationTime, lastAccessedTime, maxInactiveInterval,
                writer), hash(payload));
    }

    /**
     * @return the value left under a session's old key when it moved to another node
     */
    byte[] moved(SessionId newId, int maxInactiveInterval, String writer) {
        long now = System.currentTimeMillis();
        return envelope(KIND_MOVED, newId.base().getBytes(StandardCharsets.US_ASCII), now, now, maxInactiveInterval,
                writer);
    }

    private byte[] envelope(byte kind, byte[] payload, long creationTime, long lastAccessedTime,
            int maxInactiveInterval, String writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(M);
            out.writeByte(S);
            out.writeByte(FORMAT);
            out.writeByte(kind);
            out.writeByte(0);
            writeShortString(out, serializerName);
            out.writeLong(creationTime);
            out.writeLong(lastAccessedTime);
            out.writeInt(maxInactiveInterval);
            out.writeLong(System.currentTimeMillis());
            writeShortString(out, writer);
            out.writeInt(payload.length);
            out.write(payload);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
    static Header header(byte[] value) {
        try {
            ByteBuffer in = ByteBuffer.wrap(value);
            if (value.length < 5 || in.get() != M || in.get() != S) {
                throw new SerializationException("Not an msm session value (no magic)", null);
            }
            byte format = in.get();
            if (format != FORMAT) {
                throw new SerializationException("Unsupported msm value format [" + format + "]; this version "
                        + "reads format [" + FORMAT + "]", null);
            }
            byte kind = in.get();
            byte flags = in.get();
            if (kind != KIND_SESSION && kind != KIND_MOVED) {
                throw new SerializationException("Unknown msm value kind [" + kind + "]", null);
            }
            if (flags != 0) {
                throw new SerializationException("Unsupported msm value flags [" + flags + "]", null);
            }
            String serializer = readShortString(in);
            long creation = in.getLong();
            long lastAccessed = in.getLong();
            int maxInactive = in.getInt();
            long writtenAt = in.getLong();
            String writer = readShortString(in);
            int length = in.getInt();
            if (length < 0 || length != in.remaining()) {
                throw new SerializationException("Corrupt msm value: payload length [" + length + "] but ["
                        + in.remaining() + "] bytes follow", null);
            }
            return new Header(kind, serializer, creation, lastAccessed, maxInactive, writtenAt, writer,
                    in.position(), length);
        } catch (BufferUnderflowException e) {
            throw new SerializationException("Truncated msm value of [" + value.length + "] bytes", e);
        }
    }

    private static String readShortString(ByteBuffer in) {
        int length = in.get() & 0xff;
        byte[] b = new byte[Math.min(length, in.remaining())];
        if (b.length < length) {
            throw new BufferUnderflowException();
        }
        in.get(b);
        for (byte c : b) {
            if (c < 0x20 || c > 0x7e) {
                throw new SerializationException("Corrupt msm value: non-printable header text", null);
            }
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    /**
     * @return the new base id a {@link #KIND_MOVED} value points to
     */
    static String movedTo(byte[] value, Header header) {
        return new String(value, header.payloadOffset(), header.payloadLength(), StandardCharsets.US_ASCII);
    }

    /**
     * Deserializes the payload of a session value.
     *
     * @throws SerializationException when the value was written by another serializer or cannot be read
     */
    Object decode(byte[] value, Header header, ClassLoader loader) {
        if (!serializerName.equals(header.serializer())) {
            throw new SerializationException("Value written with serializer [" + header.serializer()
                    + "], but this manager uses [" + serializerName + "]", null);
        }
        return serializer.deserialize(payload(value, header), loader);
    }

    static byte[] payload(byte[] value, Header header) {
        return Arrays.copyOfRange(value, header.payloadOffset(), header.payloadOffset() + header.payloadLength());
    }

    /**
     * @return a 128-bit digest of serialized bytes: equal digests mean an unchanged session
     */
    static byte[] hash(byte[] payload) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(payload), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

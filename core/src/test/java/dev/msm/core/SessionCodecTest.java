package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.msm.api.SerializationException;
import dev.msm.core.serial.JavaSerializerProvider;

/** The stored value's envelope: round trips, compression, encryption, and hostile bytes. */
class SessionCodecTest {

    private static final String K1 = Base64.getEncoder().encodeToString(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    private static final String K2 = Base64.getEncoder().encodeToString(new byte[32]);

    private static SessionCodec codec(int compression, SessionCipher cipher) {
        return new SessionCodec(new JavaSerializerProvider().create(new dev.msm.api.Settings(java.util.Map.of(),
                java.time.Duration.ofSeconds(1), "/test")), "java", compression, cipher);
    }

    private static Object[] graph(int size) {
        Map<String, Object> attrs = new HashMap<>();
        attrs.put("count", 42);
        attrs.put("text", "x".repeat(size));
        return new Object[] {attrs, null, null, new HashMap<>()};
    }

    @SuppressWarnings("unchecked")
    private static Object roundTrip(SessionCodec codec, byte[] value, String baseId) {
        SessionCodec.Header h = SessionCodec.header(value);
        Object[] g = (Object[]) codec.decode(codec.plainPayload(value, h, baseId), h, null);
        return ((Map<String, Object>) g[0]).get("count");
    }

    @Test
    void roundTrip_HeaderFields() {
        SessionCodec codec = codec(0, null);
        byte[] value = codec.encode(graph(10), "id-n1", 1000, 2000, 1800, "a").value();
        SessionCodec.Header h = SessionCodec.header(value);
        assertEquals(SessionCodec.KIND_SESSION, h.kind());
        assertEquals("java", h.serializer());
        assertEquals(1000, h.creationTime());
        assertEquals(2000, h.lastAccessedTime());
        assertEquals(1800, h.maxInactiveInterval());
        assertEquals("a", h.writer());
        assertEquals(42, roundTrip(codec, value, "id-n1"));
    }

    @Test
    void compression_AboveThreshold_Only() {
        SessionCodec codec = codec(1024, null);
        byte[] small = codec.encode(graph(10), "id", 0, 0, 0, "a").value();
        byte[] large = codec.encode(graph(100_000), "id", 0, 0, 0, "a").value();
        assertEquals(0, SessionCodec.header(small).flags() & SessionCodec.FLAG_COMPRESSED);
        assertEquals(SessionCodec.FLAG_COMPRESSED, SessionCodec.header(large).flags() & SessionCodec.FLAG_COMPRESSED);
        assertTrue(large.length < 10_000, "not compressed: " + large.length);
        assertEquals(42, roundTrip(codec, large, "id"));
    }

    @Test
    void encryption_TamperCopyAndDowngrade_AreRejected() {
        SessionCodec codec = codec(1024, SessionCipher.of("k1:" + K1, null));
        byte[] value = codec.encode(graph(5000), "victim-n1", 0, 0, 0, "a").value();
        assertEquals(42, roundTrip(codec, value, "victim-n1"));
        // the same bytes under another session's key
        assertThrows(SerializationException.class, () -> roundTrip(codec, value, "attacker-n1"));
        // one flipped bit anywhere: header or payload
        for (int i = 0; i < value.length; i += 7) {
            byte[] t = value.clone();
            t[i] ^= 0x01;
            try {
                roundTrip(codec, t, "victim-n1");
                fail("tampered byte " + i + " accepted");
            } catch (SerializationException expected) {
                // refused
            }
        }
        // a value written without encryption is not accepted once encryption is on
        byte[] plain = codec(0, null).encode(graph(10), "victim-n1", 0, 0, 0, "a").value();
        assertThrows(SerializationException.class, () -> roundTrip(codec, plain, "victim-n1"));
    }

    @Test
    void encryption_KeysRotate() {
        byte[] old = codec(0, SessionCipher.of("k1:" + K1, null)).encode(graph(10), "id", 0, 0, 0, "a").value();
        SessionCodec rotated = codec(0, SessionCipher.of("k2:" + K2 + ",k1:" + K1, null));
        assertEquals(42, roundTrip(rotated, old, "id"));
        byte[] fresh = rotated.encode(graph(10), "id", 0, 0, 0, "a").value();
        assertEquals("k2", SessionCodec.header(fresh).keyId());
        SessionCodec retired = codec(0, SessionCipher.of("k2:" + K2, null));
        assertThrows(SerializationException.class, () -> roundTrip(retired, old, "id"));
    }

    @Test
    void hostileBytes_OnlySerializationException() {
        SessionCodec codec = codec(64, null);
        byte[] valid = codec.encode(graph(2000), "id", 0, 0, 0, "a").value();
        Random random = new Random(42);
        for (int i = 0; i < 3000; i++) {
            byte[] input;
            switch (i % 4) {
                case 0 -> input = Arrays.copyOf(valid, random.nextInt(valid.length));
                case 1 -> {
                    input = valid.clone();
                    for (int j = 0; j < 1 + random.nextInt(5); j++) {
                        input[random.nextInt(input.length)] = (byte) random.nextInt();
                    }
                }
                case 2 -> {
                    input = new byte[random.nextInt(200)];
                    random.nextBytes(input);
                }
                default -> {
                    input = valid.clone();
                    // a gigantic length field
                    ByteBuffer.wrap(input).putInt(SessionCodec.header(valid).payloadOffset() - 4,
                            random.nextInt(Integer.MAX_VALUE));
                }
            }
            try {
                SessionCodec.Header h = SessionCodec.header(input);
                codec.decode(codec.plainPayload(input, h, "id"), h, null);
            } catch (SerializationException expected) {
                // the only acceptable failure
            }
        }
    }

    @Test
    void zipBomb_IsBounded() {
        SessionCodec codec = codec(64, null);
        byte[] valid = codec.encode(graph(100_000), "id", 0, 0, 0, "a").value();
        SessionCodec.Header h = SessionCodec.header(valid);
        byte[] claim = valid.clone();
        ByteBuffer.wrap(claim).putInt(h.payloadOffset(), Integer.MAX_VALUE);
        assertThrows(SerializationException.class, () -> codec.plainPayload(claim, h, "id"));
        byte[] lie = valid.clone();
        ByteBuffer.wrap(lie).putInt(h.payloadOffset(), 50_000_000);
        assertThrows(SerializationException.class, () -> codec.plainPayload(lie, h, "id"));
    }

    @Test
    void movedTombstone_PointsToNewId() {
        SessionCodec codec = codec(0, SessionCipher.of("k1:" + K1, null));
        SessionId old = new SessionId("0123456789ABCDEF", "n1", null);
        byte[] moved = codec.moved(old, old.withNode("n2"), 60, "a");
        SessionCodec.Header h = SessionCodec.header(moved);
        assertEquals(SessionCodec.KIND_MOVED, h.kind());
        assertEquals("0123456789ABCDEF-n2", codec.movedTo(moved, h, old.base()));
        assertThrows(SerializationException.class, () -> codec.movedTo(moved, h, "0123456789ABCDEF-n3"));
    }

    @Test
    void hash_SameBytesSameHash() {
        assertArrayEquals(SessionCodec.hash(new byte[] {1, 2}), SessionCodec.hash(new byte[] {1, 2}));
        assertTrue(!Arrays.equals(SessionCodec.hash(new byte[] {1, 2}), SessionCodec.hash(new byte[] {2, 1})));
    }
}

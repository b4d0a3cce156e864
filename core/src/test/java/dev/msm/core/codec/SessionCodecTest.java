package dev.msm.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.msm.api.SerializationException;
import dev.msm.api.Unit;
import dev.msm.core.keys.SessionId;
import dev.msm.core.serial.Serializers;

/** The stored value's envelope: round trips, compression, encryption, and hostile bytes. */
@Unit
class SessionCodecTest {

    private static final String K1 = Base64.getEncoder().encodeToString(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    private static final String K2 = Base64.getEncoder().encodeToString(new byte[32]);

    private static SessionCodec codec(int compression, SessionCipher cipher) {
        return new SessionCodec(Serializers.java(), "java", compression, cipher);
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

    /** One flipped bit anywhere, header or payload (every {@code step}-th byte), and the value is refused. */
    private static void assertEveryFlippedBitRefused(SessionCodec codec, byte[] value, String baseId, int step) {
        for (int i = 0; i < value.length; i += step) {
            byte[] t = value.clone();
            t[i] ^= 0x01;
            try {
                roundTrip(codec, t, baseId);
                fail("tampered byte " + i + " accepted");
            } catch (SerializationException expected) {
                // refused
            }
        }
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
    void writtenAtAndMoveTimes_AreStampedFromTheInjectedClock() {
        AtomicLong now = new AtomicLong(Instant.parse("2031-05-04T12:00:00Z").toEpochMilli());
        SessionCodec codec = new SessionCodec(Serializers.java(), "java", 0, null, null, "",
                () -> Instant.ofEpochMilli(now.get()));
        byte[] first = codec.encode(graph(10), "id-n1", 1000, 2000, 1800, "a").value();
        assertEquals(now.get(), SessionCodec.header(first).writtenAt());
        now.addAndGet(90_000);
        byte[] second = codec.encode(graph(10), "id-n1", 1000, 2000, 1800, "a").value();
        assertEquals(now.get(), SessionCodec.header(second).writtenAt(), "the clock is read at each write");
        SessionId old = new SessionId("0123456789ABCDEF", "n1", null);
        SessionCodec.Header moved = SessionCodec.header(codec.moved(old, old.withNode("n2"), 60, "a"));
        assertEquals(now.get(), moved.writtenAt());
        assertEquals(now.get(), moved.creationTime());
        assertEquals(now.get(), moved.lastAccessedTime());
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
        assertEveryFlippedBitRefused(codec, value, "victim-n1", 7);
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

    private static SessionCodec signing(String keys, String namespace) {
        return new SessionCodec(Serializers.java(), "java", 64, null,
                SessionMac.of(keys, null), namespace);
    }

    @Test
    void integrity_SignedValueRoundTrips_PlainTextStaysReadable() {
        SessionCodec codec = signing("i1:" + K2, "ns");
        byte[] value = codec.encode(graph(5000), "victim-n1", 0, 0, 0, "a").value();
        SessionCodec.Header h = SessionCodec.header(value);
        assertEquals(SessionCodec.FLAG_SIGNED, h.flags() & (SessionCodec.FLAG_SIGNED | SessionCodec.FLAG_ENCRYPTED));
        assertEquals("i1", h.keyId());
        assertEquals(42, roundTrip(codec, value, "victim-n1"));
    }

    @Test
    void integrity_TamperedCopiedOrForgedValues_AreRefused() {
        SessionCodec codec = signing("i1:" + K2, "ns");
        byte[] value = codec.encode(graph(3000), "victim-n1", 0, 0, 0, "a").value();
        assertThrows(SerializationException.class, () -> roundTrip(codec, value, "attacker-n1"));
        assertThrows(SerializationException.class, () -> roundTrip(signing("i1:" + K2, "other"), value,
                "victim-n1"), "a value of another application must not verify");
        assertEveryFlippedBitRefused(codec, value, "victim-n1", 5);
        // a store writer without the key: an unsigned value, or one signed with a key of its own under a known id
        byte[] unsigned = codec(0, null).encode(graph(10), "victim-n1", 0, 0, 0, "a").value();
        assertThrows(ConfigurationMismatchException.class, () -> roundTrip(codec, unsigned, "victim-n1"));
        byte[] forged = signing("i1:" + K1, "ns").encode(graph(10), "victim-n1", 0, 0, 0, "a").value();
        SerializationException e = assertThrows(SerializationException.class,
                () -> roundTrip(codec, forged, "victim-n1"));
        assertFalse(e instanceof ConfigurationMismatchException, "a forged value is not a configuration question");
    }

    @Test
    void encryption_BindsTheApplicationsNamespace() {
        SessionCipher cipher = SessionCipher.of("k1:" + K1, null);
        SessionCodec app = new SessionCodec(Serializers.java(), "java", 0, cipher,
                null, "aaaa:bbbb");
        SessionCodec app2 = new SessionCodec(Serializers.java(), "java", 0, cipher,
                null, "aaaa:cccc");
        byte[] value = app.encode(graph(10), "id-n1", 0, 0, 0, "a").value();
        assertEquals(42, roundTrip(app, value, "id-n1"));
        assertThrows(SerializationException.class, () -> roundTrip(app2, value, "id-n1"));
    }

    @Test
    void ownConfiguration_IsTellingApartFromBadValues() {
        byte[] signedOld = signing("i1:" + K1, "").encode(graph(10), "id", 0, 0, 0, "a").value();
        // rolling key change: a Tomcat that does not have the key yet, or no longer
        assertThrows(ConfigurationMismatchException.class, () -> roundTrip(signing("i2:" + K2, ""), signedOld,
                "id"));
        byte[] encrypted = codec(0, SessionCipher.of("k1:" + K1, null)).encode(graph(10), "id", 0, 0, 0, "a")
                .value();
        assertThrows(ConfigurationMismatchException.class, () -> roundTrip(codec(0, SessionCipher.of("k2:" + K2,
                null)), encrypted, "id"));
        // encryption or integrity on one side only
        assertThrows(ConfigurationMismatchException.class, () -> roundTrip(codec(0, null), encrypted, "id"));
        assertThrows(ConfigurationMismatchException.class, () -> roundTrip(codec(0, null), signedOld, "id"));
        assertThrows(ConfigurationMismatchException.class, () -> roundTrip(signing("i1:" + K1, ""), encrypted,
                "id"));
        // the other serializer
        SessionCodec kryo = new SessionCodec(Serializers.java(), "kryo");
        byte[] plain = codec(0, null).encode(graph(10), "id", 0, 0, 0, "a").value();
        assertThrows(ConfigurationMismatchException.class, () -> roundTrip(kryo, plain, "id"));
        // a newer format
        byte[] newer = plain.clone();
        newer[2] = 2;
        assertThrows(ConfigurationMismatchException.class, () -> SessionCodec.header(newer));
        // both keys during a change from integrity to encryption: both kinds are read
        SessionCodec both = new SessionCodec(Serializers.java(), "java", 0,
                SessionCipher.of("k1:" + K1, null), SessionMac.of("i1:" + K1, null), "");
        assertEquals(42, roundTrip(both, signedOld, "id"));
        assertEquals(42, roundTrip(both, encrypted, "id"));
        // corrupt values are not a configuration question
        byte[] truncated = Arrays.copyOf(encrypted, encrypted.length - 3);
        SerializationException e = assertThrows(SerializationException.class, () -> SessionCodec.header(truncated));
        assertFalse(e instanceof ConfigurationMismatchException);
    }

    @Test
    void movedTombstone_SignedOnly_NamesNoSessionId() {
        SessionCodec codec = signing("i1:" + K2, "ns");
        SessionId old = new SessionId("0123456789ABCDEF", "n1", null);
        byte[] moved = codec.moved(old, old.withNode("n2"), 60, "a");
        assertFalse(new String(moved, java.nio.charset.StandardCharsets.ISO_8859_1).contains("0123456789ABCDEF"));
        assertEquals("0123456789ABCDEF-n2", codec.movedTo(moved, SessionCodec.header(moved), old.base()));
    }

    @Test
    void hash_SameBytesSameHash() {
        assertArrayEquals(SessionCodec.hash(new byte[] {1, 2}), SessionCodec.hash(new byte[] {1, 2}));
        assertTrue(!Arrays.equals(SessionCodec.hash(new byte[] {1, 2}), SessionCodec.hash(new byte[] {2, 1})));
    }
}

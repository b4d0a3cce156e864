package dev.msm.core.serial.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.esotericsoftware.kryo.io.Output;
import dev.msm.api.SerializationException;
import dev.msm.api.Serializer;
import dev.msm.api.Unit;
import dev.msm.core.serial.ClassAllowList;
import dev.msm.core.serial.FilteredObjectInput;
import dev.msm.core.serial.Serializers;

/**
 * Stored bytes are untrusted: whatever they hold, reading ends in a {@link SerializationException} or an object,
 * without allocating more than the bytes justify and without hanging. The timeout only guards against a hang.
 */
@Timeout(300)
@Unit
class KryoCorruptInputTest {

    private static final ClassLoader LOADER = KryoCorruptInputTest.class.getClassLoader();
    private static final int NULL_CLASS = 0;
    private static final int NAMED_CLASS = 1;
    private static final int NOT_NULL = 1;

    private final Serializer serializer = KryoSerializerTest.kryo();

    /** @return the id a class is written with, as the first varint of an object */
    private static int classId(Class<?> type) {
        return new KryoInstance(ClassAllowList.of(null), false, 100, false).getRegistration(type).getId() + 2;
    }

    /** @return a payload: the format byte, then what {@code body} writes */
    private static byte[] payload(Consumer<Output> body) {
        Output output = new Output(64, -1);
        output.writeByte(KryoSerializer.FORMAT);
        body.accept(output);
        return output.toBytes();
    }

    private void assertCorrupt(byte[] bytes) {
        assertThrows(SerializationException.class, () -> serializer.deserialize(bytes, LOADER));
    }

    @Test
    void emptyOrForeignPayload_IsRefused() {
        assertCorrupt(new byte[0]);
        assertCorrupt(new byte[] {KryoSerializer.FORMAT});
        assertCorrupt(new byte[] {2, 0});
        assertCorrupt(Serializers.java().serialize(new HashMap<>()));
        byte[] valid = serializer.serialize(KryoSerializerTest.realisticSession(1));
        byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
        assertTrue(assertThrows(SerializationException.class, () -> serializer.deserialize(trailing, LOADER))
                .getMessage().contains("Trailing bytes"));
    }

    @Test
    void truncatedPayload_EveryPrefixIsRefused() {
        byte[] valid = serializer.serialize(KryoSerializerTest.realisticSession(1));
        for (int length = 0; length < valid.length; length++) {
            assertCorrupt(Arrays.copyOf(valid, length));
        }
        assertEquals(KryoSerializerTest.attributes(KryoSerializerTest.realisticSession(1)),
                KryoSerializerTest.attributes(serializer.deserialize(valid, LOADER)));
    }

    @Test
    void hugeLengths_FailWithoutAllocating() {
        int huge = Integer.MAX_VALUE;
        // Object[] of 2^31 - 2 elements
        assertCorrupt(payload(o -> {
            o.writeVarInt(classId(Object[].class), true);
            o.writeVarInt(NOT_NULL, true);
            o.writeVarInt(huge, true);
        }));
        // ArrayList, HashMap of 2^31 - 1 elements
        for (Class<?> type : List.of(ArrayList.class, HashMap.class)) {
            assertCorrupt(payload(o -> {
                o.writeVarInt(classId(type), true);
                o.writeVarInt(NOT_NULL, true);
                o.writeVarInt(huge, true);
            }));
        }
        // a String of 2^31 - 2 UTF-8 characters
        assertCorrupt(payload(o -> {
            o.writeVarInt(classId(String.class), true);
            o.writeVarInt(NOT_NULL, true);
            o.writeVarIntFlag(true, huge, true);
        }));
        // byte[], long[] of 2^31 - 2 elements
        for (Class<?> type : List.of(byte[].class, long[].class)) {
            assertCorrupt(payload(o -> {
                o.writeVarInt(classId(type), true);
                o.writeVarInt(NOT_NULL, true);
                o.writeVarInt(huge, true);
            }));
        }
        // a class name of 2^31 - 2 characters
        assertCorrupt(payload(o -> {
            o.writeVarInt(NAMED_CLASS, true);
            o.writeVarInt(0, true);
            o.writeVarIntFlag(true, huge, true);
        }));
        // negative lengths
        assertCorrupt(payload(o -> {
            o.writeVarInt(classId(ArrayList.class), true);
            o.writeVarInt(NOT_NULL, true);
            o.writeVarInt(-5, true);
        }));
    }

    @Test
    void nestedContainers_CannotDeclareMoreElementsThanTheBytesHold() {
        // 90 nested lists, each declaring 10,000 elements in a payload of a few hundred bytes
        byte[] bytes = payload(o -> {
            for (int i = 0; i < 90; i++) {
                o.writeVarInt(classId(ArrayList.class), true);
                o.writeVarInt(NOT_NULL, true);
                o.writeVarInt(10_000, true);
            }
            o.writeVarInt(NULL_CLASS, true);
        });
        SerializationException e = assertThrows(SerializationException.class,
                () -> serializer.deserialize(bytes, LOADER));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        // honest sizes read back, nested as deep as the bound allows (the session graph takes two levels)
        Object nested = "leaf";
        for (int i = 0; i < FilteredObjectInput.MAX_CONTAINER_NESTING - 2; i++) {
            nested = new ArrayList<>(List.of(nested));
        }
        Object deep = nested;
        Map<String, Object> attributes = new HashMap<>(Map.of("deep", deep));
        assertEquals(deep, KryoSerializerTest.attributes(serializer.deserialize(
                serializer.serialize(new Object[] {attributes, null, null, new HashMap<>()}), LOADER)).get("deep"));
    }

    @Test
    void unknownClassIdOrName_IsRefused() {
        assertCorrupt(payload(o -> o.writeVarInt(10_000, true)));
        assertCorrupt(payload(o -> {
            o.writeVarInt(NAMED_CLASS, true);
            o.writeVarInt(0, true);
            o.writeString("java.util.NoSuchClass");
        }));
        // a name id that was never defined, given as a reference
        assertCorrupt(payload(o -> {
            o.writeVarInt(NAMED_CLASS, true);
            o.writeVarInt(7, true);
        }));
    }

    /**
     * A few thousand inputs from a fixed seed: random bytes, and valid payloads with bytes changed, cut, duplicated or
     * removed. Each read must end in an object or a {@link SerializationException}.
     */
    @Test
    void fuzz_RandomAndMutatedBytes_EndInSerializationExceptionOrAnObject() {
        Random random = new Random(20_260_301L);
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(serializer.serialize(KryoSerializerTest.realisticSession(1)));
        Map<String, Object> small = new HashMap<>();
        small.put("ids", new ArrayList<>(List.of(1L, 2L, 3L)));
        small.put("name", "x");
        small.put("bytes", new byte[] {1, 2, 3});
        small.put("set", new TreeSet<>(List.of("a", "b")));
        seeds.add(serializer.serialize(new Object[] {small, null, null, new HashMap<>()}));
        seeds.add(serializer.serialize(new Object[] {new HashMap<>(), KryoSerializerTest.principal(), "FORM",
                new HashMap<>(Map.of("req", KryoSerializerTest.savedRequest()))}));

        int objects = 0;
        int refused = 0;
        for (int i = 0; i < 4000; i++) {
            byte[] input = mutate(random, seeds.get(random.nextInt(seeds.size())), i % 5);
            try {
                serializer.deserialize(input, LOADER);
                objects++;
            } catch (SerializationException e) {
                refused++;
            } catch (Throwable t) {
                fail("input #" + i + " (" + Arrays.toString(Arrays.copyOf(input, Math.min(input.length, 64)))
                        + "...) ended in " + t, t);
            }
        }
        System.out.println("Fuzz: [" + objects + "] inputs read as objects, [" + refused + "] refused");
        assertEquals(4000, objects + refused);
        // the pooled instances are still sound
        Object[] graph = KryoSerializerTest.realisticSession(5);
        assertEquals(KryoSerializerTest.attributes(graph),
                KryoSerializerTest.attributes(serializer.deserialize(serializer.serialize(graph), LOADER)));
    }

    private static byte[] mutate(Random random, byte[] seed, int kind) {
        switch (kind) {
            case 0 -> { // random bytes after the format byte
                byte[] bytes = new byte[1 + random.nextInt(96)];
                random.nextBytes(bytes);
                bytes[0] = KryoSerializer.FORMAT;
                return bytes;
            }
            case 1 -> { // a few bytes changed
                byte[] bytes = seed.clone();
                for (int n = 1 + random.nextInt(6); n > 0; n--) {
                    int at = 1 + random.nextInt(bytes.length - 1);
                    bytes[at] = random.nextInt(4) == 0 ? (byte) 0xFF : (byte) random.nextInt(256);
                }
                return bytes;
            }
            case 2 -> { // cut, then a byte changed
                byte[] bytes = Arrays.copyOf(seed, 2 + random.nextInt(seed.length - 2));
                bytes[1 + random.nextInt(bytes.length - 1)] ^= (byte) (1 << random.nextInt(8));
                return bytes;
            }
            case 3 -> { // a range removed
                int from = 1 + random.nextInt(seed.length - 1);
                int to = Math.min(seed.length, from + 1 + random.nextInt(16));
                byte[] bytes = new byte[seed.length - (to - from)];
                System.arraycopy(seed, 0, bytes, 0, from);
                System.arraycopy(seed, to, bytes, from, seed.length - to);
                return bytes;
            }
            default -> { // a range duplicated
                int from = 1 + random.nextInt(seed.length - 1);
                int length = Math.min(seed.length - from, 1 + random.nextInt(16));
                byte[] bytes = new byte[seed.length + length];
                System.arraycopy(seed, 0, bytes, 0, from + length);
                System.arraycopy(seed, from, bytes, from + length, seed.length - from);
                return bytes;
            }
        }
    }
}

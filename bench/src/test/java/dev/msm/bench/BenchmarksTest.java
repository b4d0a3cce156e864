package dev.msm.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs each benchmark method once per parameter combination and checks that what it measures is right: the state read
 * back equals the state written, and the shapes are deterministic. No timing is measured or asserted.
 */
@Tag("unit")
class BenchmarksTest {

    @ParameterizedTest
    @CsvSource({"java,small", "java,medium", "java,large", "kryo,small", "kryo,medium", "kryo,large"})
    void serializerBenchmark_RoundTripsEveryShape(String serializer, String shape) {
        SerializerBenchmark bench = new SerializerBenchmark();
        bench.serializer = serializer;
        bench.shape = shape;
        bench.setUp();
        SerializerBenchmark.Bytes bytes = new SerializerBenchmark.Bytes();
        byte[] serialized = bench.serialize(bytes);
        assertEquals(serialized.length, bytes.bytes);
        Object read = bench.deserialize(bytes);
        assertEquals(2L * serialized.length, bytes.bytes);
        assertTrue(SessionShapes.sameState(SessionShapes.build(shape), read), serializer + " " + shape);
    }

    @ParameterizedTest
    @CsvSource({"medium,off,off", "medium,on,off", "medium,off,on", "medium,on,on", "large,off,off",
        "large,on,on"})
    void codecBenchmark_RoundTripsWithEveryOption(String shape, String compression, String encryption) {
        CodecBenchmark bench = new CodecBenchmark();
        bench.shape = shape;
        bench.compression = compression;
        bench.encryption = encryption;
        bench.setUp();
        SerializerBenchmark.Bytes bytes = new SerializerBenchmark.Bytes();
        byte[] stored = bench.encode(bytes);
        assertTrue(stored.length > 0);
        Object read = bench.decode(bytes);
        assertTrue(SessionShapes.sameState(SessionShapes.build(shape), read), shape + " " + compression + " "
                + encryption);
    }

    @ParameterizedTest
    @CsvSource({"small", "medium", "large"})
    void sessionShapes_AreTheSameForTheSameSeed(String shape) {
        byte[] first = SerializerBenchmark.create("java").serialize(SessionShapes.build(shape));
        byte[] second = SerializerBenchmark.create("java").serialize(SessionShapes.build(shape));
        assertArrayEquals(first, second);
    }

    @ParameterizedTest
    @CsvSource({"small,18", "medium,39", "large,284"})
    void sessionShapes_HaveTheDocumentedNumberOfAttributes(String shape, int attributes) {
        assertEquals(attributes, ((Map<?, ?>) SessionShapes.build(shape)[0]).size(), shape);
    }

    @ParameterizedTest
    @CsvSource({"small", "medium", "large"})
    void sessionShapes_AreWithin15PercentOfTheirTargetSize(String shape) {
        int size = SessionShapes.javaSize(SessionShapes.build(shape)[0]);
        int target = SessionShapes.TARGET_BYTES.get(shape);
        assertTrue(Math.abs(size - target) <= target * 0.15, shape + ": " + size + " bytes, target " + target);
    }
}

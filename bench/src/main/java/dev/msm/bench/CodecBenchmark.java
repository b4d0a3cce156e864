package dev.msm.bench;

import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.msm.core.codec.StoredValueFormat;


/**
 * The stored value's envelope around the serializer (msm's {@code SessionCodec}), as a store and a load run it:
 * {@link #encode} serializes with Kryo, optionally compresses (deflate, {@code compressionThreshold="1"}) and encrypts
 * (AES-GCM with a 256-bit key, {@code encryptionKeys}), and hashes the payload for change detection; {@link #decode}
 * reads the header, authenticates and decrypts, inflates, deserializes and hashes. Compression {@code off} and
 * encryption {@code off} (msm's defaults) are the baseline. The auxiliary counter {@code bytes} adds up the stored
 * bytes: divided by the operations per second it is the stored value's size.
 *
 * <p>Run: {@code bench/jmh.sh CodecBenchmark}, or after {@code mvn -B -o -f bench/pom.xml package}:
 * {@code java -jar bench/target/benchmarks.jar CodecBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmark {

    /** The session id the values are bound to (encryption authenticates it). */
    static final String BASE_ID = "2F0A6E4C1B9D8E7F6A5B4C3D2E1F0A9B-n1";

    /** {@code medium} or {@code large}, see {@link SessionShapes}. */
    @Param({"medium", "large"})
    public String shape;

    /** {@code off} (the baseline) or {@code on}: deflate every payload. */
    @Param({"off", "on"})
    public String compression;

    /** {@code off} (the baseline) or {@code on}: AES-GCM. */
    @Param({"off", "on"})
    public String encryption;

    private StoredValueFormat codec;
    private Object[] graph;
    private byte[] stored;
    private ClassLoader loader;

    /** Builds the codec and encodes the shape once. */
    @Setup
    public void setUp() {
        codec = create(compression, encryption);
        graph = SessionShapes.build(shape);
        stored = codec.encode(graph, BASE_ID);
        loader = CodecBenchmark.class.getClassLoader();
    }

    /**
     * @param compression {@code on} or {@code off}
     * @param encryption  {@code on} or {@code off}
     * @return a codec around the Kryo serializer with these options; the key comes from the fixed seed
     */
    static StoredValueFormat create(String compression, String encryption) {
        String keys = null;
        if ("on".equals(encryption)) {
            byte[] key = new byte[32];
            new Random(SessionShapes.SEED).nextBytes(key);
            keys = "k1:" + Base64.getEncoder().encodeToString(key);
        }
        return new StoredValueFormat(SerializerBenchmark.create("kryo"), "kryo", "on".equals(compression) ? 1 : 0,
                keys);
    }

    /**
     * @param bytes counts the stored bytes written
     * @return the stored value
     */
    @Benchmark
    public byte[] encode(SerializerBenchmark.Bytes bytes) {
        byte[] value = codec.encode(graph, BASE_ID);
        bytes.bytes += value.length;
        return value;
    }

    /**
     * @param bytes counts the stored bytes read
     * @return the session state
     */
    @Benchmark
    public Object decode(SerializerBenchmark.Bytes bytes) {
        bytes.bytes += stored.length;
        return codec.decode(stored, BASE_ID, loader);
    }
}

package dev.msm.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.msm.api.Serializer;
import dev.msm.api.SerializerProvider;
import dev.msm.api.Settings;
import dev.msm.core.serial.JavaSerializerProvider;
import dev.msm.core.serial.kryo.KryoSerializerProvider;

/**
 * The two serializers msm ships, side by side: Java serialization (the default, {@code java}) against Kryo
 * ({@code kryo}), each writing and reading back the {@link SessionShapes} ({@code small} 1 KiB, {@code medium}
 * 20 KiB, {@code large} 500 KiB) exactly as the engine calls them ({@link Serializer#serialize},
 * {@link Serializer#deserialize} with the allow-list filter on). The auxiliary counter {@code bytes} adds up the
 * serialized bytes written or read: divided by the operations per second it is the serialized size of the shape (the
 * summary of {@link JmhRun} shows it).
 *
 * <p>Run: {@code bench/jmh.sh SerializerBenchmark}, or after {@code mvn -B -o -f bench/pom.xml package}:
 * {@code java -jar bench/target/benchmarks.jar SerializerBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SerializerBenchmark {

    /**
     * {@code java} (the baseline), {@code kryo} (msm's default: fields by name, {@code kryoCompatibleFields=true}) or
     * {@code kryo-positional} ({@code kryoCompatibleFields=false}: what compatibility across rolling deploys costs).
     */
    @Param({"java", "kryo", "kryo-positional"})
    public String serializer;

    /** One of {@link SessionShapes#NAMES}. */
    @Param({"small", "medium", "large"})
    public String shape;

    private Serializer instance;
    private Object[] graph;
    private byte[] serialized;
    private ClassLoader loader;

    /**
     * Creates the serializer as the manager would (with the benchmark beans allowed) and serializes the shape once.
     */
    @Setup
    public void setUp() {
        instance = create(serializer);
        graph = SessionShapes.build(shape);
        serialized = instance.serialize(graph);
        loader = SerializerBenchmark.class.getClassLoader();
    }

    /**
     * @param name {@code java}, {@code kryo} or {@code kryo-positional}
     * @return that serializer, configured with {@link SessionShapes#ALLOWED_CLASSES}
     */
    static Serializer create(String name) {
        SerializerProvider provider = switch (name) {
            case "java" -> new JavaSerializerProvider();
            case "kryo", "kryo-positional" -> new KryoSerializerProvider();
            default -> throw new IllegalArgumentException("Unknown serializer [" + name + "]");
        };
        Map<String, String> attributes = new java.util.HashMap<>();
        attributes.put("allowedClasses", SessionShapes.ALLOWED_CLASSES);
        if (name.equals("kryo-positional")) {
            attributes.put("kryoCompatibleFields", "false");
        }
        return provider.create(new Settings(attributes, Duration.ofSeconds(1), ""));
    }

    /**
     * @param bytes counts the bytes written
     * @return the serialized session
     */
    @Benchmark
    public byte[] serialize(Bytes bytes) {
        byte[] b = instance.serialize(graph);
        bytes.bytes += b.length;
        return b;
    }

    /**
     * @param bytes counts the bytes read
     * @return the session state read back
     */
    @Benchmark
    public Object deserialize(Bytes bytes) {
        bytes.bytes += serialized.length;
        return instance.deserialize(serialized, loader);
    }

    /** The serialized bytes handled, reported by JMH as bytes per second next to the operations per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        /** Bytes written or read in this iteration. */
        public long bytes;

        /** Starts each iteration at zero. */
        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }
}

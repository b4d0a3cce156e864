package dev.msm.core.serial.kryo;

import java.util.ConcurrentModificationException;
import java.util.Set;

import com.esotericsoftware.kryo.io.Output;
import dev.msm.api.SerializationException;
import dev.msm.core.serial.CheckingSerializer;
import dev.msm.core.serial.ClassAllowList;

/**
 * Kryo 5 serialization with the allow-list of the {@code java} serializer. Bytes: one format byte ({@value #FORMAT}),
 * then the Kryo stream of the graph.
 *
 * <p>Thread-safe: instances come from two bounded pools, one for writing and one for reading, so that a reading
 * instance only ever holds serializers for classes the allow-list let through. The class loader passed to
 * {@link #deserialize} is set on the instance for that call only.
 */
final class KryoSerializer implements CheckingSerializer {

    /** The first byte of every payload; another value is refused. */
    static final byte FORMAT = 1;
    /** Free instances kept per pool. */
    static final int POOL_CAPACITY = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());

    private final KryoPool writers;
    private final KryoPool readers;

    KryoSerializer(ClassAllowList allowList, int maxDepth, boolean copyCollections) {
        this(allowList, maxDepth, copyCollections, true);
    }

    /** @param compatibleFields see {@link KryoSerializerProvider#DEFAULT_COMPATIBLE_FIELDS} */
    KryoSerializer(ClassAllowList allowList, int maxDepth, boolean copyCollections, boolean compatibleFields) {
        writers = new KryoPool(POOL_CAPACITY, () -> new KryoInstance(allowList, false, maxDepth, copyCollections,
                compatibleFields));
        readers = new KryoPool(POOL_CAPACITY, () -> new KryoInstance(allowList, true, maxDepth, copyCollections,
                compatibleFields));
    }

    @Override
    public byte[] serialize(Object graph) {
        return serialize(graph, null);
    }

    @Override
    public byte[] serialize(Object graph, Set<String> refused) {
        KryoPool.Lease lease = writers.obtain();
        Throwable failure = null;
        try {
            Output output = new Output(1024, -1);
            output.writeByte(FORMAT);
            lease.kryo().checkWrites(refused);
            lease.kryo().writeClassAndObject(output, graph);
            return output.toBytes();
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            failure = e;
            ConcurrentModificationException changed = find(e, ConcurrentModificationException.class);
            if (changed != null) {
                throw changed; // the engine serializes again
            }
            throw new SerializationException("Serialization failed: " + e, e);
        } finally {
            lease.release(failure);
        }
    }

    @Override
    public Object deserialize(byte[] bytes, ClassLoader loader) {
        if (bytes.length < 2 || bytes[0] != FORMAT) {
            throw new SerializationException("Not a kryo session of format [" + FORMAT + "]", null);
        }
        KryoPool.Lease lease = readers.obtain();
        KryoInstance kryo = lease.kryo();
        Throwable failure = null;
        kryo.begin(loader);
        try {
            KryoBoundedInput input = new KryoBoundedInput(bytes, 1, bytes.length - 1);
            Object graph = kryo.readClassAndObject(input);
            if (input.position() != bytes.length) {
                throw new SerializationException("Trailing bytes after the serialized session", null);
            }
            return graph;
        } catch (SerializationException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // any Error is hostile or corrupt data (StackOverflowError: nested hashCode() calls, a list containing
            // itself as a map key; OutOfMemoryError: a bound missed), never a 5xx (issue 15)
            failure = e;
            String refused = kryo.refusedClass();
            if (refused != null) {
                throw new SerializationException(ClassAllowList.refusedMessage(Set.of(refused)), refused, e);
            }
            throw new SerializationException("Cannot read serialized session: " + e, e);
        } finally {
            lease.release(failure);
        }
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        Throwable t = e;
        for (int i = 0; t != null && i < 32; i++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}

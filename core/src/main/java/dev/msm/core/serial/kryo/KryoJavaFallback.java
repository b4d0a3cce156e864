package dev.msm.core.serial.kryo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Set;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.msm.core.serial.CheckedObjectOutput;
import dev.msm.core.serial.ClassAllowList;
import dev.msm.core.serial.FilteredObjectInput;

/**
 * Writes one object with Java serialization inside the Kryo stream (length, then the bytes of an
 * {@link ObjectOutputStream}). Used for classes whose state only their own {@code writeReplace}, {@code readResolve},
 * {@code writeObject} or {@code readObject} know (Tomcat's {@code GenericPrincipal} and the {@code ByteChunk} of a
 * {@code SavedRequest}), and for JDK classes whose fields Kryo cannot reach without {@code --add-opens}.
 *
 * <p>Reading applies the same allow-list to the nested stream, so the fallback is no way around it: a class name is
 * checked before the class is loaded, and an {@code ObjectInputFilter} bounds depth (what is left of
 * {@code serializationMaxDepth}), references and array lengths by the nested stream's size. Object identity is not
 * shared between the nested stream and the rest of the graph. Stateless, so thread-safe.
 */
final class KryoJavaFallback extends Serializer<Object> {

    private final ClassAllowList allowList;

    KryoJavaFallback(ClassAllowList allowList) {
        this.allowList = allowList;
    }

    @Override
    public void write(Kryo kryo, Output output, Object object) {
        Bytes bytes = new Bytes();
        Set<String> refused = ((KryoInstance) kryo).refusedOnWrite();
        try (ObjectOutputStream out = new CheckedObjectOutput(bytes, allowList, refused)) {
            out.writeObject(object);
        } catch (NotSerializableException e) {
            throw new KryoException("Not serializable: [" + e.getMessage() + "]", e);
        } catch (IOException e) {
            throw new KryoException("Java serialization of [" + object.getClass().getName() + "] failed: " + e, e);
        }
        output.writeVarInt(bytes.size(), true);
        output.writeBytes(bytes.buffer(), 0, bytes.size());
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
        int length = input.readVarInt(true);
        byte[] data = input.readBytes(length);
        KryoInstance instance = (KryoInstance) kryo;
        try {
            return FilteredObjectInput.read(data, kryo.getClassLoader(), allowList,
                    Math.max(1, instance.maxDepth() - kryo.getDepth()));
        } catch (FilteredObjectInput.RefusedClassException e) {
            instance.refused(e.className());
            throw new KryoException("Class [" + e.className() + "] is not allowed", e);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new KryoException("Cannot read the Java-serialized [" + type.getName() + "]: " + e, e);
        }
    }

    /** A {@link ByteArrayOutputStream} whose buffer can be written without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(256);
        }

        byte[] buffer() {
            return buf;
        }
    }
}

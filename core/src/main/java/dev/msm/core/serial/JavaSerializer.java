package dev.msm.core.serial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.Set;

import dev.msm.api.SerializationException;

/**
 * Java serialization with an allow-list filter. Classes are resolved with the web application's class loader.
 */
final class JavaSerializer implements CheckingSerializer {

    private final ClassAllowList allowList;
    private final int maxDepth;

    JavaSerializer(ClassAllowList allowList, int maxDepth) {
        this.allowList = allowList;
        this.maxDepth = maxDepth;
    }

    @Override
    public byte[] serialize(Object graph) {
        return serialize(graph, null);
    }

    @Override
    public byte[] serialize(Object graph, Set<String> refused) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (CheckedObjectOutput out = new CheckedObjectOutput(bytes, allowList, refused)) {
            out.writeObject(graph);
        } catch (NotSerializableException e) {
            throw new SerializationException("Not serializable: [" + e.getMessage() + "]", e);
        } catch (IOException e) {
            throw new SerializationException("Serialization failed: " + e, e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object deserialize(byte[] bytes, ClassLoader loader) {
        try {
            return FilteredObjectInput.read(bytes, loader, allowList, maxDepth);
        } catch (FilteredObjectInput.RefusedClassException e) {
            throw new SerializationException(ClassAllowList.refusedMessage(Set.of(e.className())), e.className(), e);
        } catch (IOException | ClassNotFoundException | RuntimeException | Error e) {
            // issue 15: any Error while reading is hostile or corrupt data (StackOverflowError: nested hashCode()
            // calls; OutOfMemoryError: a bound missed), and gives a fresh session, never a 5xx
            throw new SerializationException("Cannot read serialized session: " + e, e);
        }
    }
}

package dev.msm.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;

import dev.msm.api.SerializationException;
import dev.msm.api.Serializer;

/**
 * Java serialization with an allow-list filter. Classes are resolved with the web application's class loader.
 */
final class JavaSerializer implements Serializer {

    private final ClassAllowList allowList;
    private final int maxDepth;

    JavaSerializer(ClassAllowList allowList, int maxDepth) {
        this.allowList = allowList;
        this.maxDepth = maxDepth;
    }

    @Override
    public byte[] serialize(Object graph) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
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
            throw new SerializationException("Class [" + e.className + "] is not allowed; add it to the "
                    + "[allowedClasses] attribute of the <Manager>", e.className, e);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new SerializationException("Cannot read serialized session: " + e, e);
        }
    }
}

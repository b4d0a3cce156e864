package dev.msm.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.Proxy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Writes one object with Java serialization inside the Kryo stream (length, then the bytes of an
 * {@link ObjectOutputStream}). Used for classes whose state only their own {@code writeReplace}, {@code readResolve},
 * {@code writeObject} or {@code readObject} know (Tomcat's {@code GenericPrincipal} and the {@code ByteChunk} of a
 * {@code SavedRequest}), and for JDK classes whose fields Kryo cannot reach without {@code --add-opens}.
 *
 * <p>Reading applies the same allow-list to the nested stream, so the fallback is no way around it: a class name is
 * checked before the class is loaded, and an {@link ObjectInputFilter} bounds depth (what is left of
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
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
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
        Filter filter = new Filter(length, Math.max(1, instance.maxDepth() - kryo.getDepth()));
        try (FilteredObjectInputStream in = new FilteredObjectInputStream(data, kryo.getClassLoader(), filter)) {
            in.setObjectInputFilter(filter);
            Object value = in.readObject();
            if (in.read() != -1) {
                throw new KryoException("Corrupt data: trailing bytes after the Java-serialized [" + type.getName()
                        + "]");
            }
            return value;
        } catch (IOException | ClassNotFoundException e) {
            if (filter.rejected != null) {
                instance.refused(filter.rejected);
                throw new KryoException("Class [" + filter.rejected + "] is not allowed", e);
            }
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

    /** Allow-list and bounds for the nested stream, as {@link JavaSerializer} applies them to a whole session. */
    private final class Filter implements ObjectInputFilter {
        private final long maxBytes;
        private final long maxDepth;
        private String rejected;

        Filter(long maxBytes, long maxDepth) {
            this.maxBytes = maxBytes;
            this.maxDepth = maxDepth;
        }

        /** @return whether a class of that name may be loaded; remembers the refused name */
        boolean allowsName(String name) {
            String refused = KryoClassResolver.refusedName(allowList, name);
            if (refused != null) {
                rejected = refused;
                return false;
            }
            return true;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            if (info.depth() > maxDepth || info.references() > maxBytes || info.streamBytes() > maxBytes
                    || info.arrayLength() > maxBytes) {
                return Status.REJECTED;
            }
            Class<?> type = info.serialClass();
            if (type == null || allowList.allows(type) || Proxy.isProxyClass(type) && allowedProxy(type)) {
                return Status.ALLOWED;
            }
            rejected = KryoClassResolver.elementName(type);
            return Status.REJECTED;
        }

        private boolean allowedProxy(Class<?> type) {
            for (Class<?> i : type.getInterfaces()) {
                if (!allowList.allows(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Checks each class name before loading it, then resolves it with the web application's class loader. */
    private static final class FilteredObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;
        private final Filter filter;

        FilteredObjectInputStream(byte[] data, ClassLoader loader, Filter filter) throws IOException {
            super(new ByteArrayInputStream(data));
            this.loader = loader;
            this.filter = filter;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            String name = desc.getName();
            if (!filter.allowsName(name)) {
                throw new InvalidClassException(name, "not allowed");
            }
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc); // primitive types
            }
        }

        @Override
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
            Class<?>[] types = new Class<?>[interfaces.length];
            for (int i = 0; i < interfaces.length; i++) {
                if (!filter.allowsName(interfaces[i])) {
                    throw new InvalidClassException(interfaces[i], "not allowed");
                }
                types[i] = Class.forName(interfaces[i], false, loader);
            }
            @SuppressWarnings("deprecation")
            Class<?> proxy = Proxy.getProxyClass(loader, types);
            return proxy;
        }
    }
}

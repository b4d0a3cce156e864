package dev.msm.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.Proxy;

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
        Filter filter = new Filter(bytes.length);
        try (LoaderObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), loader)) {
            in.setObjectInputFilter(filter);
            Object graph = in.readObject();
            if (in.read() != -1) {
                throw new SerializationException("Trailing bytes after the serialized session", null);
            }
            return graph;
        } catch (InvalidClassException e) {
            if (filter.rejected != null) {
                throw new SerializationException("Class [" + filter.rejected + "] is not allowed; add it to the "
                        + "[allowedClasses] attribute of the <Manager>", filter.rejected, e);
            }
            throw new SerializationException("Cannot read serialized session: " + e, e);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            if (filter.rejected != null) {
                throw new SerializationException("Class [" + filter.rejected + "] is not allowed; add it to the "
                        + "[allowedClasses] attribute of the <Manager>", filter.rejected, e);
            }
            throw new SerializationException("Cannot read serialized session: " + e, e);
        }
    }

    /** Bounds every count by the stream length: no legitimate stream has more array elements or refs than bytes. */
    private final class Filter implements ObjectInputFilter {
        private final long maxBytes;
        private volatile String rejected;

        Filter(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            if (info.depth() > maxDepth || info.references() > maxBytes || info.streamBytes() > maxBytes
                    || info.arrayLength() > maxBytes) {
                return Status.REJECTED;
            }
            Class<?> type = info.serialClass();
            if (type == null) {
                return Status.ALLOWED;
            }
            if (allowList.allows(type) || Proxy.isProxyClass(type) && allowedProxy(type)) {
                return Status.ALLOWED;
            }
            Class<?> c = type;
            while (c.isArray()) {
                c = c.getComponentType();
            }
            rejected = c.getName();
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

    /** Resolves classes with the web application's loader first. */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // primitives and JDK classes below
                }
            }
            return super.resolveClass(desc);
        }

        @Override
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
            if (loader == null) {
                return super.resolveProxyClass(interfaces);
            }
            Class<?>[] types = new Class<?>[interfaces.length];
            for (int i = 0; i < interfaces.length; i++) {
                types[i] = Class.forName(interfaces[i], false, loader);
            }
            @SuppressWarnings("deprecation")
            Class<?> proxy = Proxy.getProxyClass(loader, types);
            return proxy;
        }
    }
}

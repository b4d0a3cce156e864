package dev.msm.core.serial;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.Proxy;

/**
 * Reads a Java serialization stream that may only instantiate classes of a {@link ClassAllowList}: every class name
 * is checked before the class is loaded (the web application's class loader resolves it), and an
 * {@link ObjectInputFilter} bounds depth, references, array lengths and bytes — references and array lengths by the
 * stream's own length, since no legitimate stream has more of them than it has bytes. Used by the {@code java}
 * serializer for whole sessions and by the {@code kryo} serializer for objects it writes with Java serialization.
 */
public final class FilteredObjectInput {

    /** The stream named a class the allow-list refuses. */
    public static final class RefusedClassException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String className;

        RefusedClassException(String className, Throwable cause) {
            super("Class [" + className + "] is not allowed", cause);
            this.className = className;
        }

        /** @return the refused class */
        public String className() {
            return className;
        }
    }

    /**
     * Deepest nesting of collections, maps and arrays read (issue 15): a key's {@code hashCode()} walks what it
     * contains, and a stream can share one object at every level, so reading a hash-based collection costs up to
     * 2^nesting calls. 20 levels bound that to about a million, far below what any session's data nests.
     */
    public static final int MAX_CONTAINER_NESTING = 20;

    private FilteredObjectInput() {
    }

    /**
     * @param data      the stream
     * @param loader    the web application's class loader, or {@code null}
     * @param allowList the classes that may be instantiated
     * @param maxDepth  the deepest nesting accepted
     * @return the object read
     * @throws RefusedClassException when the stream names a class the list refuses
     * @throws IOException           when the stream is corrupt, trailing bytes included, or exceeds a bound
     */
    public static Object read(byte[] data, ClassLoader loader, ClassAllowList allowList, long maxDepth)
            throws RefusedClassException, IOException, ClassNotFoundException {
        Filter filter = new Filter(allowList, data.length, maxDepth);
        try (Stream in = new Stream(data, loader, filter)) {
            in.setObjectInputFilter(filter);
            Object value = in.readObject();
            if (in.read() != -1) {
                throw new IOException("Corrupt data: trailing bytes after the serialized object");
            }
            return value;
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            if (filter.rejected != null) {
                throw new RefusedClassException(filter.rejected, e);
            }
            throw e;
        }
    }

    /**
     * Checks a binary class name as serialization streams write it, arrays included ({@code [Lcom.shop.Cart;}).
     *
     * @return {@code null} when the class may be loaded, else the name to report (an array's element class)
     */
    public static String refusedName(ClassAllowList allowList, String name) {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return isPrimitive(name) || allowList.allows(name) ? null : name;
        }
        String element = name.substring(dims);
        if (element.length() == 1 && "ZBCSIJFD".indexOf(element.charAt(0)) >= 0) {
            return null;
        }
        if (element.length() > 2 && element.charAt(0) == 'L' && element.endsWith(";")) {
            String className = element.substring(1, element.length() - 1);
            return allowList.allows(className) ? null : className;
        }
        return name;
    }

    private static boolean isPrimitive(String name) {
        return switch (name) {
            case "boolean", "byte", "char", "short", "int", "long", "float", "double", "void" -> true;
            default -> false;
        };
    }

    /** @return the name of the class, or of an array's element class */
    public static String elementName(Class<?> type) {
        Class<?> c = type;
        while (c.isArray()) {
            c = c.getComponentType();
        }
        return c.getName();
    }

    private static final class Filter implements ObjectInputFilter {
        private final ClassAllowList allowList;
        private final long maxBytes;
        private final long maxDepth;
        private volatile String rejected;
        /** Depths of the containers being read, innermost last: collections and maps check an array as they start. */
        private final int[] containers = new int[MAX_CONTAINER_NESTING + 1];
        private int nesting;

        Filter(ClassAllowList allowList, long maxBytes, long maxDepth) {
            this.allowList = allowList;
            this.maxBytes = maxBytes;
            this.maxDepth = maxDepth;
        }

        boolean allowsName(String name) {
            String refused = refusedName(allowList, name);
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
            if (!nestingAllowed(info.depth(), type != null && type.isArray())) {
                return Status.REJECTED;
            }
            if (type == null || allowList.allows(type) || Proxy.isProxyClass(type) && allowedProxy(type)) {
                return Status.ALLOWED;
            }
            rejected = elementName(type);
            return Status.REJECTED;
        }

        /**
         * Every object read at depth d means the containers opened at depth d or deeper are complete; an array
         * (also the one {@code HashMap}, {@code HashSet}, {@code ArrayList}, ... check before reading their elements)
         * opens one at its depth.
         */
        private boolean nestingAllowed(long depth, boolean opens) {
            while (nesting > 0 && containers[nesting - 1] >= depth) {
                nesting--;
            }
            if (opens) {
                if (nesting == MAX_CONTAINER_NESTING) {
                    return false;
                }
                containers[nesting++] = (int) depth;
            }
            return true;
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
    private static final class Stream extends ObjectInputStream {
        private final ClassLoader loader;
        private final Filter filter;

        Stream(byte[] data, ClassLoader loader, Filter filter) throws IOException {
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
            if (loader != null) {
                try {
                    return Class.forName(name, false, loader);
                } catch (ClassNotFoundException e) {
                    // primitive types and the like
                }
            }
            return super.resolveClass(desc);
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

package dev.msm.core.serial.kryo;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

import com.esotericsoftware.kryo.ClassResolver;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.IdentityMap;
import com.esotericsoftware.kryo.util.IdentityObjectIntMap;
import com.esotericsoftware.kryo.util.IntMap;
import com.esotericsoftware.kryo.util.Util;
import dev.msm.core.serial.ClassAllowList;
import dev.msm.core.serial.FilteredObjectInput;

/**
 * Kryo's class resolver for one {@link KryoInstance}: writes classes as names (the first time in a graph) or fixed ids,
 * reads them back through the allow-list, and caches registrations without holding on to web applications.
 *
 * <p>Reading: a class name from the stream is checked against {@link ClassAllowList} <em>before</em> the class is
 * loaded; every registration a reading instance creates (also for classes implied by declarations, such as the type
 * of a final field) is checked too, so a class that is not allowed never gets a serializer, and no instance of it is
 * made.
 *
 * <p>Class loaders: registrations of classes loaded by msm's own class loader, its parents or the JDK are kept in this
 * resolver. Registrations of any other class (a web application's) are kept in a {@link ClassValue}, that is on the
 * class itself, so this resolver holds no reference to a web application's classes or loader and an undeployed
 * application can be collected while the pooled instance lives on. {@link #discard()} drops them when the instance is
 * thrown away. Like Kryo, not thread-safe: one thread at a time.
 */
final class KryoClassResolver implements ClassResolver {

    private static final int NAME = DefaultClassResolver.NAME;

    /** {@code null} when writing: nothing is refused. */
    private final ClassAllowList allowList;
    /** msm's class loader and its parents: their classes outlive any web application. */
    private final List<ClassLoader> stableLoaders = new ArrayList<>();
    private KryoInstance kryo;

    private final IntMap<Registration> byId = new IntMap<>();
    private final IdentityMap<Class<?>, Registration> stable = new IdentityMap<>();
    private final ClassValue<Registration> scoped = new ClassValue<>() {
        @Override
        protected Registration computeValue(Class<?> type) {
            Registration registration = newRegistration(type);
            if (scopedClasses.size() >= pruneAt) {
                scopedClasses.removeIf(ref -> ref.get() == null);
                pruneAt = Math.max(64, 2 * scopedClasses.size());
            }
            scopedClasses.add(new WeakReference<>(type));
            return registration;
        }
    };
    /** The classes {@link #scoped} has a value for, to remove them in {@link #discard()}; weak, not to keep them. */
    private final List<WeakReference<Class<?>>> scopedClasses = new ArrayList<>();
    private int pruneAt = 64;

    // state of one object graph, cleared by reset()
    private final IdentityObjectIntMap<Class<?>> nameIds = new IdentityObjectIntMap<>();
    private final IntMap<Class<?>> classesByNameId = new IntMap<>();
    private int nextNameId;

    KryoClassResolver(ClassAllowList allowList) {
        this.allowList = allowList;
        for (ClassLoader l = KryoClassResolver.class.getClassLoader(); l != null; l = l.getParent()) {
            stableLoaders.add(l);
        }
        stableLoaders.add(ClassLoader.getPlatformClassLoader());
    }

    @Override
    public void setKryo(Kryo kryo) {
        this.kryo = (KryoInstance) kryo;
    }

    @Override
    public Registration register(Registration registration) {
        if (registration.getId() != NAME) {
            byId.put(registration.getId(), registration);
        }
        stable.put(registration.getType(), registration);
        Class<?> wrapper = Util.getWrapperClass(registration.getType());
        if (wrapper != registration.getType()) {
            stable.put(wrapper, registration);
        }
        return registration;
    }

    @Override
    public Registration unregister(int classId) {
        Registration registration = byId.remove(classId);
        if (registration != null) {
            stable.remove(registration.getType());
            stable.remove(Util.getWrapperClass(registration.getType()));
        }
        return registration;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Registration registerImplicit(Class type) {
        if (!isStable(type)) {
            return scoped.get(type);
        }
        Registration registration = newRegistration(type);
        stable.put(type, registration);
        return registration;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Registration getRegistration(Class type) {
        Registration registration = stable.get(type);
        if (registration != null || isStable(type) || delegatedByKryo(type)) {
            return registration;
        }
        return scoped.get(type);
    }

    @Override
    public Registration getRegistration(int classId) {
        return byId.get(classId);
    }

    /** Proxies, lambdas and enum constants with a body: Kryo looks up another class's registration for them. */
    private boolean delegatedByKryo(Class<?> type) {
        return kryo.isProxy(type) || kryo.isClosure(type)
                || !type.isEnum() && Enum.class.isAssignableFrom(type) && type != Enum.class;
    }

    private boolean isStable(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null) {
            return true;
        }
        for (ClassLoader l : stableLoaders) {
            if (l == loader) {
                return true;
            }
        }
        return false;
    }

    private Registration newRegistration(Class<?> type) {
        if (allowList != null && type != Class.class && !allowList.allows(type)) {
            throw refused(FilteredObjectInput.elementName(type));
        }
        return new Registration(type, kryo.getDefaultSerializer(type), NAME);
    }

    private KryoException refused(String className) {
        kryo.refused(className);
        return new KryoException("Class [" + className + "] is not allowed");
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Registration writeClass(Output output, Class type) {
        if (type == null) {
            output.writeByte(Kryo.NULL);
            return null;
        }
        Registration registration = kryo.getRegistration(type);
        if (registration.getId() != NAME) {
            output.writeVarInt(registration.getId() + 2, true);
            return registration;
        }
        // a lambda's hidden class cannot be loaded by name: Kryo reads it as a ClosureSerializer.Closure
        Class<?> named = kryo.isClosure(type) ? registration.getType() : type;
        output.writeByte(NAME + 2);
        int nameId = nameIds.get(named, -1);
        if (nameId != -1) {
            output.writeVarInt(nameId, true);
            return registration;
        }
        nameId = nextNameId++;
        nameIds.put(named, nameId);
        output.writeVarInt(nameId, true);
        String name = named.getName();
        if (isAscii(name)) {
            output.writeAscii(name);
        } else {
            output.writeString(name);
        }
        return registration;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Registration readClass(Input input) {
        int classId = input.readVarInt(true);
        if (classId == Kryo.NULL) {
            return null;
        }
        if (classId == NAME + 2) {
            return readName(input);
        }
        Registration registration = byId.get(classId - 2);
        if (registration == null) {
            throw new KryoException("Corrupt data: unknown class id [" + (classId - 2) + "]");
        }
        return registration;
    }

    private Registration readName(Input input) {
        int nameId = input.readVarInt(true);
        Class<?> type = classesByNameId.get(nameId);
        if (type == null) {
            String name = input.readString();
            if (name == null || name.isEmpty()) {
                throw new KryoException("Corrupt data: empty class name");
            }
            if (allowList != null) {
                String refused = FilteredObjectInput.refusedName(allowList, name);
                if (refused != null) {
                    throw refused(refused);
                }
            }
            type = load(name);
            classesByNameId.put(nameId, type);
        }
        return kryo.getRegistration(type);
    }

    private Class<?> load(String name) {
        try {
            return Class.forName(name, false, kryo.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            try {
                return Class.forName(name, false, KryoClassResolver.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError ignored) {
                throw new KryoException("Class [" + name + "] not found", e);
            }
        }
    }

    @Override
    public void reset() {
        nameIds.clear(64);
        classesByNameId.clear(64);
        nextNameId = 0;
    }

    /**
     * Forgets the registrations kept on web application classes, so that nothing there refers to this instance.
     * Called when the instance is not returned to its pool.
     */
    void discard() {
        for (WeakReference<Class<?>> ref : scopedClasses) {
            Class<?> type = ref.get();
            if (type != null) {
                scoped.remove(type);
            }
        }
        scopedClasses.clear();
    }
}

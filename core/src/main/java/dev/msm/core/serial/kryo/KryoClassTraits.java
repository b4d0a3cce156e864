package dev.msm.core.serial.kryo;

import java.io.Externalizable;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import com.esotericsoftware.kryo.Kryo;

/**
 * What a class's declaration tells {@link KryoInstance} about how it can be serialized without {@code --add-opens}:
 * whether its private state is closed to msm (a JDK class), whether it has state of its own beyond a JDK superclass,
 * whether Kryo can create it, and whether it defines how Java serialization writes it. Depends on the class only, so a
 * writing and a reading instance decide alike.
 */
final class KryoClassTraits {

    private KryoClassTraits() {
    }

    /** A class of a named module whose package is not open to us: Kryo cannot read or set its private fields. */
    static boolean isJdk(Class<?> type) {
        Module module = type.getModule();
        return module.isNamed() && !module.isOpen(type.getPackageName(), KryoClassTraits.class.getModule());
    }

    /** Whether a class or a superclass below the JDK declares an instance field that is not transient. */
    static boolean hasOwnState(Class<?> type) {
        for (Class<?> c = type; c != null && !isJdk(c); c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A public class with a public no-argument constructor: {@link Kryo#newInstance} can create it. */
    static boolean creatable(Class<?> type) {
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            return false;
        }
        try {
            type.getConstructor();
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * Whether the class (or a non-JDK superclass) defines how Java serialization writes it; then only Java
     * serialization gets it right (Tomcat's {@code GenericPrincipal} writes a replacement, {@code ByteChunk} its
     * charset).
     */
    static boolean definesJavaSerialization(Class<?> type) {
        if (!Serializable.class.isAssignableFrom(type)) {
            return false;
        }
        if (Externalizable.class.isAssignableFrom(type)) {
            return true;
        }
        for (Class<?> c = type; c != null && c != Object.class && !isJdk(c); c = c.getSuperclass()) {
            if (declares(c, "writeReplace") || declares(c, "readResolve") || declares(c, "readObjectNoData")
                    || declares(c, "writeObject", ObjectOutputStream.class)
                    || declares(c, "readObject", ObjectInputStream.class)) {
                return true;
            }
        }
        return false;
    }

    private static boolean declares(Class<?> type, String name, Class<?>... parameters) {
        try {
            type.getDeclaredMethod(name, parameters);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}

package dev.msm.core;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.SerializerProvider;
import dev.msm.api.SessionStoreProvider;

/**
 * Finds stores and serializers with {@link ServiceLoader}, through the class loader that loaded msm (the jars sit
 * together in {@code tomcat/lib}), and hands each the attributes it reads.
 */
final class Plugins {

    private Plugins() {
    }

    static SessionStoreProvider store(String name, ClassLoader loader) {
        Set<String> known = new TreeSet<>();
        for (SessionStoreProvider p : ServiceLoader.load(SessionStoreProvider.class, loader)) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
            known.add(p.name());
        }
        throw InvalidAttributeException.invalidValue("store", name, known + " (a store is added by dropping its "
                + "jar, e.g. msm-redis-<version>.jar, into tomcat/lib)");
    }

    static SerializerProvider serializer(String name, ClassLoader loader) {
        Set<String> known = new TreeSet<>();
        for (SerializerProvider p : ServiceLoader.load(SerializerProvider.class, loader)) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
            known.add(p.name());
        }
        throw InvalidAttributeException.invalidValue("serializer", name, known.toString());
    }

    /**
     * Splits the attributes the user set between store and serializer; fails on one that nobody reads. The manager's
     * own attributes ({@link Attributes}) are skipped; an MSM attribute msm does not need gets a warning.
     *
     * @param attributes every attribute set, as written
     * @param loader     finds the other stores, to tell an attribute of another store from an unknown one
     */
    static void split(Map<String, String> attributes, SessionStoreProvider store, SerializerProvider serializer,
            ClassLoader loader, Map<String, String> storeAttrs, Map<String, String> serializerAttrs,
            List<String> warnings) {
        for (Map.Entry<String, String> e : new TreeMap<>(attributes).entrySet()) {
            String name = e.getKey();
            if (e.getValue() == null || Attributes.BY_NAME.containsKey(name)) {
                continue;
            }
            if (store.attributeNames().contains(name)) {
                storeAttrs.put(name, e.getValue());
            } else if (serializer.attributeNames().contains(name)) {
                serializerAttrs.put(name, e.getValue());
            } else if (TomcatAttributes.MSM_ONLY.containsKey(name)) {
                warnings.add("Attribute [" + name + "] of MSM is ignored: " + TomcatAttributes.MSM_ONLY.get(name));
            } else if (readByAnotherStore(name, loader)) {
                throw new InvalidAttributeException(name, "Attribute [" + name + "] is not used by store ["
                        + store.name() + "]; it reads " + new TreeSet<>(store.attributeNames()));
            } else if (!name.equals(TomcatAttributes.CLASS_NAME)) {
                Set<String> known = new TreeSet<>(Attributes.BY_NAME.keySet());
                known.addAll(store.attributeNames());
                known.addAll(serializer.attributeNames());
                throw new InvalidAttributeException(name, "Unknown attribute [" + name + "] for store ["
                        + store.name() + "] and serializer [" + serializer.name() + "]; known attributes are "
                        + known);
            }
        }
    }

    private static boolean readByAnotherStore(String name, ClassLoader loader) {
        for (SessionStoreProvider p : ServiceLoader.load(SessionStoreProvider.class, loader)) {
            if (p.attributeNames().contains(name)) {
                return true;
            }
        }
        return false;
    }
}

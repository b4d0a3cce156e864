package dev.msm.core;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
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
     * Splits the attributes the user set between store and serializer; fails on one that nobody reads.
     *
     * @param managerAttributes the manager's own attributes (MSM names), as set
     * @param extra             attributes set through {@code setProperty}
     */
    static void split(Map<String, String> managerAttributes, Map<String, String> extra, SessionStoreProvider store,
            SerializerProvider serializer, Map<String, String> storeAttrs, Map<String, String> serializerAttrs,
            java.util.List<String> warnings) {
        for (String name : ManagerConfig.STORE_ATTRIBUTES) {
            String value = managerAttributes.get(name);
            if (value == null) {
                continue;
            }
            if (!store.attributeNames().contains(name)) {
                throw new InvalidAttributeException(name, "Attribute [" + name + "] is not used by store ["
                        + store.name() + "]; it reads " + new TreeSet<>(store.attributeNames()));
            }
            storeAttrs.put(name, value);
        }
        Map<String, String> copy;
        synchronized (extra) {
            copy = Map.copyOf(extra);
        }
        for (Map.Entry<String, String> e : copy.entrySet()) {
            String name = e.getKey();
            if (store.attributeNames().contains(name)) {
                storeAttrs.put(name, e.getValue());
            } else if (serializer.attributeNames().contains(name)) {
                serializerAttrs.put(name, e.getValue());
            } else if (TomcatAttributes.MSM_ONLY.containsKey(name)) {
                warnings.add("Attribute [" + name + "] of MSM is ignored: " + TomcatAttributes.MSM_ONLY.get(name));
            } else if (!name.equals(TomcatAttributes.CLASS_NAME)) {
                Set<String> known = new TreeSet<>(ManagerConfig.MANAGER_ATTRIBUTES);
                known.addAll(ManagerConfig.STORE_ATTRIBUTES);
                known.addAll(store.attributeNames());
                known.addAll(serializer.attributeNames());
                throw new InvalidAttributeException(name, "Unknown attribute [" + name + "] for store ["
                        + store.name() + "] and serializer [" + serializer.name() + "]; known attributes are "
                        + known);
            }
        }
    }
}

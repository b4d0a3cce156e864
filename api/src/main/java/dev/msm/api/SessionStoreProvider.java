package dev.msm.api;

import java.util.List;
import java.util.Set;

/**
 * Builds a {@link SessionStore} from {@code <Manager>} attributes. Found with {@link java.util.ServiceLoader} (listed
 * in {@code META-INF/services/dev.msm.api.SessionStoreProvider}) and chosen by {@link #name()} through the manager's
 * {@code store} attribute. Implementations need a public no-argument constructor and are stateless.
 */
public interface SessionStoreProvider {

    /**
     * @return the short name users write in {@code store="..."}, e.g. {@code memcached}, {@code redis}
     */
    String name();

    /**
     * Lists every attribute this store reads. An attribute the user set that no part of msm reads fails the start of
     * the context with this list in the message.
     *
     * @return attribute names as written in {@code context.xml}; by default the names of {@link #attributes()}
     */
    default Set<String> attributeNames() {
        return Attribute.names(attributes());
    }

    /**
     * Declares the attributes this store reads, with default, accepted values and meaning; the README's attribute
     * tables are checked against these declarations, and {@link #attributeNames()} follows from them. The default
     * declares none.
     *
     * @return the declarations, in documentation order; their names are among {@link #attributeNames()}
     */
    default List<Attribute> attributes() {
        return List.of();
    }

    /**
     * Creates and connects a store. Connection problems to individual nodes are not errors here (the store reports
     * them through {@link SessionStore#isAvailable}); invalid attributes are.
     *
     * @param settings the attributes the user set, and the operation timeout
     * @return a new store, owned and closed by the caller
     * @throws InvalidAttributeException when an attribute is missing or malformed
     * @throws StoreException            when the store cannot be created at all
     */
    SessionStore create(Settings settings);
}

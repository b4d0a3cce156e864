package dev.msm.api;

import java.util.List;
import java.util.Set;

/**
 * Builds a {@link Serializer} from {@code <Manager>} attributes. Found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/dev.msm.api.SerializerProvider}) and chosen by {@link #name()} through the manager's
 * {@code serializer} attribute.
 */
public interface SerializerProvider {

    /**
     * @return the short name users write in {@code serializer="..."}, e.g. {@code java}, {@code kryo}; it is also
     *         written into every stored value so that a value written with another serializer is recognised
     */
    String name();

    /**
     * @return attribute names this serializer reads; by default the names of {@link #attributes()}
     */
    default Set<String> attributeNames() {
        return Attribute.names(attributes());
    }

    /**
     * Declares the attributes this serializer reads, with default, accepted values and meaning; the README's attribute
     * tables are checked against these declarations, and {@link #attributeNames()} follows from them. The default
     * declares none.
     *
     * @return the declarations, in documentation order; their names are among {@link #attributeNames()}
     */
    default List<Attribute> attributes() {
        return List.of();
    }

    /**
     * @param settings the attributes the user set
     * @return a new serializer
     * @throws InvalidAttributeException when an attribute is malformed
     */
    Serializer create(Settings settings);
}

package dev.msm.core.serial;

import java.util.Set;

import dev.msm.api.Serializer;

/**
 * A {@link Serializer} that knows which classes of a graph its own {@link Serializer#deserialize} would refuse, so the
 * writing Tomcat can report them before any reader fails (issue 16: a single-instance test shows the problem).
 */
public interface CheckingSerializer extends Serializer {

    /**
     * As {@link #serialize(Object)}, adding to {@code refused} the name of every class in the graph that reading would
     * refuse (for arrays, the element class).
     */
    byte[] serialize(Object graph, Set<String> refused);
}

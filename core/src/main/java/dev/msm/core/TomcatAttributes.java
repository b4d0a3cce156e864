package dev.msm.core;

import java.util.Map;

/**
 * Attributes of MSM 2.3.2 that msm does not read: a {@code context.xml} written for MSM still starts, and each such
 * attribute gets a warning saying what replaces it.
 */
final class TomcatAttributes {

    /** MSM attribute name to what the user should know. */
    static final Map<String, String> MSM_ONLY = Map.of(
            "copyCollectionsForSerialization", "msm serializes again when a collection changes during "
                    + "serialization, so copies are not needed; with serializer=\"kryo\" the attribute is honoured",
            "customConverter", "msm has no custom Kryo/Javolution converters; allow application classes with "
                    + "[allowedClasses] and use serializer=\"kryo\" or \"java\"",
            "enableStatistics", "msm's statistics are always on and cost a few counter increments; read them over "
                    + "JMX (statRequests, statLoads, ...)");

    /** Accepted silently: Tomcat's own attribute of every {@code <Manager>} element. */
    static final String CLASS_NAME = "className";

    private TomcatAttributes() {
    }
}

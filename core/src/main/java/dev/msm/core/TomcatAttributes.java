package dev.msm.core;

import java.util.Set;

/**
 * Attributes of MSM 2.3.2 that msm does not need, and {@code <Manager>} attributes Tomcat itself handles: setting
 * them is not an error.
 */
final class TomcatAttributes {

    /** Names accepted without a store or serializer reading them. */
    static final Set<String> NAMES = Set.of("className", "copyCollectionsForSerialization", "customConverter",
            "enableStatistics");

    private TomcatAttributes() {
    }
}

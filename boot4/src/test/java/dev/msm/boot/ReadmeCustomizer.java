package dev.msm.boot;

import static dev.msm.boot.SpringSecurityAcrossInstancesTest.nodes;
import static dev.msm.boot.SpringSecurityAcrossInstancesTest.serializer;

import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;

import dev.msm.tomcat.MsmManager;

/**
 * The README's "## Spring Boot 4" bean (its node addresses aside) for the shared
 * {@link SpringSecurityAcrossInstancesTest}: the one part Boot 3 and 4 write differently (the customizer's package).
 */
class ReadmeCustomizer {

    /** The README section whose snippet this class is. */
    static final String README_HEADING = "## Spring Boot 4";

    @Bean
    TomcatContextCustomizer msmSessions() {
        return context -> {
            MsmManager manager = new MsmManager();
            manager.setMemcachedNodes(nodes());
            manager.setSticky("false");
            manager.setLockingMode("all");
            if (serializer != null) {
                manager.setSerializer(serializer);
            }
            context.setManager(manager);
        };
    }
}

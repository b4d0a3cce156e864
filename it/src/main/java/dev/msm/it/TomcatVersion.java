package dev.msm.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Tomcat distribution the it module unpacks into {@code target/tomcat-VERSION}, with the msm drop-in jar built for
 * it ({@code target/dropins/msm-tomcatNN.jar}). The exact versions come from the parent pom (system properties
 * {@code tomcat10.dist.version} and {@code tomcat11.dist.version}); the constants are the fallback.
 */
public enum TomcatVersion {

    /** Apache Tomcat 10.1 (Servlet 6.0). */
    TOMCAT_10_1("tomcat10", "10.1.60"),

    /** Apache Tomcat 11 (Servlet 6.1). */
    TOMCAT_11("tomcat11", "11.0.25");

    private final String module;
    private final String fallbackVersion;

    TomcatVersion(String module, String fallbackVersion) {
        this.module = module;
        this.fallbackVersion = fallbackVersion;
    }

    /**
     * @return the exact version of the distribution, e.g. {@code 11.0.25}
     */
    public String version() {
        return System.getProperty(module + ".dist.version", fallbackVersion);
    }

    /**
     * @param target the it module's {@code target} directory
     * @return CATALINA_HOME, the unpacked distribution
     * @throws IllegalStateException when it is not there (the build did not run)
     */
    public Path home(Path target) {
        Path home = target.resolve("tomcat-" + version());
        if (!Files.isRegularFile(home.resolve("bin/catalina.sh"))) {
            throw new IllegalStateException("No Tomcat distribution in " + home + "; build the it module first: "
                    + "./mvnw -B install -DskipTests -pl it -am");
        }
        return home;
    }

    /**
     * @param target the it module's {@code target} directory
     * @return the msm drop-in jar for this version
     * @throws IllegalStateException when it is not there
     */
    public Path dropin(Path target) {
        return Dropins.require(target, "msm-" + module + ".jar");
    }

    /**
     * @return the Tomcat name and version, e.g. {@code Tomcat 11.0.25}
     */
    @Override
    public String toString() {
        return "Tomcat " + version();
    }

    /** The jars of {@code target/dropins}. */
    public static final class Dropins {

        private Dropins() {
        }

        /**
         * @param target the it module's {@code target} directory
         * @param name   the jar's file name, e.g. {@code msm-redis.jar}
         * @return its path
         * @throws IllegalStateException when it is not there
         */
        public static Path require(Path target, String name) {
            Path jar = target.resolve("dropins").resolve(name);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("No " + jar + "; build the it module first: "
                        + "./mvnw -B install -DskipTests -pl it -am");
            }
            return jar;
        }
    }
}

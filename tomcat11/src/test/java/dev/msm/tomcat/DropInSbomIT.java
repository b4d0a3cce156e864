package dev.msm.tomcat;

import dev.msm.api.DropInJarContract;

/** The Tomcat 11 manager jar, as built by {@code package}, is a drop-in jar as {@link DropInJarContract} requires. */
class DropInSbomIT extends DropInJarContract {

    DropInSbomIT() {
        super("tomcat");
    }
}

package dev.msm.tomcat;

import org.junit.jupiter.api.Test;

import dev.msm.api.DropInJars;

/**
 * The drop-in jar built by {@code package} lists what it shades, with versions, in {@code META-INF/sbom/bom.json}
 * (CycloneDX), and the pom published with it adds none of those libraries to a user's class path.
 */
class DropInSbomIT {

    @Test
    void dropInJar_ListsTheLibrariesItShades_AndItsPomDeclaresNone() throws Exception {
        DropInJars.assertDescribesWhatItShades(DropInJars.path("msm.dropin.jar"), DropInJars.path("msm.dropin.pom"),
                DropInJars.expectedShaded());
    }

    @Test
    void dropInJar_HoldsEachClassOnce_NoneOfTomcatNorOfMsmsOtherJars() throws Exception {
        DropInJars.assertHoldsEachClassOnceInItsOwnPackages(DropInJars.path("msm.dropin.jar"), "tomcat");
    }
}

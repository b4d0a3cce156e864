package dev.msm.api;

import org.junit.jupiter.api.Test;

/**
 * What every drop-in jar built by {@code package} must be: it lists what it shades, with versions, in
 * {@code META-INF/sbom/bom.json} (CycloneDX), the pom published with it adds none of those libraries to a user's class
 * path, and it holds each class once, only in its own packages. A module's {@code *IT} extends this naming its jar's
 * owner; failsafe sets the jar's path ({@code msm.dropin.jar}, {@code msm.dropin.pom}, {@code msm.dropin.shaded}).
 */
public abstract class DropInJarContract {

    private final String owner;

    /**
     * @param owner the jar's key in {@link DropInJars#OWNED_PACKAGES}: {@code tomcat}, {@code redis} or
     *              {@code couchbase}
     */
    protected DropInJarContract(String owner) {
        this.owner = owner;
    }

    @Test
    void dropInJar_ListsTheLibrariesItShades_AndItsPomDeclaresNone() throws Exception {
        DropInJars.assertDescribesWhatItShades(DropInJars.path("msm.dropin.jar"), DropInJars.path("msm.dropin.pom"),
                DropInJars.expectedShaded());
    }

    @Test
    void dropInJar_HoldsEachClassOnce_NoneOfTomcatNorOfMsmsOtherJars() throws Exception {
        DropInJars.assertHoldsEachClassOnceInItsOwnPackages(DropInJars.path("msm.dropin.jar"), owner);
    }
}

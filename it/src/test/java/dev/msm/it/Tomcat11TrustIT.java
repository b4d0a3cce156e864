package dev.msm.it;

/**
 * The trust-boundary scenarios (issue 15) on the Apache Tomcat 11 distribution.
 */
class Tomcat11TrustIT extends AbstractTrustScenarios {

    Tomcat11TrustIT() {
        super(TomcatVersion.TOMCAT_11);
    }
}

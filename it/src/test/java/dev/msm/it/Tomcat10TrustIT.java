package dev.msm.it;

/**
 * The trust-boundary scenarios (issue 15) on the Apache Tomcat 10.1 distribution.
 */
class Tomcat10TrustIT extends AbstractTrustScenarios {

    Tomcat10TrustIT() {
        super(TomcatVersion.TOMCAT_10_1);
    }
}

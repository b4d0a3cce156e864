package dev.msm.it;

/**
 * The end-to-end scenarios on the Apache Tomcat 11 distribution (with the Redis store as well).
 */
class Tomcat11DistributionIT extends AbstractDistributionScenarios {

    Tomcat11DistributionIT() {
        super(TomcatVersion.TOMCAT_11);
    }
}

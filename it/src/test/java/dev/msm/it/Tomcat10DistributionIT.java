package dev.msm.it;

/**
 * The end-to-end scenarios on the Apache Tomcat 10.1 distribution.
 */
class Tomcat10DistributionIT extends AbstractDistributionScenarios {

    Tomcat10DistributionIT() {
        super(TomcatVersion.TOMCAT_10_1);
    }
}

package dev.msm.it;

/**
 * Issue 14's durability scenarios on the Apache Tomcat 10.1 distribution.
 */
class Tomcat10DurabilityIT extends AbstractDurabilityScenarios {

    Tomcat10DurabilityIT() {
        super(TomcatVersion.TOMCAT_10_1);
    }
}

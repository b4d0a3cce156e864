package dev.msm.it;

/**
 * Issue 14's durability scenarios on the Apache Tomcat 11 distribution.
 */
class Tomcat11DurabilityIT extends AbstractDurabilityScenarios {

    Tomcat11DurabilityIT() {
        super(TomcatVersion.TOMCAT_11);
    }
}

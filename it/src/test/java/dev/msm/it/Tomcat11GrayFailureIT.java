package dev.msm.it;

/**
 * A slow store node, a long locked request, a paused Redis and a stop while Redis hangs, on the Apache Tomcat 11
 * distribution.
 */
class Tomcat11GrayFailureIT extends AbstractGrayFailureScenarios {

    Tomcat11GrayFailureIT() {
        super(TomcatVersion.TOMCAT_11);
    }
}

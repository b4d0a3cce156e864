package dev.msm.it;

/**
 * A slow store node, a long locked request, a paused Redis and a stop while Redis hangs, on the Apache Tomcat 10.1
 * distribution.
 */
class Tomcat10GrayFailureIT extends AbstractGrayFailureScenarios {

    Tomcat10GrayFailureIT() {
        super(TomcatVersion.TOMCAT_10_1);
    }
}

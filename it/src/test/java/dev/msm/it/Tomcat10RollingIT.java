package dev.msm.it;

/**
 * Rolling key changes (issue 15) and rolling deploys (issue 16) on the Apache Tomcat 10.1 distribution.
 */
class Tomcat10RollingIT extends AbstractRollingScenarios {

    Tomcat10RollingIT() {
        super(TomcatVersion.TOMCAT_10_1);
    }
}

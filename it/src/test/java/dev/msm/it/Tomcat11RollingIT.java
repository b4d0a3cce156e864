package dev.msm.it;

/**
 * Rolling key changes (issue 15) and rolling deploys (issue 16) on the Apache Tomcat 11 distribution.
 */
class Tomcat11RollingIT extends AbstractRollingScenarios {

    Tomcat11RollingIT() {
        super(TomcatVersion.TOMCAT_11);
    }
}

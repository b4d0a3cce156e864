package dev.msm.it;

/**
 * A hung memcached node on the Apache Tomcat 10.1 distribution.
 */
class Tomcat10HungNodeIT extends AbstractHungNodeScenarios {

    Tomcat10HungNodeIT() {
        super(TomcatVersion.TOMCAT_10_1);
    }
}

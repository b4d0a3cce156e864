package dev.msm.it;

/**
 * A hung memcached node on the Apache Tomcat 11 distribution.
 */
class Tomcat11HungNodeIT extends AbstractHungNodeScenarios {

    Tomcat11HungNodeIT() {
        super(TomcatVersion.TOMCAT_11);
    }
}

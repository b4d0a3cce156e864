package dev.msm.tomcat;

import dev.msm.core.MemcachedManagerScenarios;
import dev.msm.core.MsmManagerBase;

/** The manager scenarios on an embedded Tomcat 10 with two real memcached nodes. */
class Tomcat10MemcachedScenariosTest extends MemcachedManagerScenarios {

    @Override
    protected MsmManagerBase newManager() {
        return new MsmManager();
    }
}

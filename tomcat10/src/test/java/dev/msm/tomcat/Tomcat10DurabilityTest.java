package dev.msm.tomcat;

import dev.msm.core.DurabilityScenarios;
import dev.msm.core.MsmManagerBase;

/** Issue 14's durability scenarios on an embedded Tomcat 10 with two real memcached nodes. */
class Tomcat10DurabilityTest extends DurabilityScenarios {

    @Override
    protected MsmManagerBase newManager() {
        return new MsmManager();
    }
}

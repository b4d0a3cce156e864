package dev.msm.tomcat;

import dev.msm.core.MemoryManagerScenarios;
import dev.msm.core.MsmManagerBase;

/** The manager scenarios on an embedded Tomcat 10 with the in-JVM store. */
class Tomcat10MemoryScenariosTest extends MemoryManagerScenarios {

    @Override
    protected MsmManagerBase newManager() {
        return new MsmManager();
    }
}

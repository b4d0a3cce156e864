package dev.msm.tomcat;

import dev.msm.core.ConfigurationScenarios;
import dev.msm.core.MsmManagerBase;

/** Configuration as users write it, on embedded Tomcat 11. */
class Tomcat11ConfigurationTest extends ConfigurationScenarios {

    @Override
    protected MsmManagerBase newManager() {
        return new MsmManager();
    }
}

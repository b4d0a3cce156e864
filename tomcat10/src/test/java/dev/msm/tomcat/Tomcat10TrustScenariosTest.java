package dev.msm.tomcat;

import dev.msm.core.MsmManagerBase;
import dev.msm.core.TrustScenarios;

/** The trust-boundary scenarios (issue 15) on an embedded Tomcat 10.1. */
class Tomcat10TrustScenariosTest extends TrustScenarios {

    @Override
    protected MsmManagerBase newManager() {
        return new MsmManager();
    }
}

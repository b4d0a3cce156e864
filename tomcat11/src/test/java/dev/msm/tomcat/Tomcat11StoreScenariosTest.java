package dev.msm.tomcat;

import dev.msm.core.MsmManagerBase;
import dev.msm.core.StoreScenarios;

/** The store scenarios on embedded Tomcat 11, in this version's cells of {@code ScenarioMatrix}. */
class Tomcat11StoreScenariosTest extends StoreScenarios {

    @Override
    protected MsmManagerBase newManager() {
        return new MsmManager();
    }
}

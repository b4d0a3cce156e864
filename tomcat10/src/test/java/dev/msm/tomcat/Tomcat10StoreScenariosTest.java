package dev.msm.tomcat;

import dev.msm.core.MsmManagerBase;
import dev.msm.core.StoreScenarios;

/** The store scenarios on embedded Tomcat 10.1, in this version's cells of {@code ScenarioMatrix}. */
class Tomcat10StoreScenariosTest extends StoreScenarios {

    @Override
    protected MsmManagerBase newManager() {
        return new MsmManager();
    }
}

package dev.msm.tomcat;

import dev.msm.core.MsmManagerBase;
import dev.msm.core.NodeScenarios;

/** The node scenarios on embedded Tomcat 10.1, in this version's cells of {@code ScenarioMatrix}. */
class Tomcat10NodeScenariosTest extends NodeScenarios {

    @Override
    protected MsmManagerBase newManager() {
        return new MsmManager();
    }
}

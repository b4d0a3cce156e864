package dev.msm.tomcat;

import java.util.Map;

import dev.msm.core.MsmManagerBase;
import dev.msm.core.StoreScenarios;
import dev.msm.core.memory.MemoryStoreProvider;

/** The store scenarios on an embedded Tomcat 10.1 with the in-JVM store without explicit nodes. */
class Tomcat10MemoryStoreScenariosTest extends StoreScenarios {

    @Override
    protected MsmManagerBase newManager() {
        return new MsmManager();
    }

    @Override
    protected Map<String, String> storeAttributes() {
        return Map.of("store", "memory", "memoryName", cluster);
    }

    @Override
    protected void stopServer() {
        MemoryStoreProvider.setAvailable(cluster, null, false, false);
    }

    @Override
    protected void startServer() {
        MemoryStoreProvider.setAvailable(cluster, null, true, false);
    }
}

package dev.msm.core;

import java.time.Duration;
import java.util.Map;

import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.core.memory.MemoryStoreProvider;

/** {@link ManagerScenarios} with the in-JVM store and two nodes, switched off to simulate failures. */
public abstract class MemoryManagerScenarios extends ManagerScenarios {

    @Override
    protected Map<String, String> storeAttributes() {
        return Map.of("store", "memory", "memoryName", cluster, "memoryNodes", "n1 n2");
    }

    @Override
    protected SessionStore directStore() {
        return new MemoryStoreProvider().create(new Settings(storeAttributes(), Duration.ofSeconds(1), "test"));
    }

    @Override
    protected Map.Entry<String, String> withoutNode(String node) {
        return Map.entry("memoryNodes", node.equals("n1") ? "n2" : "n1");
    }

    @Override
    protected void killNode(String node) {
        MemoryStoreProvider.setAvailable(cluster, node, false, false);
    }

    @Override
    protected void restartNode(String node) {
        MemoryStoreProvider.setAvailable(cluster, node, true, true);
    }
}

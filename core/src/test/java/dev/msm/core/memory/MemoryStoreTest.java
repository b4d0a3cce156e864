package dev.msm.core.memory;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.msm.api.NodeFaults;
import dev.msm.api.SessionStore;
import dev.msm.api.SessionStoreContract;
import dev.msm.api.Settings;
import dev.msm.api.Unit;

/** The memory store passes the conformance kit, including outages simulated by switching a node off. */
@Unit
class MemoryStoreTest extends SessionStoreContract {

    private static SessionStore store;

    @BeforeAll
    static void create() {
        store = new MemoryStoreProvider().create(new Settings(
                Map.of("memoryName", "kit", "memoryNodes", "n1 n2"), Duration.ofSeconds(1), "test"));
    }

    @AfterAll
    static void close() {
        store.close();
        MemoryStoreProvider.clear("kit");
    }

    @Override
    protected SessionStore store() {
        return store;
    }

    @Override
    protected NodeFaults faults() {
        return NodeFaults.killAndRestart(node -> MemoryStoreProvider.setAvailable("kit", node, false, false),
                node -> MemoryStoreProvider.setAvailable("kit", node, true, true));
    }
}

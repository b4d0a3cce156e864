package dev.msm.memcached;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import dev.msm.api.NodeFaults;
import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.SessionStoreContract;
import dev.msm.api.Settings;

/**
 * Runs the store conformance kit against two real memcached servers, started once per class; the kit's outage
 * test kills and restarts them, its hang tests pause and resume them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MemcachedContractBase extends SessionStoreContract {

    private final Map<String, ServerProcess> servers = new LinkedHashMap<>();
    private SessionStore store;

    /**
     * @return the {@code memcachedProtocol} attribute
     */
    protected abstract String protocol();

    @BeforeAll
    void startServers() {
        servers.put("n1", ServerProcess.memcached());
        servers.put("n2", ServerProcess.memcached());
        store = openAnother();
    }

    @AfterAll
    void stopServers() {
        if (store != null) {
            store.close();
        }
        servers.values().forEach(ServerProcess::close);
    }

    @Override
    protected SessionStore store() {
        return store;
    }

    @Override
    protected SessionStore openAnother() {
        Map<String, String> attributes = Map.of(
                "memcachedNodes", "n1:" + servers.get("n1").address() + " n2:" + servers.get("n2").address(),
                "memcachedProtocol", protocol());
        return new MemcachedStoreProvider().create(new Settings(attributes, operationTimeout(), "/contract"));
    }

    @Override
    protected Duration operationTimeout() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected NodeFaults faults() {
        return NodeFaults.ofServers(servers::get);
    }
}

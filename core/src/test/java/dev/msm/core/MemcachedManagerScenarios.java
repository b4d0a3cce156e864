package dev.msm.core;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.memcached.MemcachedStoreProvider;

/** {@link ManagerScenarios} with two real memcached processes, killed with SIGKILL to simulate failures. */
public abstract class MemcachedManagerScenarios extends ManagerScenarios {

    private static ServerProcess n1;
    private static ServerProcess n2;
    private SessionStore direct;

    @BeforeAll
    static void startMemcached() {
        n1 = ServerProcess.memcached();
        n2 = ServerProcess.memcached();
    }

    @AfterAll
    static void stopMemcached() {
        n1.close();
        n2.close();
    }

    /** A test that failed half-way may have left a node dead. */
    @BeforeEach
    void bothNodesRunning() {
        n1.start();
        n2.start();
        if (direct != null) {
            direct.close();
            direct = null;
        }
    }

    private ServerProcess server(String node) {
        return node.equals("n1") ? n1 : n2;
    }

    private String prefixToken() {
        return "t" + Integer.toHexString(cluster.hashCode());
    }

    @Override
    protected Map<String, String> storeAttributes() {
        return Map.of("memcachedNodes", "n1:" + n1.address() + " n2:" + n2.address(),
                "storageKeyPrefix", "static:" + prefixToken());
    }

    @Override
    protected String keyPrefix() {
        return prefixToken() + "_";
    }

    @Override
    protected SessionStore directStore() {
        if (direct == null) {
            direct = new MemcachedStoreProvider().create(new Settings(
                    Map.of("memcachedNodes", storeAttributes().get("memcachedNodes")), Duration.ofSeconds(1),
                    "test"));
        }
        return direct;
    }

    @Override
    protected Map.Entry<String, String> withoutNode(String node) {
        ServerProcess other = node.equals("n1") ? n2 : n1;
        return Map.entry("memcachedNodes", (node.equals("n1") ? "n2:" : "n1:") + other.address());
    }

    @Override
    protected void killNode(String node) {
        server(node).kill();
    }

    @Override
    protected void restartNode(String node) {
        server(node).start();
    }
}

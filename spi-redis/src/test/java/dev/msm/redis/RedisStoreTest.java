package dev.msm.redis;

import static dev.msm.api.StoreTesting.closeAll;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.msm.api.NodeFaults;
import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.SessionStoreContract;
import dev.msm.api.Settings;

/**
 * The conformance kit against a real {@code redis-server}, killed with SIGKILL and restarted on the same port by the
 * outage test, paused with SIGSTOP by the hang tests.
 */
class RedisStoreTest extends SessionStoreContract {

    private static ServerProcess server;
    private static SessionStore store;

    @BeforeAll
    static void start() {
        server = ServerProcess.redis();
        store = open();
    }

    @AfterAll
    static void stop() throws Exception {
        closeAll(store, server);
    }

    @Override
    protected SessionStore store() {
        return store;
    }

    private static SessionStore open() {
        return new RedisStoreProvider().create(new Settings(Map.of("redisUrl", "redis://" + server.address()),
                Duration.ofSeconds(1), "/kit"));
    }

    @Override
    protected SessionStore openAnother() {
        return open();
    }

    @Override
    protected NodeFaults faults() {
        return NodeFaults.ofServers(node -> server);
    }
}

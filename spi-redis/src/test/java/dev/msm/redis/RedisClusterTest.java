package dev.msm.redis;

import static dev.msm.api.StoreTesting.closeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.SessionStoreContract;
import dev.msm.api.Settings;

/**
 * The conformance kit against a real Redis Cluster of three masters without replicas ({@code redis-cli --cluster
 * create}), through {@code redisCluster=true}. Killing a master of such a cluster takes its slots away for good, so
 * the outage test is not run here.
 */
class RedisClusterTest extends SessionStoreContract {

    private static RedisClusterNodes cluster;
    private static SessionStore store;

    @BeforeAll
    static void start() throws Exception {
        cluster = RedisClusterNodes.start(3, 0, 5000);
        store = open();
    }

    @AfterAll
    static void stop() throws Exception {
        closeAll(store, cluster);
    }

    @Override
    protected SessionStore store() {
        return store;
    }

    private static SessionStore open() {
        return new RedisStoreProvider().create(new Settings(Map.of("redisUrl", cluster.seeds(),
                "redisCluster", "true"), Duration.ofSeconds(1), "/cluster"));
    }

    @Override
    protected SessionStore openAnother() {
        return open();
    }

    @Test
    void keysOfOneSession_AreStoredInOneSlotOnOneNode() {
        String id = "shop:-2Fcart_0123456789ABCDEF";
        List<String> keys = List.of(id, "bak:" + id, "lock:" + id, "exp:" + id);
        for (String key : keys) {
            join(store.set(null, key, bytes("v"), 60));
        }
        int holding = 0;
        for (ServerProcess node : cluster.nodes()) {
            String answer = node.command("DBSIZE\r\nQUIT", "+OK");
            long count = Long.parseLong(answer.substring(1, answer.indexOf('\n')));
            if (count > 0) {
                holding++;
                assertEquals(4, count, "keys on " + node);
            }
        }
        assertEquals(1, holding, "nodes holding the session's keys");
        for (String key : keys) {
            assertTrue(join(store.delete(null, key)));
        }
        List<ServerProcess> nodes = cluster.nodes();
        assertEquals("redis [cluster " + nodes.get(0).address() + ", " + nodes.get(1).address() + ", "
                + nodes.get(2).address() + "]", store.describe());
    }
}

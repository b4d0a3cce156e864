package dev.msm.redis;

import static dev.msm.api.Awaits.await;
import static dev.msm.api.StoreTesting.bytes;
import static dev.msm.api.StoreTesting.closeAll;
import static dev.msm.redis.RedisTestSupport.awaitReplicated;
import static dev.msm.redis.RedisTestSupport.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;

/**
 * Redis Cluster for real (issue 14): three masters with one replica each ({@code redis-cli --cluster create ...
 * --cluster-replicas 1}), on loopback ports. The master holding a session's slot is killed with SIGKILL while requests
 * run; its replica is promoted and the store follows the new topology. As with Sentinel, only what reached the replica
 * survives, so the test waits until the replica has the session before the kill; a second store with
 * {@code redisWaitReplicas="1"} shows that its writes complete only once the replica has them.
 */
class RedisClusterFailoverTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** The engine's keys of one session; {@link RedisSessionStore#clusterKey} puts them in one slot. */
    private static final String ID = "shop:-2Fcart_0123456789ABCDEF";

    private RedisClusterNodes cluster;
    private SessionStore store;
    private SessionStore waiting;

    @AfterEach
    void stopAll() throws Exception {
        closeAll(store, waiting, cluster);
    }

    private static <T> T join(CompletableFuture<T> future) {
        return RedisTestSupport.join(future, TIMEOUT);
    }

    @Test
    void masterOfTheSessionKilledWhileRequestsRun_ReplicaPromoted_SessionContinues_LocksWork() throws Exception {
        cluster = RedisClusterNodes.start(6, 1, 2000);
        List<ServerProcess> nodes = cluster.nodes();
        store = new RedisStoreProvider().create(new Settings(Map.of("redisUrl", cluster.seeds(),
                "redisCluster", "true"), TIMEOUT, "/cluster-failover"));

        join(store.set(null, ID, bytes("session"), 600));
        join(store.set(null, "bak:" + ID, bytes("backup"), 600));
        assertTrue(join(store.add(null, "lock:" + ID, bytes("owner-before"), 60)));
        ServerProcess master = null;
        for (ServerProcess node : nodes) {
            if (cli(node.port(), "DBSIZE").trim().equals("3") && cli(node.port(), "ROLE").startsWith("master")) {
                master = node;
            }
        }
        assertTrue(master != null, "no master holds the session");
        ServerProcess replica = null;
        for (ServerProcess node : nodes) {
            if (cli(node.port(), "ROLE").startsWith("slave\n127.0.0.1\n" + master.port() + "\n")) {
                replica = node;
            }
        }
        assertTrue(replica != null, "no replica of " + master);
        ServerProcess promoted = replica;
        // asynchronous replication: what the replica has not received when the master dies is lost
        awaitReplicated(master, replica);

        // redisWaitReplicas="1": a write completes only once the replica of its slot's master has it. The replica is
        // paused (shorter than cluster-node-timeout) while the write is sent: it reaches the master but does not
        // complete until the replica is resumed. A long operation timeout (WAIT waits half of it) keeps the pause
        // from ending the WAIT.
        Duration waitTimeout = Duration.ofSeconds(10);
        waiting = new RedisStoreProvider().create(new Settings(Map.of("redisUrl", cluster.seeds(),
                "redisCluster", "true", "redisWaitReplicas", "1"), waitTimeout, "/cluster-wait"));
        ServerProcess replicaOfMaster = replica;
        CompletableFuture<Void> write;
        replicaOfMaster.pause();
        try {
            write = waiting.set(null, "w:" + ID, bytes("acknowledged"), 600);
            ServerProcess holder = master;
            await().alias("the write reached the master").until(() -> cli(holder.port(), "EXISTS",
                    RedisSessionStore.clusterKey("w:" + ID)).trim().equals("1"));
            assertFalse(write.isDone(), "the write completed before the paused replica acknowledged it");
        } finally {
            replicaOfMaster.resume();
        }
        RedisTestSupport.join(write, waitTimeout);

        RequestsDuringFailover requests = RequestsDuringFailover.start(i -> join(store.get(null, ID)));
        long promotedAt;
        try {
            requests.awaitServed();
            requests.kill(master);
            await(Duration.ofSeconds(30)).alias("the replica " + promoted + " took over")
                    .until(() -> cli(promoted.port(), "ROLE").startsWith("master"));
            promotedAt = System.nanoTime();
            requests.awaitServedAgain();
        } finally {
            requests.stop();
        }
        requests.assertOnlyDocumentedFailures("Redis Cluster failover (cluster-node-timeout 2000 ms)", promotedAt);

        assertArrayEquals(bytes("session"), join(store.get(null, ID)));
        assertArrayEquals(bytes("backup"), join(store.get(null, "bak:" + ID)));
        assertArrayEquals(bytes("acknowledged"), join(store.get(null, "w:" + ID)), "the write acknowledged by WAIT");
        join(store.set(null, ID, bytes("after-failover"), 600));
        assertArrayEquals(bytes("after-failover"), join(store.get(null, ID)));
        assertFalse(join(store.add(null, "lock:" + ID, bytes("someone-else"), 60)));
        assertFalse(join(store.deleteIfEquals(null, "lock:" + ID, bytes("someone-else"))));
        assertTrue(join(store.deleteIfEquals(null, "lock:" + ID, bytes("owner-before"))));
        assertTrue(join(store.add(null, "lock:" + ID, bytes("owner-after"), 60)));
        assertTrue(join(store.delete(null, "lock:" + ID)));
    }
}

package dev.msm.redis;

import static dev.msm.api.Awaits.await;
import static dev.msm.api.StoreTesting.bytes;
import static dev.msm.redis.RedisTestSupport.awaitReplicated;
import static dev.msm.redis.RedisTestSupport.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;

/**
 * Redis Sentinel for real (issue 14): one master, one replica and three sentinels, from the same {@code redis-server}
 * binary, on loopback ports. The master is killed with SIGKILL while requests run; the sentinels promote the replica
 * and the store follows it. Replication is asynchronous: only what reached the replica survives, so the sessions are
 * written and replicated (the test waits until the replica has them) before the kill; writes in flight at the kill
 * may be lost, which the README states.
 */
class RedisSentinelFailoverTest {

    private static final String MASTER = "msm";
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final List<ServerProcess> processes = new ArrayList<>();
    private final List<ServerProcess> sentinels = new ArrayList<>();
    private ServerProcess master;
    private ServerProcess replica;
    private SessionStore store;

    @AfterEach
    void stopAll() {
        if (store != null) {
            store.close();
        }
        processes.forEach(ServerProcess::close);
    }

    private ServerProcess started(ServerProcess process) {
        processes.add(process);
        return process;
    }

    private static <T> T join(CompletableFuture<T> future) {
        return RedisTestSupport.join(future, TIMEOUT);
    }

    /** Starts one master, its replica and three sentinels; returns the {@code redisUrl} naming the sentinels. */
    private String startTopology() {
        master = started(ServerProcess.redis());
        replica = started(ServerProcess.redis(List.of("--replicaof", "127.0.0.1", String.valueOf(master.port()))));
        for (int i = 0; i < 3; i++) {
            sentinels.add(started(ServerProcess.sentinel(MASTER, master.port(), 2)));
        }
        await(Duration.ofSeconds(30)).alias("the replica is in sync").until(() -> cli(replica.port(), "INFO",
                "replication").contains("master_link_status:up"));
        for (ServerProcess sentinel : sentinels) {
            await(Duration.ofSeconds(30)).alias(sentinel + " knows the replica and the other sentinels")
                    .until(() -> {
                        String info = cli(sentinel.port(), "SENTINEL", "MASTER", MASTER);
                        return info.contains("num-slaves\n1\n") && info.contains("num-other-sentinels\n2\n");
                    });
        }
        StringBuilder url = new StringBuilder("redis-sentinel://");
        for (int i = 0; i < sentinels.size(); i++) {
            url.append(i == 0 ? "" : ",").append(sentinels.get(i).address());
        }
        return url.append('#').append(MASTER).toString();
    }

    private void awaitPromotion() {
        await(Duration.ofSeconds(30)).alias("a sentinel promoted the replica").until(() -> cli(
                sentinels.get(0).port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)
                .contains(String.valueOf(replica.port())));
    }

    @Test
    void masterKilledWhileRequestsRun_ReplicaTakesOver_ReplicatedSessionsContinue_LocksWork() throws Exception {
        store = new RedisStoreProvider().create(new Settings(Map.of("redisUrl", startTopology()), TIMEOUT,
                "/sentinel"));

        for (int i = 0; i < 20; i++) {
            join(store.set(null, "s" + i, bytes("session-" + i), 600));
        }
        assertTrue(join(store.add(null, "lock:s0", bytes("owner-before"), 60)));
        // asynchronous replication: what the replica has not received when the master dies is lost
        awaitReplicated(master, replica);

        RequestsDuringFailover requests = RequestsDuringFailover.start(i -> join(store.get(null, "s" + (i % 20))));
        long promotedAt;
        try {
            requests.awaitServed();
            requests.kill(master);
            awaitPromotion();
            promotedAt = System.nanoTime();
            requests.awaitServedAgain();
        } finally {
            requests.stop();
        }
        requests.assertOnlyDocumentedFailures("Redis Sentinel failover (down-after-milliseconds 1000 ms)", promotedAt);

        for (int i = 0; i < 20; i++) {
            assertArrayEquals(bytes("session-" + i), join(store.get(null, "s" + i)), "session s" + i);
        }
        await().ignoreExceptions().until(() -> join(store.set(null, "s0", bytes("after-failover"), 600)) == null);
        assertArrayEquals(bytes("after-failover"), join(store.get(null, "s0")));
        // the lock taken before the failover is still held, and only its owner releases it
        assertFalse(join(store.add(null, "lock:s0", bytes("someone-else"), 60)));
        assertFalse(join(store.deleteIfEquals(null, "lock:s0", bytes("someone-else"))));
        assertTrue(join(store.deleteIfEquals(null, "lock:s0", bytes("owner-before"))));
        assertTrue(join(store.add(null, "lock:s0", bytes("owner-after"), 60)));
        assertTrue(store.isAvailable(null));
    }

    /**
     * {@code redisWaitReplicas="1"}: a write completes only once the replica acknowledged it, so the master may die
     * the moment the write completed and the promoted replica still has it. The replica is paused while the write is
     * sent: the write reaches the master but does not complete until the replica is resumed and acknowledges it.
     */
    @Test
    void waitReplicas_WriteCompletesOnlyOnceTheReplicaHasIt_MasterKilledRightAfter_WriteSurvives() throws Exception {
        // a long operation timeout (WAIT waits half of it) keeps the paused replica from ending the WAIT
        Duration timeout = Duration.ofSeconds(10);
        store = new RedisStoreProvider().create(new Settings(Map.of("redisUrl", startTopology(),
                "redisWaitReplicas", "1"), timeout, "/sentinel-wait"));
        RedisTestSupport.join(store.set(null, "before", bytes("replicated"), 600), timeout);

        replica.pause();
        CompletableFuture<Void> write;
        try {
            write = store.set(null, "s-wait", bytes("acknowledged"), 600);
            await().alias("the write reached the master").until(() -> cli(master.port(), "EXISTS", "s-wait")
                    .trim().equals("1"));
            assertFalse(write.isDone(), "the write completed before the paused replica acknowledged it");
        } finally {
            replica.resume();
        }
        RedisTestSupport.join(write, timeout);
        master.kill();
        awaitPromotion();

        await(Duration.ofSeconds(30)).ignoreExceptions().alias("the promoted replica serves the write")
                .until(() -> Arrays.equals(bytes("acknowledged"), RedisTestSupport.join(store.get(null, "s-wait"),
                        timeout)));
        assertArrayEquals(bytes("replicated"), RedisTestSupport.join(store.get(null, "before"), timeout));
    }
}

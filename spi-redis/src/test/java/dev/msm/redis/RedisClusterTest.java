package dev.msm.redis;

import static dev.msm.api.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

    private static final List<ServerProcess> NODES = new ArrayList<>();
    private static Path dir;
    private static SessionStore store;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("msm-redis-cluster");
        for (int i = 0; i < 3; i++) {
            NODES.add(ServerProcess.redis(List.of("--cluster-enabled", "yes",
                    "--cluster-config-file", dir.resolve("nodes-" + i + ".conf").toString(),
                    "--cluster-port", String.valueOf(ServerProcess.freePort()),
                    "--cluster-node-timeout", "5000")));
        }
        List<String> create = new ArrayList<>(List.of(ServerProcess.binary("redis-cli", "redis-tools"),
                "--cluster", "create"));
        NODES.forEach(n -> create.add(n.address()));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process cli = new ProcessBuilder(create).redirectErrorStream(true)
                .redirectOutput(dir.resolve("create.log").toFile()).start();
        assertTrue(cli.waitFor(30, TimeUnit.SECONDS), "redis-cli --cluster create did not finish");
        assertEquals(0, cli.exitValue(), () -> read(dir.resolve("create.log")));
        for (ServerProcess node : NODES) {
            await(Duration.ofSeconds(30)).until(() -> node.command("CLUSTER INFO\r\nQUIT", "+OK")
                    .contains("cluster_state:ok"));
        }
        StringBuilder seeds = new StringBuilder();
        NODES.forEach(n -> seeds.append("redis://").append(n.address()).append(' '));
        store = new RedisStoreProvider().create(new Settings(Map.of("redisUrl", seeds.toString().trim(),
                "redisCluster", "true"), Duration.ofSeconds(1), "/cluster"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (store != null) {
            store.close();
        }
        NODES.forEach(ServerProcess::close);
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @Override
    protected SessionStore store() {
        return store;
    }

    @Test
    void keysOfOneSession_AreStoredInOneSlotOnOneNode() {
        String id = "shop:-2Fcart_0123456789ABCDEF";
        List<String> keys = List.of(id, "bak:" + id, "lock:" + id, "exp:" + id);
        for (String key : keys) {
            join(store.set(null, key, bytes("v"), 60));
        }
        int holding = 0;
        for (ServerProcess node : NODES) {
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
        assertEquals("redis [cluster " + NODES.get(0).address() + ", " + NODES.get(1).address() + ", "
                + NODES.get(2).address() + "]", store.describe());
    }
}

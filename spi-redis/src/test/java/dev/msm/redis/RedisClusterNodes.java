package dev.msm.redis;

import static dev.msm.api.Awaits.await;
import static dev.msm.redis.RedisTestSupport.cli;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.msm.api.ServerProcess;

/**
 * A real Redis Cluster on loopback ports, made by {@code redis-cli --cluster create}: masters with or without
 * replicas, each node's cluster file in a temporary directory that {@link #close()} deletes with the nodes.
 */
final class RedisClusterNodes implements AutoCloseable {

    private final List<ServerProcess> nodes = new ArrayList<>();
    private final Path dir;

    private RedisClusterNodes() throws IOException {
        dir = Files.createTempDirectory("msm-redis-cluster");
    }

    /**
     * @param nodes         how many nodes
     * @param replicas      replicas per master ({@code --cluster-replicas}): 0 makes every node a master
     * @param nodeTimeoutMs {@code cluster-node-timeout}: how long a master may not answer before a replica takes over
     * @return the cluster, every node seeing it ok
     */
    static RedisClusterNodes start(int nodes, int replicas, int nodeTimeoutMs) throws IOException {
        RedisClusterNodes cluster = new RedisClusterNodes();
        try {
            for (int i = 0; i < nodes; i++) {
                cluster.nodes.add(ServerProcess.redis(List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", cluster.dir.resolve("nodes-" + i + ".conf").toString(),
                        "--cluster-port", String.valueOf(ServerProcess.freePort()),
                        "--cluster-node-timeout", String.valueOf(nodeTimeoutMs))));
            }
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            cluster.nodes.forEach(n -> create.add(n.address()));
            create.addAll(List.of("--cluster-replicas", String.valueOf(replicas), "--cluster-yes"));
            String created = cli(create.toArray(String[]::new));
            assertTrue(created.contains("[OK] All 16384 slots covered"), created);
            for (ServerProcess node : cluster.nodes) {
                await(Duration.ofSeconds(30)).alias(node + " sees the cluster ok")
                        .until(() -> cli(node.port(), "CLUSTER", "INFO").contains("cluster_state:ok"));
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** @return the nodes, in the order {@code --cluster create} got them */
    List<ServerProcess> nodes() {
        return nodes;
    }

    /** @return the {@code redisUrl} naming every node as a seed */
    String seeds() {
        StringBuilder seeds = new StringBuilder();
        nodes.forEach(n -> seeds.append("redis://").append(n.address()).append(' '));
        return seeds.toString().trim();
    }

    @Override
    public void close() {
        nodes.forEach(ServerProcess::close);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.msm.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.msm.api.ServerProcess;
import dev.msm.api.StoreTesting;

/** What the Redis store tests share: waiting for a store's future, {@code redis-cli}. */
final class RedisTestSupport {

    private RedisTestSupport() {
    }

    /** The future's value, waiting the store's operation timeout and 5 s more; see {@link StoreTesting#join}. */
    static <T> T join(CompletableFuture<T> future, Duration operationTimeout) {
        return StoreTesting.join(future, operationTimeout.plusSeconds(5));
    }

    /** Runs {@code redis-cli args...} and returns what it printed. */
    static String cli(String... args) {
        List<String> command = new ArrayList<>(List.of(ServerProcess.binary("redis-cli", "redis-tools")));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "redis-cli " + String.join(" ", args));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs {@code redis-cli -h 127.0.0.1 -p port args...} and returns what it printed. */
    static String cli(int port, String... args) {
        List<String> all = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", String.valueOf(port)));
        all.addAll(List.of(args));
        return cli(all.toArray(String[]::new));
    }
}

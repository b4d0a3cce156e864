package dev.msm.redis;

import static dev.msm.api.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.msm.api.ServerProcess;
import dev.msm.api.StoreTesting;

/** What the Redis store tests share: waiting for a store's future, {@code redis-cli}, waiting for a replica. */
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

    /**
     * Waits (up to 30 s) until the replica has received everything the master had written when this is called: its
     * replication offset reaches the master's. ({@code WAIT} from {@code redis-cli} proves nothing here: it waits for
     * the writes of its own connection, which made none.)
     */
    static void awaitReplicated(ServerProcess master, ServerProcess replica) {
        String masterInfo = cli(master.port(), "INFO", "replication");
        long written = offset(masterInfo, "master_repl_offset");
        assertTrue(written > 0, master + " reports no replication offset: " + masterInfo);
        await(Duration.ofSeconds(30)).alias(replica + " received the writes of " + master + " up to offset " + written)
                .until(() -> {
                    String info = cli(replica.port(), "INFO", "replication");
                    return info.contains("master_link_status:up") && offset(info, "slave_repl_offset") >= written;
                });
    }

    /** @return the field's value in {@code INFO replication}, -1 when it is not there */
    private static long offset(String info, String field) {
        Matcher m = Pattern.compile("(?m)^" + field + ":(\\d+)").matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}

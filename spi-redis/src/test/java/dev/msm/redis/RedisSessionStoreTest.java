package dev.msm.redis;

import static dev.msm.api.Awaits.await;
import static dev.msm.api.NodeEvents.events;
import static dev.msm.api.StoreTesting.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.api.StoreException;
import dev.msm.api.StoreTimeoutException;
import dev.msm.api.StoreUnavailableException;
import dev.msm.api.Versioned;

/**
 * What the conformance kit does not cover: timeouts on a frozen server, a server that is down when the store is
 * created, reconnection time and its log messages, the version header, the script fallback, closing.
 */
class RedisSessionStoreTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(cleanup);
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        cleanup.clear();
    }

    private ServerProcess server() {
        ServerProcess server = ServerProcess.redis();
        cleanup.add(server);
        return server;
    }

    private SessionStore store(ServerProcess server, String... nameValue) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("redisUrl", "redis://" + server.address());
        for (int i = 0; i < nameValue.length; i += 2) {
            attributes.put(nameValue[i], nameValue[i + 1]);
        }
        SessionStore store = new RedisStoreProvider().create(new Settings(attributes, TIMEOUT, "/behaviour"));
        cleanup.add(store);
        return store;
    }

    private static <T> T join(CompletableFuture<T> future) {
        return RedisTestSupport.join(future, TIMEOUT);
    }


    /** Collects the WARN messages of the store. */
    private List<String> warnings() {
        List<String> messages = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(RedisSessionStore.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    messages.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        cleanup.add(() -> logger.removeHandler(handler));
        return messages;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    // ------------------------------------------------------------------ failures

    @Test
    void frozenServer_OperationsInFlightTimeOutWithinTheTimeout_ThenFailFast_AndItsCommandsRunAfterThaw() {
        ServerProcess server = server();
        SessionStore store = store(server);
        join(store.set(null, "frozen", bytes("v"), 60));
        Versioned v = join(store.getVersioned(null, "frozen"));
        List<Supplier<CompletableFuture<?>>> operations = List.of(
                () -> store.get(null, "frozen"),
                () -> store.set(null, "frozen", bytes("w"), 60),
                () -> store.touch(null, "frozen", 0),
                () -> store.deleteIfEquals(null, "frozen", bytes("v")),
                () -> store.compareAndSet(null, "frozen", v.version(), bytes("w"), 60));
        server.pause();
        try {
            long start = System.nanoTime();
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            operations.forEach(operation -> inFlight.add(operation.get()));
            for (CompletableFuture<?> operation : inFlight) {
                StoreTimeoutException e = assertThrows(StoreTimeoutException.class, () -> join(operation));
                assertEquals("Timed out after [300 ms] on redis [" + server.address() + "]", e.getMessage());
            }
            long elapsed = millisSince(start);
            assertTrue(elapsed >= TIMEOUT.toMillis() - 20 && elapsed < TIMEOUT.toMillis() + 1000,
                    "failed after " + elapsed + " ms");
            assertFalse(store.isAvailable(null), "a server that answers nothing is marked unavailable");
            for (Supplier<CompletableFuture<?>> operation : operations) {
                CompletableFuture<?> later = operation.get();
                assertTrue(later.isDone(), "an operation on a hung server waits");
                assertThrows(StoreUnavailableException.class, () -> join(later));
            }
        } finally {
            server.resume();
        }
        // the frozen server runs the commands it received once it thaws, and answers the store's PING again
        await().until(() -> store.isAvailable(null));
        assertArrayEquals(bytes("w"), join(store.get(null, "frozen")));
        assertTrue(join(store.delete(null, "frozen")));
    }

    @Test
    void serverDownAtCreation_StoreStartsUnavailableAndConnectsByItself() {
        ServerProcess server = server();
        server.kill();
        List<String> warnings = warnings();
        long start = System.nanoTime();
        SessionStore store = store(server);
        long created = millisSince(start);
        assertTrue(created < 3000, "create took " + created + " ms");
        assertFalse(store.isAvailable(null));
        List<String> events = events(store);
        start = System.nanoTime();
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> join(store.get(null, "k")));
        assertTrue(millisSince(start) < 100, "not failing fast");
        assertEquals("redis [" + server.address() + "] is not connected", e.getMessage());
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).startsWith("redis [" + server.address() + "] is unavailable; operations fail "
                + "fast until it is back (Connection refused"), warnings.get(0));

        server.start();
        start = System.nanoTime();
        await(Duration.ofSeconds(10)).until(() -> store.isAvailable(null));
        System.out.println("Connected " + millisSince(start) + " ms after the server started (store created "
                + "while it was down, in " + created + " ms)");
        join(store.set(null, "k", bytes("v"), 60));
        assertArrayEquals(bytes("v"), join(store.get(null, "k")));
        join(store.delete(null, "k"));
        await().until(() -> events.equals(List.of("up null")));
        assertEquals(List.of("redis [" + server.address() + "] is available again"), warnings.subList(1,
                warnings.size()));
    }

    @Test
    void restartAfterLongOutage_ReconnectsWithinAboutASecond_AndWarnsOncePerChange() {
        ServerProcess server = server();
        SessionStore store = store(server);
        List<String> warnings = warnings();
        List<String> events = events(store);
        long start = System.nanoTime();
        server.kill();
        await().until(() -> !store.isAvailable(null));
        System.out.println("Unavailable " + millisSince(start) + " ms after SIGKILL");
        // keep it down long enough for the reconnect delay to reach its cap
        await(Duration.ofSeconds(10)).during(Duration.ofSeconds(4)).until(() -> !store.isAvailable(null));
        assertThrows(StoreUnavailableException.class, () -> join(store.get(null, "k")));

        server.start();
        start = System.nanoTime();
        await(Duration.ofSeconds(10)).until(() -> store.isAvailable(null));
        long reconnected = millisSince(start);
        System.out.println("Reconnected " + reconnected + " ms after the restart (after a 4 s outage)");
        assertTrue(reconnected < 2500, "reconnected after " + reconnected + " ms");
        await().untilAsserted(() -> join(store.set(null, "k", bytes("v"), 60)));
        join(store.delete(null, "k"));
        await().until(() -> events.size() == 2);
        assertEquals(List.of("down null", "up null"), events);
        assertEquals(List.of("redis [" + server.address() + "] is unavailable; operations fail fast until it is "
                + "back", "redis [" + server.address() + "] is available again"), warnings);
    }

    // ------------------------------------------------------------------ arguments

    @Test
    void node_NonNull_IsRejected() {
        SessionStore store = store(server());
        assertEquals(List.of(), store.nodes());
        assertThrows(IllegalArgumentException.class, () -> join(store.get("n1", "k")));
        assertThrows(IllegalArgumentException.class, () -> join(store.set("n1", "k", bytes("v"), 0)));
        assertThrows(IllegalArgumentException.class, () -> store.isAvailable("n1"));
    }

    @Test
    void valueAboveLimit_IsRejectedWithoutContactingTheServer() {
        ServerProcess server = server();
        SessionStore store = store(server, "redisMaxValueBytes", "1024");
        server.kill();
        await().until(() -> !store.isAvailable(null));
        byte[] tooLarge = new byte[1025];
        String message = "Value of [1025] bytes exceeds the limit of [1024] bytes of redis [" + server.address()
                + "] (attribute [redisMaxValueBytes])";
        assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> join(store.set(null, "k", tooLarge, 0))).getMessage());
        assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> join(store.add(null, "k", tooLarge, 0))).getMessage());
        assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> join(store.compareAndSet(null, "k", 1L, tooLarge, 0))).getMessage());
        assertEquals(1024, store.maxValueBytes());
        assertThrows(StoreUnavailableException.class, () -> join(store.set(null, "k", new byte[1024], 0)));
    }

    // ------------------------------------------------------------------ stored format

    /** {@code TTL key} through a connection of its own; QUIT makes the server end the answer. */
    private static long ttl(ServerProcess server, String key) {
        String answer = server.command("TTL " + key + "\r\nQUIT", "+OK");
        return Long.parseLong(answer.substring(1, answer.indexOf('\n')));
    }

    @Test
    void valueWrittenByAnotherClient_FailsReadsWithAStoreException() {
        ServerProcess server = server();
        SessionStore store = store(server);
        assertEquals("+OK\n", server.command("SET foreign ab", "+OK"));
        StoreException e = assertThrows(StoreException.class, () -> join(store.get(null, "foreign")));
        assertEquals(StoreException.class, e.getClass());
        assertEquals("Value of key [foreign] on redis [" + server.address() + "] was not written by msm (2 bytes, "
                + "no version header)", e.getMessage());
        assertThrows(StoreException.class, () -> join(store.getVersioned(null, "foreign")));
        assertFalse(join(store.deleteIfEquals(null, "foreign", bytes("ab"))));
        assertTrue(join(store.delete(null, "foreign")));
    }

    @Test
    void writeToAReplica_AnsweredReadonly_IsUnavailable_WhileAWrongTypeStaysAnError() {
        ServerProcess master = server();
        ServerProcess replica = ServerProcess.redis(List.of("--replicaof", "127.0.0.1",
                String.valueOf(master.port())));
        cleanup.add(replica);
        // a master demoted by a failover, or a name that still points at the old master: retry later, as for a
        // connection that is down
        SessionStore toReplica = store(replica);
        StoreUnavailableException readonly = assertThrows(StoreUnavailableException.class,
                () -> join(toReplica.set(null, "s", bytes("v"), 60)));
        assertTrue(readonly.getMessage().startsWith("redis [" + replica.address() + "] is unavailable: READONLY"),
                readonly::getMessage);
        assertTrue(toReplica.isAvailable(null), "an error answer is an answer");

        SessionStore store = store(master);
        assertEquals(":1\n", master.command("LPUSH list x", ":1"));
        StoreException wrongType = assertThrows(StoreException.class, () -> join(store.get(null, "list")));
        assertEquals(StoreException.class, wrongType.getClass());
        assertTrue(wrongType.getMessage().startsWith("redis [" + master.address() + "] answered with an error: "
                + "WRONGTYPE"), wrongType::getMessage);
    }

    @Test
    void touch_KeepsTheVersion_AndTtlZeroRemovesTheExpiry() {
        ServerProcess server = server();
        SessionStore store = store(server);
        join(store.set(null, "t", bytes("v"), 60));
        long version = join(store.getVersioned(null, "t")).version();
        assertTrue(join(store.touch(null, "t", 0)));
        assertEquals(-1, ttl(server, "t"));
        assertArrayEquals(bytes("v"), join(store.getAndTouch(null, "t", 30)));
        assertTrue(ttl(server, "t") > 25);
        assertArrayEquals(bytes("v"), join(store.getAndTouch(null, "t", 0)));
        assertEquals(-1, ttl(server, "t"));
        assertTrue(join(store.touch(null, "t", 40)));
        assertTrue(ttl(server, "t") > 35);
        assertEquals(version, join(store.getVersioned(null, "t")).version());
        assertFalse(join(store.touch(null, "missing", 0)));
        join(store.set(null, "t", bytes("v"), 0));
        assertNotEquals(version, join(store.getVersioned(null, "t")).version());
        join(store.delete(null, "t"));
    }

    @Test
    void scripts_AfterTheServerForgotThem_FallBackToEval() {
        ServerProcess server = server();
        SessionStore store = store(server);
        for (int round = 0; round < 2; round++) {
            assertEquals("+OK\n", server.command("SCRIPT FLUSH", "+OK"));
            assertTrue(join(store.add(null, "lock", bytes("owner"), 60)));
            assertTrue(join(store.deleteIfEquals(null, "lock", bytes("owner"))));
            assertNull(join(store.get(null, "lock")));
            join(store.set(null, "cas", bytes("1"), 60));
            Versioned v = join(store.getVersioned(null, "cas"));
            assertTrue(join(store.compareAndSet(null, "cas", v.version(), bytes("2"), 0)));
            assertTrue(join(store.touch(null, "cas", 0)));
            assertArrayEquals(bytes("2"), join(store.get(null, "cas")));
            assertTrue(join(store.delete(null, "cas")));
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void close_IsIdempotent_StopsItsThreads_AndFailsLaterOperations() {
        ServerProcess server = server();
        SessionStore store = store(server);
        join(store.set(null, "c", bytes("v"), 60));
        join(store.delete(null, "c"));
        assertTrue(threads("msm-redis[/behaviour]") > 0);
        assertEquals("redis [" + server.address() + "]", store.describe());
        long start = System.nanoTime();
        store.close();
        store.close();
        long closing = millisSince(start);
        System.out.println("Closed in " + closing + " ms");
        assertTrue(closing < 5000, "close took " + closing + " ms");
        assertFalse(store.isAvailable(null));
        assertEquals("Store [redis [" + server.address() + "]] is closed", assertThrows(StoreUnavailableException.class,
                () -> join(store.get(null, "c"))).getMessage());
        await().until(() -> threads("msm-redis[/behaviour]") == 0);
    }

    private static int threads(String prefix) {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void operations_FromManyThreads_KeepIssueOrderPerThread() throws Exception {
        SessionStore store = store(server());
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            String key = "order-" + t;
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        // not waiting in between: the lock, the write and the unlock are pipelined
                        CompletableFuture<Boolean> lock = store.add(null, key + ":lock", bytes("me"), 60);
                        CompletableFuture<Void> write = store.set(null, key, bytes(String.valueOf(i)), 60);
                        CompletableFuture<Boolean> unlock = store.deleteIfEquals(null, key + ":lock", bytes("me"));
                        CompletableFuture<byte[]> read = store.get(null, key);
                        assertTrue(join(lock), "lock " + i);
                        join(write);
                        assertTrue(join(unlock), "unlock " + i);
                        assertArrayEquals(bytes(String.valueOf(i)), join(read));
                    }
                    join(store.delete(null, key));
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        if (!failures.isEmpty()) {
            fail(failures.get(0));
        }
    }
}

package dev.msm.api;

import static dev.msm.api.Awaits.await;
import static dev.msm.api.NodeEvents.events;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The store conformance kit: every {@link SessionStore} implementation runs this suite by extending it and supplying
 * its store (connected to a real server where there is one). It checks the contract the engine relies on, operation
 * by operation, including failures: a node that dies fails fast within the operation timeout, and the store recovers
 * by itself when the node returns.
 *
 * <p>After each test every key the test used is deleted and checked gone, so tests leave no stray keys or locks
 * behind.
 */
public abstract class SessionStoreContract {

    private final Set<String> usedKeys = ConcurrentHashMap.newKeySet();
    private String testPrefix;

    /**
     * @return the store under test, connected, with an operation timeout of at most one second; the same instance
     *         for every test of a class is fine
     */
    protected abstract SessionStore store();

    /**
     * @return what the kit may do to the server behind a node: {@link NodeFaults#NONE} (the default) skips the
     *         outage and hang scenarios
     */
    protected NodeFaults faults() {
        return NodeFaults.NONE;
    }

    /**
     * @return a second store on the same servers, for the kit to close, or {@code null} (the default) to skip the
     *         closing scenario
     */
    protected SessionStore openAnother() {
        return null;
    }

    /**
     * @return the operation timeout the store was created with
     */
    protected Duration operationTimeout() {
        return Duration.ofSeconds(1);
    }

    @BeforeEach
    void prefix(TestInfo info) {
        testPrefix = "kit:" + info.getTestMethod().map(m -> m.getName()).orElse("t") + ":"
                + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    @AfterEach
    void noStrayKeys() {
        for (String key : usedKeys) {
            for (String node : nodeIds()) {
                if (store().isAvailable(node)) {
                    join(store().delete(node, key));
                    assertNull(join(store().get(node, key)), "key [" + key + "] left behind on node " + node);
                }
            }
        }
        usedKeys.clear();
    }

    /** The first node, where most tests run. */
    protected String node() {
        return store().nodes().isEmpty() ? null : store().nodes().get(0).id();
    }

    private List<String> nodeIds() {
        List<String> ids = new ArrayList<>();
        if (store().nodes().isEmpty()) {
            ids.add(null);
        } else {
            store().nodes().forEach(n -> ids.add(n.id()));
        }
        return ids;
    }

    /** A key unique to this test, deleted after it. */
    protected String key(String name) {
        String key = testPrefix + name;
        usedKeys.add(key);
        return key;
    }

    protected static byte[] bytes(String text) {
        return StoreTesting.bytes(text);
    }

    /** The future's value within the operation timeout and 5 s more. */
    protected <T> T join(CompletableFuture<T> future) {
        return StoreTesting.join(future, operationTimeout().plusSeconds(5));
    }

    // ------------------------------------------------------------------ get / set

    @Test
    void get_MissingKey_ReturnsNull() {
        assertNull(join(store().get(node(), key("missing"))));
    }

    @Test
    void set_ThenGet_ReturnsSameBytes() {
        String k = key("a");
        join(store().set(node(), k, bytes("hello"), 60));
        assertArrayEquals(bytes("hello"), join(store().get(node(), k)));
    }

    @Test
    void set_ExistingKey_Overwrites() {
        String k = key("a");
        join(store().set(node(), k, bytes("one"), 60));
        join(store().set(node(), k, bytes("two"), 60));
        assertArrayEquals(bytes("two"), join(store().get(node(), k)));
    }

    @Test
    void set_EveryByteValue_RoundTrips() {
        byte[] all = new byte[256 * 4];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        String k = key("bin");
        join(store().set(node(), k, all, 60));
        assertArrayEquals(all, join(store().get(node(), k)));
        byte[] empty = new byte[0];
        join(store().set(node(), k, empty, 60));
        assertArrayEquals(empty, join(store().get(node(), k)));
    }

    @Test
    void set_LargeValue_RoundTrips() {
        int size = Math.min(store().maxValueBytes() - 4096, 900 * 1024);
        byte[] large = new byte[size];
        new Random(42).nextBytes(large);
        String k = key("large");
        join(store().set(node(), k, large, 60));
        assertArrayEquals(large, join(store().get(node(), k)));
    }

    @Test
    void set_AboveMaxValueBytes_IsRejected_WithOneMessageForEveryStore() {
        byte[] tooLarge = new byte[store().maxValueBytes() + 1];
        String k = key("too-large");
        String expected = "Value of [" + tooLarge.length + "] bytes exceeds the limit of [" + store().maxValueBytes()
                + "] bytes of " + store().describe() + " (attribute [";
        List<Supplier<CompletableFuture<?>>> writes = List.of(() -> store().set(node(), k, tooLarge, 60),
                () -> store().add(node(), k, tooLarge, 60), () -> store().compareAndSet(node(), k, 1, tooLarge, 60));
        for (Supplier<CompletableFuture<?>> write : writes) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> join(write.get()));
            assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        }
        assertNull(join(store().get(node(), k)));
    }

    @Test
    void keys_EveryAllowedCharacterAndMaxLength_RoundTrip() {
        String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-";
        StringBuilder sb = new StringBuilder(testPrefix);
        while (sb.length() < SessionStore.MAX_KEY_LENGTH) {
            sb.append(chars.charAt(sb.length() % chars.length()));
        }
        String k = sb.toString();
        usedKeys.add(k);
        join(store().set(node(), k, bytes("v"), 60));
        assertArrayEquals(bytes("v"), join(store().get(node(), k)));
    }

    @Test
    void keys_WithSpacesOrLineBreaks_AreRejectedWithoutSideEffects() {
        String victim = key("victim");
        String[] hostile = {
            victim + " 0 0 1\r\nx", victim + "\r\nset " + victim + " 0 0 1\r\nx\r\n", "", "a b",
            "k\u0000", "k\u00e9", "x".repeat(SessionStore.MAX_KEY_LENGTH + 1)
        };
        for (String k : hostile) {
            try {
                join(store().set(node(), k, bytes("x"), 60));
                fail("key [" + k.replace("\r", "\\r").replace("\n", "\\n") + "] was accepted");
            } catch (IllegalArgumentException expected) {
                // the only acceptable outcome
            }
        }
        assertNull(join(store().get(node(), victim)), "a hostile key wrote another key");
    }

    // ------------------------------------------------------------------ time to live

    @Test
    void ttl_Elapsed_KeyIsGone() {
        String k = key("ttl");
        join(store().set(node(), k, bytes("v"), 1));
        assertNotNull(join(store().get(node(), k)));
        await(Duration.ofSeconds(6)).until(() -> join(store().get(node(), k)) == null);
    }

    @Test
    void ttlZero_NeverExpires() {
        String k = key("forever");
        join(store().set(node(), k, bytes("v"), 0));
        awaitOneSecondTtlPassed("forever");
        assertArrayEquals(bytes("v"), join(store().get(node(), k)));
    }

    /**
     * Waits until a control key, set now with a time to live of 1 s, is gone: by then the store's clock has passed the
     * expiry of every 1 s time to live set before (on memcached's whole-second clock 1 to 2 s from now). A key set
     * before with 1 s that is still there had its expiry moved, as the test wants; one whose expiry was not moved is
     * gone by then. No fixed wait: the test lasts as long as the store's own clock needs.
     */
    private void awaitOneSecondTtlPassed(String name) {
        String control = key(name + "-control");
        join(store().set(node(), control, bytes("c"), 1));
        await(Duration.ofSeconds(6)).alias("the control key with a 1 s time to live expired")
                .until(() -> join(store().get(node(), control)) == null);
    }

    @Test
    void ttlAboveThirtyDays_IsARelativeTime() {
        String k = key("long");
        join(store().set(node(), k, bytes("v"), 31 * 24 * 3600));
        assertArrayEquals(bytes("v"), join(store().get(node(), k)));
        assertTrue(join(store().add(node(), key("long-add"), bytes("v"), 60 * 24 * 3600)));
        assertNotNull(join(store().get(node(), key("long-add"))));
    }

    @Test
    void ttl_Negative_IsRejected() {
        assertThrows(IllegalArgumentException.class, () -> join(store().set(node(), key("neg"), bytes("v"), -1)));
    }

    @Test
    void getAndTouch_ExistingKey_ReturnsValueAndExtendsTtl() {
        String k = key("gat");
        join(store().set(node(), k, bytes("v"), 1));
        assertArrayEquals(bytes("v"), join(store().getAndTouch(node(), k, 30)));
        awaitOneSecondTtlPassed("gat");
        assertArrayEquals(bytes("v"), join(store().get(node(), k)));
    }

    @Test
    void getAndTouch_ShortensTtl() {
        String k = key("gat-short");
        join(store().set(node(), k, bytes("v"), 0));
        assertArrayEquals(bytes("v"), join(store().getAndTouch(node(), k, 1)));
        await(Duration.ofSeconds(6)).until(() -> join(store().get(node(), k)) == null);
    }

    @Test
    void getAndTouch_WithZero_RemovesTheExpiry() {
        String k = key("gat-zero");
        join(store().set(node(), k, bytes("v"), 1));
        assertArrayEquals(bytes("v"), join(store().getAndTouch(node(), k, 0)));
        awaitOneSecondTtlPassed("gat-zero");
        assertArrayEquals(bytes("v"), join(store().get(node(), k)));
    }

    @Test
    void getAndTouch_MissingKey_ReturnsNullAndCreatesNothing() {
        String k = key("gat-missing");
        assertNull(join(store().getAndTouch(node(), k, 30)));
        assertNull(join(store().get(node(), k)));
    }

    @Test
    void touch_ExistingKey_ExtendsTtl() {
        String k = key("touch");
        join(store().set(node(), k, bytes("v"), 1));
        assertTrue(join(store().touch(node(), k, 30)));
        awaitOneSecondTtlPassed("touch");
        assertArrayEquals(bytes("v"), join(store().get(node(), k)));
    }

    @Test
    void touch_MissingKey_ReturnsFalse() {
        String k = key("touch-missing");
        assertFalse(join(store().touch(node(), k, 30)));
        assertNull(join(store().get(node(), k)));
    }

    // ------------------------------------------------------------------ add / delete

    @Test
    void add_AbsentKey_Creates() {
        String k = key("add");
        assertTrue(join(store().add(node(), k, bytes("first"), 60)));
        assertArrayEquals(bytes("first"), join(store().get(node(), k)));
    }

    @Test
    void add_PresentKey_FailsAndKeepsValue() {
        String k = key("add");
        join(store().set(node(), k, bytes("first"), 60));
        assertFalse(join(store().add(node(), k, bytes("second"), 60)));
        assertArrayEquals(bytes("first"), join(store().get(node(), k)));
    }

    @Test
    void add_ExpiredKey_Succeeds() {
        String k = key("add-expired");
        assertTrue(join(store().add(node(), k, bytes("first"), 1)));
        await(Duration.ofSeconds(6)).until(() -> join(store().add(node(), k, bytes("second"), 60)));
        assertArrayEquals(bytes("second"), join(store().get(node(), k)));
    }

    @Test
    void add_UnderContention_ExactlyOneWinner() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                String k = key("contended-" + round);
                CyclicBarrier barrier = new CyclicBarrier(threads);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    byte[] token = bytes("owner-" + t);
                    results.add(pool.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        return join(store().add(node(), k, token, 60));
                    }));
                }
                int winners = 0;
                for (Future<Boolean> r : results) {
                    if (r.get(30, TimeUnit.SECONDS)) {
                        winners++;
                    }
                }
                assertEquals(1, winners, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void delete_ExistingKey_ReturnsTrueAndRemoves() {
        String k = key("del");
        join(store().set(node(), k, bytes("v"), 60));
        assertTrue(join(store().delete(node(), k)));
        assertNull(join(store().get(node(), k)));
        assertFalse(join(store().delete(node(), k)));
    }

    @Test
    void deleteIfEquals_MatchingValue_Deletes() {
        String k = key("lock");
        join(store().add(node(), k, bytes("owner-a"), 60));
        assertTrue(join(store().deleteIfEquals(node(), k, bytes("owner-a"))));
        assertNull(join(store().get(node(), k)));
    }

    @Test
    void deleteIfEquals_OtherValue_LeavesKey() {
        String k = key("lock");
        join(store().add(node(), k, bytes("owner-a"), 60));
        assertFalse(join(store().deleteIfEquals(node(), k, bytes("owner-b"))));
        assertFalse(join(store().deleteIfEquals(node(), k, bytes("owner-a-longer"))));
        assertArrayEquals(bytes("owner-a"), join(store().get(node(), k)));
    }

    @Test
    void deleteIfEquals_MissingKey_ReturnsFalse() {
        assertFalse(join(store().deleteIfEquals(node(), key("none"), bytes("x"))));
    }

    @Test
    void unlock_AfterExpiryAndRetakeByOther_LeavesOtherOwnersLock() {
        String k = key("lock");
        assertTrue(join(store().add(node(), k, bytes("owner-a"), 1)));
        await(Duration.ofSeconds(6)).until(() -> join(store().add(node(), k, bytes("owner-b"), 60)));
        assertFalse(join(store().deleteIfEquals(node(), k, bytes("owner-a"))));
        assertArrayEquals(bytes("owner-b"), join(store().get(node(), k)));
    }

    @Test
    void deleteIfEquals_ConcurrentReleaseAndRetake_NeverDeletesForeignLock() throws Exception {
        // many rounds of: A holds, A releases while B tries to take; B's lock must never be deleted by A
        String k = key("lock-race");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 50; round++) {
                byte[] a = bytes("a-" + round);
                byte[] b = bytes("b-" + round);
                assertTrue(join(store().add(node(), k, a, 60)));
                CyclicBarrier barrier = new CyclicBarrier(2);
                Future<Boolean> release = pool.submit(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return join(store().deleteIfEquals(node(), k, a));
                });
                Future<Boolean> take = pool.submit(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (System.nanoTime() < end) {
                        if (join(store().add(node(), k, b, 60))) {
                            return true;
                        }
                    }
                    return false;
                });
                assertTrue(release.get(30, TimeUnit.SECONDS));
                assertTrue(take.get(30, TimeUnit.SECONDS));
                assertArrayEquals(b, join(store().get(node(), k)));
                assertTrue(join(store().deleteIfEquals(node(), k, b)));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ compare-and-set

    @Test
    void compareAndSet_CurrentVersion_Replaces() {
        String k = key("cas");
        join(store().set(node(), k, bytes("v1"), 60));
        Versioned v = join(store().getVersioned(node(), k));
        assertArrayEquals(bytes("v1"), v.value());
        assertTrue(join(store().compareAndSet(node(), k, v.version(), bytes("v2"), 60)));
        assertArrayEquals(bytes("v2"), join(store().get(node(), k)));
    }

    @Test
    void compareAndSet_StaleVersion_Fails() {
        String k = key("cas");
        join(store().set(node(), k, bytes("v1"), 60));
        Versioned v = join(store().getVersioned(node(), k));
        join(store().set(node(), k, bytes("v1"), 60)); // same bytes, new write: the version must change
        Versioned again = join(store().getVersioned(node(), k));
        assertNotEquals(v.version(), again.version(), "a write must change the version even with equal bytes");
        assertFalse(join(store().compareAndSet(node(), k, v.version(), bytes("v2"), 60)));
        assertArrayEquals(bytes("v1"), join(store().get(node(), k)));
    }

    @Test
    void compareAndSet_MissingKey_Fails() {
        String k = key("cas-missing");
        assertNull(join(store().getVersioned(node(), k)));
        assertFalse(join(store().compareAndSet(node(), k, 12345L, bytes("v"), 60)));
        assertNull(join(store().get(node(), k)));
    }

    @Test
    void compareAndSet_VersionZero_NeverWrites() {
        // memcached's and Couchbase's CAS 0 means "unconditional": a version never read must not become one
        String k = key("cas-zero");
        join(store().set(node(), k, bytes("v1"), 60));
        assertFalse(join(store().compareAndSet(node(), k, 0L, bytes("v2"), 60)));
        assertArrayEquals(bytes("v1"), join(store().get(node(), k)));
    }

    @Test
    void compareAndSet_ConcurrentIncrements_NoLostUpdate() throws Exception {
        String k = key("counter");
        join(store().set(node(), k, bytes("0"), 60));
        int threads = 8;
        int increments = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            Versioned v = join(store().getVersioned(node(), k));
                            int n = Integer.parseInt(new String(v.value(), StandardCharsets.UTF_8));
                            if (join(store().compareAndSet(node(), k, v.version(), bytes(String.valueOf(n + 1)), 60))) {
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(bytes(String.valueOf(threads * increments)), join(store().get(node(), k)));
    }

    // ------------------------------------------------------------------ nodes

    @Test
    void nodes_AreIndependentlyAddressed() {
        List<StoreNode> nodes = store().nodes();
        assumeTrue(nodes.size() > 1, "store has fewer than two explicit nodes");
        String k = key("addressed");
        join(store().set(nodes.get(0).id(), k, bytes("on-first"), 60));
        join(store().set(nodes.get(1).id(), k, bytes("on-second"), 60));
        assertArrayEquals(bytes("on-first"), join(store().get(nodes.get(0).id(), k)));
        assertArrayEquals(bytes("on-second"), join(store().get(nodes.get(1).id(), k)));
        join(store().delete(nodes.get(0).id(), k));
        assertNull(join(store().get(nodes.get(0).id(), k)));
        assertArrayEquals(bytes("on-second"), join(store().get(nodes.get(1).id(), k)));
    }

    @Test
    void nodes_UnknownNodeId_IsRejected() {
        assumeTrue(!store().nodes().isEmpty(), "store has no explicit nodes");
        assertThrows(IllegalArgumentException.class, () -> join(store().get("no-such-node", key("x"))));
    }

    @Test
    void nodes_AllAvailableWhenServersRun() {
        for (String node : nodeIds()) {
            assertTrue(store().isAvailable(node), "node " + node);
        }
        assertNotNull(store().describe());
    }

    // ------------------------------------------------------------------ close

    @Test
    void close_IsIdempotent_AndLaterOperationsFailAsClosed() {
        SessionStore other = openAnother();
        assumeTrue(other != null, "fixture cannot open another store");
        List<String> nodes = new ArrayList<>();
        if (other.nodes().isEmpty()) {
            nodes.add(null);
        } else {
            other.nodes().forEach(n -> nodes.add(n.id()));
        }
        await().until(() -> nodes.stream().allMatch(other::isAvailable));
        other.close();
        other.close();
        for (String node : nodes) {
            assertFalse(other.isAvailable(node), "node " + node);
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                    () -> join(other.get(node, key("closed"))));
            assertEquals("Store [" + other.describe() + "] is closed", e.getMessage());
        }
    }

    // ------------------------------------------------------------------ outage

    @Test
    void outage_FailsFastWithinTimeout_ThenRecoversByItself() {
        assumeTrue(faults().canKill(), "fixture cannot kill servers");
        String node = node();
        String k = key("outage");
        join(store().set(node, k, bytes("before"), 60));
        List<String> events = events(store());
        faults().kill(node);
        try {
            long bound = operationTimeout().toMillis() + 1500;
            AtomicInteger failures = new AtomicInteger();
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                assertThrowsStoreException(() -> join(store().get(node, k)));
                assertThrowsStoreException(() -> join(store().set(node, k, bytes("during"), 60)));
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(elapsed < 2 * bound, "two operations took " + elapsed + " ms; bound " + 2 * bound + " ms");
                failures.incrementAndGet();
            }
            await().until(() -> !store().isAvailable(node));
            assertEquals(10, failures.get());
        } finally {
            faults().restart(node);
        }
        await(Duration.ofSeconds(30)).until(() -> store().isAvailable(node));
        await(Duration.ofSeconds(30)).untilAsserted(() -> join(store().set(node, k, bytes("after"), 60)));
        assertArrayEquals(bytes("after"), join(store().get(node, k)));
        await().until(() -> events.contains("down " + node) && events.contains("up " + node));
    }

    // ------------------------------------------------------------------ hang (a paused server, connections open)

    @Test
    void hang_OperationsInFlightTimeOut_WithTheNodeAlreadyUnavailable_LaterOnesFailFast_UntilItResumes() {
        assumeTrue(faults().canPause(), "fixture cannot pause servers");
        String node = node();
        String k = key("hang");
        join(store().set(node, k, bytes("before"), 60));
        List<String> events = events(store());
        faults().pause(node);
        try {
            // the operations sent while nothing answers: each one times out, and whoever sees the timeout finds
            // the node unavailable already (the engine then reads the backup copy)
            List<CompletableFuture<Boolean>> inFlight = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                inFlight.add(store().get(node, k).handle((value, failure) -> {
                    assertTrue(unwrap(failure) instanceof StoreTimeoutException, "expected a timeout: " + failure);
                    return store().isAvailable(node);
                }));
            }
            for (CompletableFuture<Boolean> seen : inFlight) {
                assertFalse(join(seen), "node still available when its timeout was seen");
            }
            // every later operation fails at once, without waiting for the timeout
            for (int i = 0; i < 20; i++) {
                CompletableFuture<byte[]> later = store().get(node, k);
                assertTrue(later.isDone(), "operation on a hung node waits");
                assertThrows(StoreUnavailableException.class, () -> join(later));
            }
            // listeners may be told on a store thread of their own, right after the flag changed
            await().until(() -> events.equals(List.of("down " + node)));
            for (String other : nodeIds()) {
                if (!Objects.equals(other, node)) {
                    assertNull(join(store().get(other, k)), "other node " + other + " still answers");
                }
            }
        } finally {
            faults().resume(node);
        }
        await(Duration.ofSeconds(30)).until(() -> store().isAvailable(node));
        assertArrayEquals(bytes("before"), join(store().get(node, k)), "the resumed server kept its data");
        await().until(() -> events.equals(List.of("down " + node, "up " + node)));
    }

    @Test
    void hang_IdleNodePaused_IsFoundByTheProbe_AndReturnsAfterResume() {
        assumeTrue(faults().canPause(), "fixture cannot pause servers");
        String node = node();
        List<String> events = events(store());
        faults().pause(node);
        try {
            // no operation from the test: the store's own probe gets no answer
            await().until(() -> !store().isAvailable(node));
            assertThrows(StoreUnavailableException.class, () -> join(store().get(node, key("idle"))));
        } finally {
            faults().resume(node);
        }
        await(Duration.ofSeconds(30)).until(() -> store().isAvailable(node));
        assertNull(join(store().get(node, key("idle"))));
        await().until(() -> events.equals(List.of("down " + node, "up " + node)));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static void assertThrowsStoreException(Supplier<?> call) {
        try {
            call.get();
            fail("operation succeeded on a dead node");
        } catch (StoreException expected) {
            // StoreUnavailableException, StoreTimeoutException or another StoreException: all are fine
        }
    }
}

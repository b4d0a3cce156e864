package dev.msm.redis;

import static dev.msm.api.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

import dev.msm.api.ServerProcess;
import dev.msm.api.StoreTimeoutException;
import dev.msm.api.StoreUnavailableException;

/**
 * Requests, one after another on a thread of their own, while a Redis master is killed and a replica takes over
 * (Sentinel or Cluster). While no master answers a request may fail with {@link StoreUnavailableException} or
 * {@link StoreTimeoutException}, as documented; anything else is unexpected. Counts what was served and what failed,
 * and when requests were served again after the kill.
 */
final class RequestsDuringFailover {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicLong killedAt = new AtomicLong();
    private final AtomicLong servedAgainAt = new AtomicLong();
    private final AtomicBoolean failedSinceKill = new AtomicBoolean();
    private final AtomicInteger failed = new AtomicInteger();
    private final List<Throwable> unexpected = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> requests;

    private RequestsDuringFailover(IntConsumer request) {
        requests = CompletableFuture.runAsync(() -> {
            // bounded by time, not by count: while no master answers operations fail fast, and a count would be
            // used up before the replica takes over
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int i = 0; running.get() && System.nanoTime() - deadline < 0; i++) {
                try {
                    request.accept(i);
                    served.incrementAndGet();
                    if (failedSinceKill.get()) {
                        servedAgainAt.compareAndSet(0, System.nanoTime());
                    }
                } catch (StoreUnavailableException | StoreTimeoutException e) {
                    // during the failover, as documented
                    failedSinceKill.set(killedAt.get() != 0);
                    failed.incrementAndGet();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a client's retry pause, not a wait
                } catch (RuntimeException | AssertionError e) {
                    unexpected.add(e);
                }
            }
        });
    }

    /**
     * @param request the i-th request: a store operation waited for
     * @return the requests, running until {@link #stop()} or for 60 s
     */
    static RequestsDuringFailover start(IntConsumer request) {
        return new RequestsDuringFailover(request);
    }

    /** Waits until requests are served, before the kill. */
    void awaitServed() {
        await().until(() -> served.get() > 20);
    }

    /** Kills the master with SIGKILL, noting when. */
    void kill(ServerProcess master) {
        killedAt.set(System.nanoTime());
        master.kill();
    }

    /** Waits until a request failed after the kill and a later one was served, by the new master. */
    void awaitServedAgain() {
        await(Duration.ofSeconds(30)).alias("requests served by the new master").until(() -> servedAgainAt.get() != 0);
    }

    /** Stops the requests and waits for the last one. */
    void stop() throws Exception {
        running.set(false);
        requests.get(30, TimeUnit.SECONDS);
    }

    /**
     * Asserts that only the documented failures happened, and prints how long the failover took.
     *
     * @param failover   what failed over, and its detection time
     * @param promotedAt when the replica was seen promoted, {@link System#nanoTime()}
     */
    void assertOnlyDocumentedFailures(String failover, long promotedAt) {
        assertEquals(List.of(), unexpected, "only the documented failures during the failover");
        System.out.printf("%s: replica promoted after [%d ms] at the latest, requests served again [%d ms] after the"
                + " kill, [%d] requests failed meanwhile%n", failover,
                TimeUnit.NANOSECONDS.toMillis(promotedAt - killedAt.get()),
                TimeUnit.NANOSECONDS.toMillis(servedAgainAt.get() - killedAt.get()), failed.get());
    }
}

package dev.msm.core;

import static dev.msm.api.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.msm.core.keys.SessionId;

/**
 * The in-JVM lock wait of non-sticky mode (requests of one Tomcat waiting for one session): deadlines on a manual
 * clock, in milliseconds, and the {@code maxLockWaiters} bound.
 */
@Tag("unit")
class LocalLocksTest {

    private static final SessionId SID = new SessionId("ABC", "n1", null);

    private final ManualClock clock = new ManualClock();
    private final Statistics stats = new Statistics(clock);
    private final ActiveSessions.Active session = new ActiveSessions.Active("ABC-n1");
    private final ExecutorService requests = Executors.newCachedThreadPool();

    @AfterEach
    void stopRequests() throws InterruptedException {
        requests.shutdownNow();
        assertTrue(requests.awaitTermination(10, TimeUnit.SECONDS));
    }

    private long in(long millis) {
        return clock.nanos() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** A request that waits for its turn until {@code deadline} on another thread. */
    private CompletableFuture<Boolean> waiting(LocalLocks locks, long deadline) {
        CompletableFuture<Boolean> turn = CompletableFuture.supplyAsync(() -> locks.take(session, deadline, SID),
                requests);
        await().alias("the request waits").until(() -> locks.othersWait(session) || turn.isDone());
        assertFalse(turn.isDone(), "did not wait");
        return turn;
    }

    @Test
    void secondRequest_WaitsForTheFirst_TakesTheSessionWhenTheFirstEnds() {
        LocalLocks locks = new LocalLocks(clock, stats, 20);
        assertTrue(locks.take(session, in(6000), SID));
        CompletableFuture<Boolean> second = waiting(locks, in(6000));
        clock.advance(Duration.ofMillis(5999));
        locks.release(session);
        assertTrue(second.join(), "the second request did not get its turn");
        assertEquals(0, session.waiters.get());
    }

    @Test
    void waiter_StillWaitsOneMillisecondBeforeItsDeadline_GivesUpAtIt() {
        LocalLocks locks = new LocalLocks(clock, stats, 20);
        assertTrue(locks.take(session, in(6000), SID));
        CompletableFuture<Boolean> second = waiting(locks, in(300));
        clock.advance(Duration.ofMillis(299));
        long looked = clock.lookedAt();
        await().alias("the waiter looked at the clock after it moved").until(() -> clock.lookedAt() > looked + 1);
        assertFalse(second.isDone(), "gave up before its deadline");
        clock.advance(Duration.ofMillis(1));
        assertFalse(second.join(), "took a session another request holds");
        assertEquals(0, session.waiters.get());
        locks.release(session);
        assertTrue(locks.take(session, in(0), SID), "the session is free again, its deadline passed or not");
    }

    @Test
    void maxLockWaitersAlreadyWaiting_FurtherRequestRefusedAtOnce_WithTimeLeft() {
        LocalLocks locks = new LocalLocks(clock, stats, 1);
        assertTrue(locks.take(session, in(6000), SID));
        CompletableFuture<Boolean> second = waiting(locks, in(6000));
        SessionUnavailableException refused = assertThrows(SessionUnavailableException.class,
                () -> locks.take(session, in(6000), SID));
        assertEquals(SessionUnavailableException.Reason.TOO_MANY_WAITERS, refused.reason());
        assertEquals(1, stats.get(Statistics.Counter.LOCK_WAITERS_REFUSED));
        locks.release(session);
        assertTrue(second.join(), "the request that waited lost its turn");
    }

    @Test
    void noBound_EveryWaiterGetsItsTurn() {
        LocalLocks locks = new LocalLocks(clock, stats, 0);
        assertTrue(locks.take(session, in(6000), SID));
        CompletableFuture<Boolean> second = waiting(locks, in(6000));
        CompletableFuture<Boolean> third = CompletableFuture.supplyAsync(() -> locks.take(session, in(6000), SID),
                requests);
        locks.release(session);
        await().alias("one of the waiters took the session").until(() -> second.isDone() || third.isDone());
        locks.release(session);
        assertTrue(second.join());
        assertTrue(third.join());
        assertEquals(0, stats.get(Statistics.Counter.LOCK_WAITERS_REFUSED));
    }

    @Test
    void deadlinePassed_TakesAFreeSession_ButNeverWaits() {
        LocalLocks locks = new LocalLocks(clock, stats, 20);
        long past = in(0) - 1;
        assertTrue(locks.take(session, past, SID));
        assertFalse(locks.take(session, past, SID));
        assertEquals(0, clock.lookedAt());
    }
}

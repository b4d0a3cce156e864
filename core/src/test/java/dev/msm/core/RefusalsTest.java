package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;

import org.apache.juli.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** 503s counted per outcome and logged once per cause and minute, with the number since the last report. */
@Tag("unit")
class RefusalsTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Statistics stats = new Statistics();
    private final Refusals refusals = new Refusals(stats, LogFactory.getLog(RefusalsTest.class), nanos::get);
    private final LogCapture logs = LogCapture.start();

    @AfterEach
    void stopCapture() {
        logs.stop();
    }

    private static SessionUnavailableException writeFailed(String sid) {
        return new SessionUnavailableException(SessionUnavailableException.Reason.WRITE_FAILED,
                "Session [" + sid + "] could not be written: Timed out after [1000 ms]", null);
    }

    @Test
    void writeFailures_CountedEach_OneWarnPerMinute_WithTheCountSinceTheLast() {
        for (int i = 0; i < 5; i++) {
            refusals.refused(writeFailed("S" + i), true);
        }
        assertEquals(5, stats.get(Statistics.Counter.REQUESTS_REFUSED_WRITE_FAILED));
        assertEquals(5, stats.get(Statistics.Counter.REQUESTS_REFUSED));
        assertEquals(1, logs.countAtLeast(Level.WARNING), logs.text());
        assertTrue(logs.contains("Requests are answered with 503 (session not written): Session [S0] could not be "
                + "written: Timed out after [1000 ms]; [1] since the last report"), logs.text());
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(60));
        refusals.refused(writeFailed("S5"), true);
        assertEquals(2, logs.countAtLeast(Level.WARNING), logs.text());
        assertTrue(logs.contains("Session [S5] could not be written: Timed out after [1000 ms]; [5] since the last "
                + "report"), logs.text());
    }

    @Test
    void writeFailedAfterTheResponseCommitted_CountedAsLost_NotAsRefused_OwnWarn() {
        refusals.refused(writeFailed("S1"), true);
        refusals.refused(writeFailed("S2"), false);
        refusals.refused(writeFailed("S3"), false);
        assertEquals(1, stats.get(Statistics.Counter.REQUESTS_REFUSED_WRITE_FAILED));
        assertEquals(2, stats.get(Statistics.Counter.WRITES_LOST_AFTER_COMMIT));
        assertEquals(2, logs.countAtLeast(Level.WARNING), "one per cause: " + logs.text());
        assertTrue(logs.contains("Changes of sessions are lost, their responses were already committed"),
                logs.text());
    }

    @Test
    void lockTimeoutsAndTooManyWaiters_EachTheirOwnWarn_StoreUnavailableOnlyCounted() {
        refusals.refused(new SessionUnavailableException(SessionUnavailableException.Reason.LOCK_TIMEOUT,
                "Session [S1] is locked by another request", null), true);
        refusals.refused(new SessionUnavailableException(SessionUnavailableException.Reason.TOO_MANY_WAITERS,
                "Session [S1] already has [20] requests waiting for its lock (maxLockWaiters)", null), true);
        refusals.refused(new SessionUnavailableException(SessionUnavailableException.Reason.STORE_UNAVAILABLE,
                "Session [S1] cannot be loaded: the store is unavailable", null), true);
        assertEquals(1, stats.get(Statistics.Counter.REQUESTS_REFUSED_LOCK_TIMEOUT));
        assertEquals(1, stats.get(Statistics.Counter.REQUESTS_REFUSED_STORE_UNAVAILABLE));
        assertEquals(2, logs.countAtLeast(Level.WARNING), logs.text());
    }
}

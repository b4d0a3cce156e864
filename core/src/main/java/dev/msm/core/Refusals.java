package dev.msm.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;

/**
 * Counts the requests msm answers with 503, per {@link SessionUnavailableException.Reason}, and logs them quietly:
 * one WARN per cause and period for lock timeouts, too many waiting requests and changes that could not be written
 * (answered 503, or lost because the response was already committed), saying how many requests were hit since the
 * previous one; DEBUG otherwise. Refusals because the store is unavailable are only
 * counted: {@link StoreProblems} logs that cause once. An outage thus leaves a line a minute per cause in the log,
 * not a stack trace per request (issue 14).
 */
final class Refusals {

    /** At most one WARN per cause within this period. */
    static final long PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** When one cause was last reported and how many requests it hit since. */
    private final class Period {
        /** When the last WARN was logged; {@link Long#MIN_VALUE} for never. */
        private final AtomicLong warnedAt = new AtomicLong(Long.MIN_VALUE);
        /** Requests since that WARN. */
        private final AtomicLong since = new AtomicLong();

        /** Logs {@code what} at WARN with the count, at most once a period; at DEBUG otherwise. */
        void report(String what) {
            long count = since.incrementAndGet();
            long now = nanoTime.getAsLong();
            long before = warnedAt.get();
            if ((before == Long.MIN_VALUE || now - before >= PERIOD_NANOS) && warnedAt.compareAndSet(before, now)) {
                since.addAndGet(-count);
                log.warn(what + "; [" + count + "] since the last report (reported at most once a minute)");
            } else if (log.isDebugEnabled()) {
                log.debug(what);
            }
        }
    }

    private final Statistics stats;
    private final Log log;
    private final LongSupplier nanoTime;
    private final Period lockTimeouts = new Period();
    private final Period tooManyWaiters = new Period();
    private final Period writeFailures = new Period();
    private final Period lostAfterCommit = new Period();

    /**
     * @param nanoTime the engine clock's {@link EngineClock#nanos()}
     */
    Refusals(Statistics stats, Log log, LongSupplier nanoTime) {
        this.stats = stats;
        this.log = log;
        this.nanoTime = nanoTime;
    }

    /**
     * A request is refused for {@code e}.
     *
     * @param answered whether the client gets the 503; {@code false} when the response was already committed, which
     *                 matters for changes that could not be written: they are then lost without the client knowing
     */
    void refused(SessionUnavailableException e, boolean answered) {
        switch (e.reason()) {
            case STORE_UNAVAILABLE -> {
                stats.count(Statistics.Counter.REQUESTS_REFUSED_STORE_UNAVAILABLE);
                // the store problem behind it is already logged once, with the same consequence (StoreProblems): one
                // line per cause, not two
                if (log.isDebugEnabled()) {
                    log.debug("Request answered with 503: " + e.getMessage());
                }
            }
            case LOCK_TIMEOUT -> {
                stats.count(Statistics.Counter.REQUESTS_REFUSED_LOCK_TIMEOUT);
                lockTimeouts.report("Requests are answered with 503 (lock timeout): " + e.getMessage());
            }
            case TOO_MANY_WAITERS -> tooManyWaiters.report("Requests are answered with 503 at once (too many "
                    + "requests wait for one session's lock): " + e.getMessage()); // counted where refused
            case WRITE_FAILED -> {
                if (answered) {
                    stats.count(Statistics.Counter.REQUESTS_REFUSED);
                    stats.count(Statistics.Counter.REQUESTS_REFUSED_WRITE_FAILED);
                    writeFailures.report("Requests are answered with 503 (session not written): " + e.getMessage());
                } else {
                    stats.count(Statistics.Counter.WRITES_LOST_AFTER_COMMIT);
                    lostAfterCommit.report("Changes of sessions are lost, their responses were already committed "
                            + "(the application flushed or completed them before it changed the session): "
                            + e.getMessage());
                }
            }
        }
    }
}

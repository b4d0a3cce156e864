package dev.msm.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;

/**
 * Counts the requests msm answers with 503, per {@link SessionUnavailableException.Reason}, and logs them quietly:
 * one WARN per period for lock timeouts, saying how many requests were refused since the previous one; DEBUG
 * otherwise. Refusals because the store is unavailable are only counted: {@link StoreProblems} logs that cause once.
 * An outage thus leaves a line a minute in the log, not a stack trace per request (issue 14).
 */
final class Refusals {

    /** At most one WARN for lock timeouts within this period. */
    static final long PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Statistics stats;
    private final Log log;
    private final LongSupplier nanoTime;
    /** When the last lock-timeout WARN was logged; {@link Long#MIN_VALUE} for never. */
    private final AtomicLong warnedAt = new AtomicLong(Long.MIN_VALUE);
    /** Lock-timeout refusals since that WARN. */
    private final AtomicLong since = new AtomicLong();

    /**
     * @param nanoTime the clock, {@code System::nanoTime} outside tests
     */
    Refusals(Statistics stats, Log log, LongSupplier nanoTime) {
        this.stats = stats;
        this.log = log;
        this.nanoTime = nanoTime;
    }

    /** A request is answered 503 for {@code e}. */
    void refused(SessionUnavailableException e) {
        if (e.reason() == SessionUnavailableException.Reason.STORE_UNAVAILABLE) {
            stats.count(Statistics.Counter.REQUESTS_REFUSED_STORE_UNAVAILABLE);
            // the store problem behind it is already logged once, with the same consequence (StoreProblems): one
            // line per cause, not two
            if (log.isDebugEnabled()) {
                log.debug("Request answered with 503: " + e.getMessage());
            }
            return;
        }
        stats.count(Statistics.Counter.REQUESTS_REFUSED_LOCK_TIMEOUT);
        long count = since.incrementAndGet();
        long now = nanoTime.getAsLong();
        long before = warnedAt.get();
        if ((before == Long.MIN_VALUE || now - before >= PERIOD_NANOS) && warnedAt.compareAndSet(before, now)) {
            since.addAndGet(-count);
            log.warn("Requests are answered with 503 (lock timeout): " + e.getMessage() + "; [" + count
                    + "] since the last report (reported at most once a minute)");
        } else if (log.isDebugEnabled()) {
            log.debug("Request answered with 503: " + e.getMessage());
        }
    }
}

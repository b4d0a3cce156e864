package dev.msm.core;

import java.util.EnumMap;
import java.util.Map;
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

    /** At most one WARN per reason within this period. */
    static final long PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Statistics stats;
    private final Log log;
    private final LongSupplier nanoTime;
    private final Map<SessionUnavailableException.Reason, AtomicLong> warnedAt =
            new EnumMap<>(SessionUnavailableException.Reason.class);
    private final Map<SessionUnavailableException.Reason, AtomicLong> since =
            new EnumMap<>(SessionUnavailableException.Reason.class);

    /**
     * @param nanoTime the clock, {@code System::nanoTime} outside tests
     */
    Refusals(Statistics stats, Log log, LongSupplier nanoTime) {
        this.stats = stats;
        this.log = log;
        this.nanoTime = nanoTime;
        for (SessionUnavailableException.Reason r : SessionUnavailableException.Reason.values()) {
            warnedAt.put(r, new AtomicLong(Long.MIN_VALUE));
            since.put(r, new AtomicLong());
        }
    }

    /** A request is answered 503 for {@code e}. */
    void refused(SessionUnavailableException e) {
        SessionUnavailableException.Reason reason = e.reason();
        stats.count(reason == SessionUnavailableException.Reason.LOCK_TIMEOUT
                ? Statistics.Counter.REQUESTS_REFUSED_LOCK_TIMEOUT
                : Statistics.Counter.REQUESTS_REFUSED_STORE_UNAVAILABLE);
        if (reason == SessionUnavailableException.Reason.STORE_UNAVAILABLE) {
            // the store problem behind it is already logged once, with the same consequence (StoreProblems): one
            // line per cause, not two
            if (log.isDebugEnabled()) {
                log.debug("Request answered with 503: " + e.getMessage());
            }
            return;
        }
        long count = since.get(reason).incrementAndGet();
        AtomicLong last = warnedAt.get(reason);
        long now = nanoTime.getAsLong();
        long before = last.get();
        if ((before == Long.MIN_VALUE || now - before >= PERIOD_NANOS) && last.compareAndSet(before, now)) {
            since.get(reason).addAndGet(-count);
            log.warn("Requests are answered with 503 (" + reason.name().toLowerCase().replace('_', ' ') + "): "
                    + e.getMessage() + "; [" + count + "] since the last report (reported at most once a minute)");
        } else if (log.isDebugEnabled()) {
            log.debug("Request answered with 503: " + e.getMessage());
        }
    }
}

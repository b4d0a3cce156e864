package dev.msm.core;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and latency histograms of one manager, read as numbers over JMX. Updating is lock-free and cheap enough
 * for every request.
 */
public final class Statistics {

    /** What is counted. */
    public enum Counter {
        /** Requests that passed the manager's valve (not ignored). */
        REQUESTS,
        /** Requests matching {@code requestUriIgnorePattern}. */
        REQUESTS_IGNORED,
        /** Sessions read from the store (primary or backup copy). */
        LOADS,
        /**
         * Loads that read the very value this Tomcat had stored or loaded last for the session, so the session
         * object kept since then was used instead of deserializing it again (included in {@link #LOADS}).
         */
        LOADS_REUSED,
        /** Loads that found no stored session. */
        LOAD_MISSES,
        /** Sessions read from their backup copy because the primary was missing or its node was down. */
        BACKUP_LOADS,
        /** Session writes (primary copy). */
        WRITES,
        /** Requests that used a session without changing it, so nothing was written. */
        WRITES_SKIPPED_UNCHANGED,
        /** Writes that failed. */
        WRITE_FAILURES,
        /** Touches refreshing a stored session's time to live without a write. */
        TOUCHES,
        /** Sticky backups that replaced a queued backup instead of adding a write. */
        BACKUPS_COALESCED,
        /** Locks obtained. */
        LOCKS,
        /** Lock attempts that found the session locked by someone else and waited. */
        LOCK_WAITS,
        /** Requests that did not get their lock within {@code lockTimeout}. */
        LOCK_TIMEOUTS,
        /** Sessions taken over from another Tomcat (jvmRoute changed). */
        TOMCAT_FAILOVERS,
        /** Sessions moved to another store node because theirs was down. */
        NODE_FAILOVERS,
        /** Requests refused (HTTP 503) by the configured failure mode. */
        REQUESTS_REFUSED,
        /** Requests answered 503 because their lock did not come within {@code lockTimeout}. */
        REQUESTS_REFUSED_LOCK_TIMEOUT,
        /** Requests answered 503 because no store node answered. */
        REQUESTS_REFUSED_STORE_UNAVAILABLE,
        /** Non-sticky requests answered 503 because their session's changes could not be written. */
        REQUESTS_REFUSED_WRITE_FAILED,
        /**
         * Non-sticky requests whose session's changes could not be written after their response was already
         * committed (the application flushed or completed it, and changed the session afterwards): those changes are
         * lost and the client was answered as usual.
         */
        WRITES_LOST_AFTER_COMMIT,
        /** Backup copies that could not be written while the primary copy was (the session is stored once). */
        BACKUP_WRITE_FAILURES,
        /** Stored values that could not be read (corrupt, foreign, forbidden class). */
        UNREADABLE_VALUES,
        /**
         * Sessions serialized with values of classes that reading refuses (not in {@code allowedClasses}): another
         * Tomcat, or this one after a restart, will not read them.
         */
        REFUSED_CLASS_WRITES,
        /** Attributes dropped on read because their values named a class that is not allowed. */
        DROPPED_ATTRIBUTES,
        /** Sessions whose expiry this Tomcat processed (listeners fired). */
        EXPIRIES,
        /** Session ids from requests that were malformed or named an unknown node. */
        INVALID_IDS,
        /** Primary copies a node kept from before it was fenced (hung) whose session had moved meanwhile: not used. */
        STALE_COPIES,
        /** Store locks found lost (renewal failed or found the lock gone) while their request ran. */
        LOCKS_LOST,
        /** Writes not done because their request's lock was lost or the session was invalidated meanwhile. */
        WRITES_FENCED,
        /** Requests answered 503 at once because too many requests already waited for their session's lock. */
        LOCK_WAITERS_REFUSED
    }

    /** What is timed. */
    public enum Timer {
        /** Reading a session from the store, including deserialization. */
        LOAD,
        /** Writing a session, including serialization. */
        WRITE,
        /** Waiting for a lock. */
        LOCK_WAIT,
        /** Serializing a session. */
        SERIALIZATION
    }

    private final LongAdder[] counters = new LongAdder[Counter.values().length];
    private final Histogram[] timers = new Histogram[Timer.values().length];
    private final Histogram sizes = new Histogram();
    private final EngineClock clock;

    Statistics() {
        this(EngineClock.SYSTEM);
    }

    /**
     * @param clock measures the durations of {@link #time}
     */
    Statistics(EngineClock clock) {
        this.clock = clock;
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
        }
        for (int i = 0; i < timers.length; i++) {
            timers[i] = new Histogram();
        }
    }

    void count(Counter c) {
        counters[c.ordinal()].increment();
    }

    void time(Timer t, long startNanos) {
        timers[t.ordinal()].record((clock.nanos() - startNanos) / 1000);
    }

    void size(int bytes) {
        sizes.record(bytes);
    }

    /**
     * @return the counter's value since start or the last {@link #reset()}
     */
    public long get(Counter c) {
        return counters[c.ordinal()].sum();
    }

    /**
     * @param t          what was timed
     * @param percentile from 0 to 100
     * @return an upper bound of the percentile in microseconds (within a factor of 1.19), 0 when nothing was timed
     */
    public long percentileMicros(Timer t, double percentile) {
        return timers[t.ordinal()].percentile(percentile);
    }

    /**
     * @return how many times the timer ran
     */
    public long count(Timer t) {
        return timers[t.ordinal()].count();
    }

    /**
     * @return the sum of all times the timer measured, in microseconds (with {@link #count(Timer)}: a rate-able
     *         total for metrics libraries, e.g. a Micrometer {@code FunctionTimer})
     */
    public long totalMicros(Timer t) {
        return timers[t.ordinal()].sum();
    }

    /**
     * @return the sum of all serialized session sizes recorded, in bytes
     */
    public long totalSizeBytes() {
        return sizes.sum();
    }

    /**
     * @param percentile from 0 to 100
     * @return an upper bound of the percentile of serialized session sizes in bytes
     */
    public long sizePercentile(double percentile) {
        return sizes.percentile(percentile);
    }

    /** Sets every counter and histogram back to zero. */
    public void reset() {
        for (LongAdder c : counters) {
            c.reset();
        }
        for (Histogram h : timers) {
            h.reset();
        }
        sizes.reset();
    }

    /**
     * A log-linear histogram of non-negative values: 4 sub-buckets per power of two, so a percentile is known within
     * a factor of 2^(1/4).
     */
    static final class Histogram {
        private static final int SUB = 4;
        /** One adder per bucket: request threads record concurrently without contending on one cache line. */
        private final LongAdder[] buckets = new LongAdder[64 * SUB];
        private final LongAdder sum = new LongAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void record(long value) {
            long v = Math.max(0, value);
            buckets[bucket(v)].increment();
            sum.add(v);
        }

        long sum() {
            return sum.sum();
        }

        static int bucket(long v) {
            if (v < SUB) {
                return (int) v;
            }
            int exp = 63 - Long.numberOfLeadingZeros(v);
            int sub = (int) ((v >>> (exp - 2)) & (SUB - 1));
            return Math.min(exp * SUB + sub, 64 * SUB - 1);
        }

        static long upperBound(int bucket) {
            if (bucket < SUB) {
                return bucket;
            }
            int exp = bucket / SUB;
            int sub = bucket % SUB;
            return ((long) (SUB + sub + 1) << (exp - 2)) - 1;
        }

        long count() {
            long n = 0;
            for (LongAdder b : buckets) {
                n += b.sum();
            }
            return n;
        }

        long percentile(double p) {
            long[] counts = new long[buckets.length];
            long total = 0;
            for (int i = 0; i < buckets.length; i++) {
                counts[i] = buckets[i].sum();
                total += counts[i];
            }
            if (total == 0) {
                return 0;
            }
            long rank = (long) Math.ceil(total * Math.min(100, Math.max(0, p)) / 100.0);
            rank = Math.max(rank, 1);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return upperBound(i);
                }
            }
            return upperBound(counts.length - 1);
        }

        void reset() {
            for (LongAdder b : buckets) {
                b.reset();
            }
            sum.reset();
        }
    }
}

package dev.msm.it;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures how long this machine stood still: a thread that wakes every {@value #TICK_MILLIS} ms and records when it
 * did. On a shared 2-core machine under load, every process (the Tomcats, memcached, this test) can be kept off the
 * CPU for a second or more; a time bound such as "backups lag at most 100 ms" can only be checked in the time the
 * machine ran. A gap between two ticks longer than {@value #SLACK_MILLIS} ms counts as stalled time (beyond the
 * slack).
 */
final class Heartbeat implements AutoCloseable {

    private static final long TICK_MILLIS = 5;
    private static final long SLACK_MILLIS = 50;
    private static final int RING = 1 << 16; // about 5 minutes of ticks; windows are asked for seconds after the fact

    private final long[] ticks = new long[RING];
    private volatile long count;
    private volatile boolean stop;
    private final LongAccumulator longestStall = new LongAccumulator(Math::max, 0);
    private final Thread thread;

    Heartbeat() {
        ticks[0] = System.nanoTime();
        count = 1;
        thread = new Thread(this::beat, "chaos-heartbeat");
        thread.setDaemon(true);
        thread.start();
    }

    private void beat() {
        long tickNanos = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
        for (long i = 1; i < Long.MAX_VALUE && !stop; i++) {
            LockSupport.parkNanos(tickNanos);
            long now = System.nanoTime();
            longestStall.accumulate(now - ticks[(int) ((i - 1) % RING)]);
            ticks[(int) (i % RING)] = now;
            count = i + 1;
        }
    }

    /**
     * @param from a {@link System#nanoTime()} value
     * @param to   a later one
     * @return nanoseconds of {@code [from, to]} in which this machine stood still (gaps beyond the slack)
     */
    long stalledNanos(long from, long to) {
        long n = count;
        long slack = TimeUnit.MILLISECONDS.toNanos(SLACK_MILLIS);
        long stalled = 0;
        for (long i = n - 1; i > 0 && i > n - RING + 1; i--) {
            long end = ticks[(int) (i % RING)];
            long start = ticks[(int) ((i - 1) % RING)];
            if (end <= from) {
                break;
            }
            long gap = Math.min(end, to) - Math.max(start, from);
            if (end - start > slack && gap > 0) {
                stalled += Math.max(0, gap - slack);
            }
        }
        return stalled;
    }

    /**
     * @param end a {@link System#nanoTime()} value
     * @param run how long the machine must have run
     * @return the latest time before {@code end} such that the machine ran for at least {@code run} until
     *         {@code end}
     */
    long runningFor(long end, long run) {
        long start = end - run;
        for (int i = 0; i < 10; i++) {
            long next = end - run - stalledNanos(start, end);
            if (next == start) {
                break;
            }
            start = next;
        }
        return start;
    }

    /**
     * @return the longest time between two ticks so far, in milliseconds
     */
    long longestStallMillis() {
        return TimeUnit.NANOSECONDS.toMillis(longestStall.get());
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
    }
}

package dev.msm.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link RandomFaultsIT} run saw: counters by name (requests, answers, errors by kind, faults by kind, lost
 * increments), the timeline of faults, and every violation of a documented guarantee with its details. Thread-safe:
 * every client and the fault injector write into it.
 */
final class ChaosReport {

    static final String REQUESTS = "requests sent";
    static final String ANSWERS_200 = "answers 200 (acknowledged increments)";
    static final String ERRORS_503_MSM = "errors 503 with Retry-After (msm: lock timeout, store unavailable, or a "
            + "change not written)";
    static final String ERRORS_503_OTHER = "errors 503 without Retry-After (Tomcat: context unavailable)";
    static final String ERRORS_UNDOCUMENTED = "errors undocumented (any other status or body)";
    static final String REFUSED = "connection refused (Tomcat down; retried on the other Tomcat)";
    static final String BROKEN = "connection broken after sending (outcome unknown; retried on the other Tomcat)";
    static final String STOPPING =
            "404 or 400 from a Tomcat stopping (connector paused, contexts stopped, connections open)";
    static final String LOST = "lost acknowledged increments";
    static final String JUMPS_BACK = "sessions that jumped back to an older value";
    static final String PHANTOM = "increments applied although answered with an error or never sent";
    static final String APPLIED_503 = "increments applied although msm answered 503 (a write that timed out but "
            + "reached the store; allowed)";
    static final String STICKY_FAILOVERS = "sticky failovers (the session's Tomcat died)";
    static final String STICKY_WITHIN_LAG = "sticky: acknowledged increments lost within the documented backup lag";
    static final String SESSIONS = "sessions used";
    static final String RECOVERIES = "recoveries awaited after a fault step";
    static final String FAULT_STEPS = "fault steps";

    private static final int KEPT_VIOLATIONS = 50;

    private final long seed;
    private final long startNanos;
    private final String reproduce;
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Queue<String> timeline = new ConcurrentLinkedQueue<>();
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger violationCount = new AtomicInteger();
    private final LongAccumulator slowestMillis = new LongAccumulator(Math::max, 0);

    /**
     * @param seed       the seed of the fault schedule and the clients
     * @param startNanos {@link System#nanoTime()} at the start, the origin of the times printed
     * @param reproduce  the system properties that repeat this run, e.g. {@code -Dmsm.chaos.seed=...}
     */
    ChaosReport(long seed, long startNanos, String reproduce) {
        this.seed = seed;
        this.startNanos = startNanos;
        this.reproduce = reproduce;
    }

    void count(String counter) {
        count(counter, 1);
    }

    void count(String counter, long n) {
        counters.computeIfAbsent(counter, k -> new LongAdder()).add(n);
    }

    long get(String counter) {
        LongAdder a = counters.get(counter);
        return a == null ? 0 : a.sum();
    }

    void answered(long millis) {
        slowestMillis.accumulate(millis);
    }

    /**
     * @param nanos a {@link System#nanoTime()} value
     * @return it as seconds since the start, e.g. {@code +12.345s}
     */
    String at(long nanos) {
        return String.format("+%.3fs", (nanos - startNanos) / 1e9);
    }

    /** Adds a line to the timeline (and to standard output, so that a long run shows its progress). */
    void event(String text) {
        String line = at(System.nanoTime()) + " " + text;
        timeline.add(line);
        System.out.println("[chaos] " + line);
    }

    /** Records a violation of a documented guarantee; the first {@value #KEPT_VIOLATIONS} are kept in full. */
    void violation(String text) {
        String line = at(System.nanoTime()) + " " + text;
        System.out.println("[chaos] VIOLATION " + line);
        if (violationCount.incrementAndGet() <= KEPT_VIOLATIONS) {
            violations.add(line);
        }
    }

    int violations() {
        return violationCount.get();
    }

    /**
     * @param title e.g. {@code Tomcat 11.0.25, non-sticky lockingMode=all}
     * @return every counter, the timeline of faults, the violations, the seed and how to reproduce the run
     */
    String summary(String title) {
        StringBuilder s = new StringBuilder("\n==== random faults: ").append(title).append(" ====\n");
        s.append("seed ").append(seed).append("; reproduce the schedule with ").append(reproduce).append('\n');
        List<String> order = List.of(REQUESTS, ANSWERS_200, ERRORS_503_MSM, ERRORS_503_OTHER, ERRORS_UNDOCUMENTED,
                REFUSED, BROKEN, STOPPING, SESSIONS, FAULT_STEPS, RECOVERIES, STICKY_FAILOVERS, STICKY_WITHIN_LAG, LOST,
                JUMPS_BACK, PHANTOM, APPLIED_503);
        for (String key : order) {
            s.append(String.format("  %-100s %8d%n", key, get(key)));
        }
        Map<String, Long> rest = new TreeMap<>();
        counters.forEach((k, v) -> {
            if (!order.contains(k)) {
                rest.put(k, v.sum());
            }
        });
        rest.forEach((k, v) -> s.append(String.format("  %-100s %8d%n", k, v)));
        s.append(String.format("  %-100s %8d%n", "slowest answer (ms)", slowestMillis.get()));
        s.append("timeline:\n");
        new ArrayList<>(timeline).forEach(l -> s.append("  ").append(l).append('\n'));
        s.append("violations: ").append(violationCount.get());
        if (violationCount.get() > KEPT_VIOLATIONS) {
            s.append(" (the first ").append(KEPT_VIOLATIONS).append(" below)");
        }
        s.append('\n');
        violations.forEach(l -> s.append("  ").append(l).append('\n'));
        s.append("seed ").append(seed).append("; reproduce with ").append(reproduce).append('\n');
        return s.toString();
    }
}

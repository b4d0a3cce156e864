package dev.msm.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import dev.msm.api.ServerProcess;

/**
 * The fault schedule of {@link RandomFaultsIT}: a sequence of steps drawn from one seeded {@link Random}. A step is a
 * fault on one memcached node, a fault on one Tomcat, or both overlapping; never both memcached nodes and never
 * both Tomcats at once. Every fault is bounded: a paused process is resumed, a killed one started again, within a
 * few seconds (a Tomcat's start takes what it takes, at most two minutes). After each step the injector waits until
 * the cluster has recovered (see {@link #run}) and then lets it run undisturbed for a moment.
 *
 * <p>Faults: {@code kill -9} of a memcached node and a restart (empty, same port) after up to 3 s; SIGSTOP of a
 * memcached node and SIGCONT after up to 4 s; {@code kill -9} of a Tomcat and a start after up to 2 s; SIGSTOP of a
 * Tomcat and SIGCONT after up to 3 s; a graceful restart of a Tomcat (SIGTERM, then start). Every process is one the
 * test started, addressed by its pid.
 *
 * <p>The waits between faults are the schedule itself ({@link LockSupport#parkNanos}), not waits for a condition.
 */
final class FaultInjector {

    static final String MEMCACHED_KILL = "faults: memcached kill -9, restarted empty";
    static final String MEMCACHED_PAUSE = "faults: memcached paused (SIGSTOP), resumed (SIGCONT)";
    static final String TOMCAT_KILL = "faults: Tomcat kill -9, started again";
    static final String TOMCAT_PAUSE = "faults: Tomcat paused (SIGSTOP), resumed (SIGCONT)";
    static final String TOMCAT_RESTART = "faults: Tomcat graceful restart (SIGTERM, start)";

    private final Random random;
    private final List<ServerProcess> memcached;
    private final List<String> nodeIds;
    private final List<TomcatInstance> tomcats;
    private final ChaosReport report;
    private final List<List<Death>> deaths = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
    private final ExecutorService episodes = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "chaos-episode");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param seed      the seed of the schedule
     * @param memcached the two memcached nodes
     * @param nodeIds   their ids, e.g. {@code n1, n2}
     * @param tomcats   the two Tomcats
     * @param report    where faults are counted and violations recorded
     */
    FaultInjector(long seed, List<ServerProcess> memcached, List<String> nodeIds, List<TomcatInstance> tomcats,
            ChaosReport report) {
        this.random = new Random(seed);
        this.memcached = memcached;
        this.nodeIds = nodeIds;
        this.tomcats = tomcats;
        this.report = report;
    }

    /** A kill or a graceful stop of a Tomcat: from the moment it was decided until the process was gone. */
    static final class Death {
        private final long start = System.nanoTime();
        private volatile long done = Long.MAX_VALUE;

        /** @return when the kill or stop was decided (a {@link System#nanoTime()} value) */
        long start() {
            return start;
        }

        /** @return when the process was gone, {@link Long#MAX_VALUE} while it is not yet */
        long done() {
            return done;
        }
    }

    /**
     * @param tomcat an index into the Tomcats
     * @param nanos  a {@link System#nanoTime()} value, e.g. when an answer of that Tomcat was received
     * @return the first kill or stop of that Tomcat that was not over at {@code nanos}, or {@code null}
     */
    Death firstDeathAfter(int tomcat, long nanos) {
        for (Death death : deaths.get(tomcat)) {
            if (death.done > nanos) {
                return death;
            }
        }
        return null;
    }

    /**
     * Injects fault steps until {@code deadlineNanos}. After each step every process runs again and
     * {@code awaitRecovery} is called with the time the step ended; it throws when the cluster does not recover in
     * time, which is recorded as a violation and ends the schedule.
     *
     * @param deadlineNanos  no step starts after this {@link System#nanoTime()}
     * @param awaitRecovery  waits (bounded) until the cluster recovered from a step that ended at the given time
     */
    void run(long deadlineNanos, LongConsumer awaitRecovery) {
        try {
            for (int step = 1; step <= 10_000 && System.nanoTime() < deadlineNanos; step++) {
                try {
                    runStep(step);
                } catch (RuntimeException e) {
                    report.violation("fault step " + step + " failed (the fixture could not heal it): " + e);
                    return;
                }
                long healed = System.nanoTime();
                try {
                    awaitRecovery.accept(healed);
                    report.count(ChaosReport.RECOVERIES);
                } catch (RuntimeException | AssertionError e) {
                    report.violation("no recovery after step " + step + ": " + e.getMessage());
                    return;
                }
                park(200 + random.nextInt(1800));
            }
        } finally {
            episodes.shutdownNow();
        }
    }

    private void runStep(int step) {
        report.count(ChaosReport.FAULT_STEPS);
        int shape = random.nextInt(5);
        Runnable memcachedEpisode = shape == 2 || shape == 3 ? null : memcachedEpisode();
        Runnable tomcatEpisode = shape == 0 || shape == 1 ? null : tomcatEpisode();
        long offset = random.nextInt(1500);
        report.event("step " + step + ": " + (memcachedEpisode == null ? "" : "memcached fault")
                + (memcachedEpisode != null && tomcatEpisode != null ? " and, " + offset + " ms later, " : "")
                + (tomcatEpisode == null ? "" : "Tomcat fault"));
        CompletableFuture<Void> first = memcachedEpisode == null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(memcachedEpisode, episodes);
        CompletableFuture<Void> second = CompletableFuture.completedFuture(null);
        if (tomcatEpisode != null) {
            if (memcachedEpisode != null) {
                park(offset);
            }
            second = CompletableFuture.runAsync(tomcatEpisode, episodes);
        }
        try {
            CompletableFuture.allOf(first, second).get(5, TimeUnit.MINUTES);
        } catch (TimeoutException e) {
            throw new IllegalStateException("fault step " + step + " did not end within 5 minutes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in fault step " + step, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("fault step " + step + " failed: " + e.getCause(), e.getCause());
        }
    }

    private Runnable memcachedEpisode() {
        int node = random.nextInt(2);
        boolean kill = random.nextBoolean();
        long hold = kill ? 100 + random.nextInt(2900) : 500 + random.nextInt(3500);
        ServerProcess server = memcached.get(node);
        String name = "memcached " + nodeIds.get(node);
        if (kill) {
            return () -> {
                report.event("kill -9 " + name + " (restart in " + hold + " ms)");
                report.count(MEMCACHED_KILL);
                server.kill();
                park(hold);
                server.start();
                report.event(name + " restarted (empty)");
            };
        }
        return pause(name, server::pid, MEMCACHED_PAUSE, hold);
    }

    private Runnable tomcatEpisode() {
        int index = random.nextInt(2);
        int kind = random.nextInt(3);
        TomcatInstance t = tomcats.get(index);
        String name = "Tomcat " + t.jvmRoute();
        if (kind == 0) {
            long down = random.nextInt(2000);
            return () -> {
                report.event("kill -9 " + name + " (start in " + down + " ms)");
                report.count(TOMCAT_KILL);
                endTomcat(index, t::kill);
                park(down);
                t.start();
                report.event(name + " started");
            };
        }
        if (kind == 1) {
            return pause(name, t::pid, TOMCAT_PAUSE, 500 + random.nextInt(2500));
        }
        return () -> {
            report.event("SIGTERM " + name + " (graceful restart)");
            report.count(TOMCAT_RESTART);
            endTomcat(index, t::stop);
            report.event(name + " stopped");
            t.start();
            report.event(name + " started");
        };
    }

    /** Kills or stops Tomcat {@code index}: a {@link Death} from now until its process is gone. */
    private void endTomcat(int index, Runnable killOrStop) {
        Death death = new Death();
        deaths.get(index).add(death);
        try {
            killOrStop.run();
        } finally {
            death.done = System.nanoTime();
        }
    }

    /** A pause of a process: SIGSTOP now (to its pid at that moment), SIGCONT after {@code hold} ms. */
    private Runnable pause(String name, LongSupplier pid, String counter, long hold) {
        return () -> {
            long stopped = pid.getAsLong();
            report.event("SIGSTOP " + name + " (pid " + stopped + ", resume in " + hold + " ms)");
            report.count(counter);
            signal("STOP", stopped);
            try {
                park(hold);
            } finally {
                signal("CONT", stopped);
                report.event("SIGCONT " + name);
            }
        };
    }

    /** Resumes every process of the cluster that may be paused (a failed step must not leave one stopped). */
    void resumeAll() {
        for (ServerProcess server : memcached) {
            if (server.isRunning()) {
                signal("CONT", server.pid());
            }
        }
        for (TomcatInstance t : tomcats) {
            if (t.isRunning()) {
                signal("CONT", t.pid());
            }
        }
    }

    /** The schedule's own pacing: a timed pause between two fault actions, not a wait for a condition. */
    private static void park(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left = until - System.nanoTime();
        for (int i = 0; i < 1000 && left > 0; i++) {
            LockSupport.parkNanos(left);
            left = until - System.nanoTime();
        }
    }

    /** Sends a signal to a process this test started, by its pid, with the system's {@code kill}. */
    static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + pid + " did not return within 10 s");
            }
            if (kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + pid, e);
        }
    }
}

package dev.msm.core;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Non-sticky mode's two background threads, daemon threads with msm's class loader: one for node repair and idle
 * trimming, and one of its own for renewing the store locks of running requests, so that a renewal never waits
 * behind repair work or a hung node's operation timeout (issue 14).
 */
final class EngineThreads implements AutoCloseable {

    private final ScheduledThreadPoolExecutor work;
    private final ScheduledThreadPoolExecutor locks;

    /**
     * @param name        the context's name, in the threads' names
     * @param renewMillis how often {@code renewLocks} runs
     * @param renewLocks  renews the locks held for at least the given number of milliseconds
     */
    EngineThreads(String name, long renewMillis, LongConsumer renewLocks) {
        this.work = daemon("msm-nonsticky-" + name);
        this.work.setRemoveOnCancelPolicy(true);
        this.locks = daemon("msm-locks-" + name);
        locks.scheduleWithFixedDelay(() -> renewLocks.accept(renewMillis / 2), renewMillis, renewMillis,
                TimeUnit.MILLISECONDS);
    }

    private static ScheduledThreadPoolExecutor daemon(String name) {
        return new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.setContextClassLoader(EngineThreads.class.getClassLoader());
            return t;
        });
    }

    /** @return the thread for repair and trimming work */
    Executor work() {
        return work;
    }

    /** Stops both threads, waiting a moment for work in progress. */
    @Override
    public void close() {
        locks.shutdownNow();
        work.shutdownNow();
        try {
            work.awaitTermination(2, TimeUnit.SECONDS);
            locks.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.msm.core;

import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.SerializationException;
import dev.msm.api.StoreException;

/**
 * Sticky mode's backups: after a request that may have changed its session, the session is serialized and, if its
 * bytes differ from the stored ones, written to the store (primary and backup copy in parallel).
 *
 * <p>Backups of one session never overlap and coalesce: while a backup is queued or running, further changes only
 * mark the session for one more backup, written no sooner than {@code sessionBackupInterval} after the previous
 * one started. A session changed by a request every millisecond is thus written at most once per interval, while a
 * session changed now and then is written at once. Serialization runs on the backup threads; a session mutated
 * while it is serialized ({@link ConcurrentModificationException}) is serialized again, never lost.
 */
final class StickyBackups {

    private static final Log log = LogFactory.getLog(StickyBackups.class);

    private static final int IDLE = 0;
    private static final int QUEUED = 1;
    private static final int RUNNING = 2;
    private static final int RUNNING_DIRTY = 3;
    private static final int SERIALIZATION_ATTEMPTS = 5;

    private final StoreProblems problems;
    private final SessionBytes bytes;
    private final SessionStorage storage;
    private final Statistics stats;
    private final long intervalNanos;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicInteger pending = new AtomicInteger();

    StickyBackups(StoreProblems problems, SessionBytes bytes, SessionStorage storage, Statistics stats,
            Duration interval, int threads, String name) {
        this.problems = problems;
        this.bytes = bytes;
        this.storage = storage;
        this.stats = stats;
        this.intervalNanos = interval.toNanos();
        AtomicInteger n = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "msm-backup-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(NonStickySessions.class.getClassLoader());
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);
    }

    ScheduledExecutorService executor() {
        return executor;
    }

    /**
     * Schedules a backup of a session that may have changed; coalesces with one already queued or running.
     */
    void schedule(MsmSession s) {
        while (true) {
            int state = s.backupState.get();
            switch (state) {
                case IDLE:
                    if (s.backupState.compareAndSet(IDLE, QUEUED)) {
                        long wait = s.lastBackupStart + intervalNanos - System.nanoTime();
                        submit(s, s.lastBackupStart == 0 ? 0 : Math.max(0, wait));
                        return;
                    }
                    break;
                case RUNNING:
                    if (s.backupState.compareAndSet(RUNNING, RUNNING_DIRTY)) {
                        stats.count(Statistics.Counter.BACKUPS_COALESCED);
                        return;
                    }
                    break;
                default:
                    stats.count(Statistics.Counter.BACKUPS_COALESCED);
                    return;
            }
        }
    }

    private void submit(MsmSession s, long delayNanos) {
        pending.incrementAndGet();
        try {
            executor.schedule(() -> run(s), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            pending.decrementAndGet();
            s.backupState.set(IDLE);
            log.debug("Backup of session [" + s.getIdInternal() + "] not scheduled: " + e);
        }
    }

    private void run(MsmSession s) {
        try {
            s.backupState.set(RUNNING);
            s.lastBackupStart = System.nanoTime();
            backupNow(s, null);
        } finally {
            pending.decrementAndGet();
            if (!s.backupState.compareAndSet(RUNNING, IDLE)) {
                s.backupState.set(QUEUED);
                submit(s, intervalNanos);
            }
        }
    }

    /**
     * Serializes and, if changed, writes a session now, in the calling thread.
     *
     * @param waitFor how long to wait for the primary write; {@code null} for the operation timeout
     * @return {@code true} if the stored copy is current afterwards
     */
    boolean backupNow(MsmSession s, Duration waitFor) {
        if (!s.isValidInternalState() || s.isTransientCopy()) {
            return true;
        }
        SessionId sid = s.sessionId();
        if (sid == null) {
            return true;
        }
        SessionCodec.Encoded encoded = null;
        long start = System.nanoTime();
        for (int attempt = 1; encoded == null; attempt++) {
            s.clearChangeFlags();
            try {
                encoded = bytes.encode(s);
            } catch (ConcurrentModificationException e) {
                // a request changed an attribute's collection while we serialized it: try again
                if (attempt >= SERIALIZATION_ATTEMPTS) {
                    s.markDirty();
                    log.debug("Session [" + sid + "] changed during each of " + attempt + " serializations; "
                            + "backup postponed");
                    return false;
                }
            } catch (SerializationException e) {
                s.markDirty();
                problems.reportUnserializable(s, e);
                return false;
            }
        }
        stats.time(Statistics.Timer.SERIALIZATION, start);
        if (s.unchanged(encoded.payload())) {
            stats.count(Statistics.Counter.WRITES_SKIPPED_UNCHANGED);
            return true;
        }
        try {
            if (waitFor == null) {
                storage.await(storage.write(sid, encoded.value(), s.getMaxInactiveInterval()));
            } else {
                storage.write(sid, encoded.value(), s.getMaxInactiveInterval())
                        .get(waitFor.toMillis(), TimeUnit.MILLISECONDS);
            }
            s.stored(encoded.payload(), false, System.currentTimeMillis());
            stats.time(Statistics.Timer.WRITE, start);
            return true;
        } catch (StoreException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            s.markDirty();
            stats.count(Statistics.Counter.WRITE_FAILURES);
            problems.storeProblem("Backup of session [" + sid + "] failed", e);
            return false;
        } catch (IllegalArgumentException e) {
            stats.count(Statistics.Counter.WRITE_FAILURES);
            problems.reportTooLarge(storage.codec, s, encoded.value().length, e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.markDirty();
            return false;
        }
    }

    /**
     * @return backups queued or running
     */
    int pending() {
        return pending.get();
    }

    /** Stops the backup threads after queued backups ran, waiting at most {@code wait}. */
    void shutdown(Duration wait) {
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(true);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}

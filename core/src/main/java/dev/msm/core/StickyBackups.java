package dev.msm.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.SerializationException;
import dev.msm.api.StoreException;
import dev.msm.core.codec.SessionCodec;
import dev.msm.core.keys.SessionId;

/**
 * Sticky mode's backups: after a request that may have changed its session, the session is serialized and, if its
 * bytes differ from the stored ones, written to the store (primary and backup copy in parallel).
 *
 * <p>A backup starts as soon as the request that changed the session ends. Backups of one session never overlap:
 * changes made while a backup of the session is in flight are written once, right after it completes. So the copy
 * in the store lags by at most one store round-trip, and a session changed by many requests at once is written
 * fewer times than it is changed. Serialization runs on the backup threads; a session mutated while it is
 * serialized ({@link ConcurrentModificationException}) is serialized again, never lost.
 *
 * <p>The request waits, at most {@code sessionBackupTimeout}, until the store acknowledged the write that covers its
 * change (one round-trip; a backup that can start at once is serialized and started on the request thread, which
 * waits anyway; one that follows a backup in flight runs on a backup thread): a Tomcat killed right after answering
 * loses nothing unless the store took longer than that. Waiting for the write to merely leave was not enough: the store
 * client's I/O thread may not have sent it yet when the process dies (issue 14: 2 of 10 such kills lost the last
 * change on Redis). Changes of several requests in flight at once still fold into one write, so writes never
 * outnumber requests. With a {@code sessionBackupInterval} above 0 (a trade of durability for throughput) backups
 * of one session start at most once per interval and the request does not wait.
 */
final class StickyBackups {

    private static final Log log = LogFactory.getLog(StickyBackups.class);

    private static final int SERIALIZATION_ATTEMPTS = 5;

    /**
     * One session's backup state; its monitor guards the fields and is held only for the transitions, never
     * around serialization or I/O.
     */
    static final class Slot {
        private static final int IDLE = 0;
        private static final int QUEUED = 1;
        private static final int RUNNING = 2;
        private static final int RUNNING_DIRTY = 3;

        private int state;
        /** Completed once the write of the run that covers every change made until now completed. */
        private CompletableFuture<Void> next;
        private long lastStart;
        private boolean started;
        /** The write of the backup in flight (or the last one); a stop waits for it. */
        private CompletableFuture<Void> inFlight;

        /** @return whether no backup of the session is queued or running */
        synchronized boolean idle() {
            return state == IDLE;
        }
    }

    private final StoreProblems problems;
    private final EngineClock clock;
    private final SessionBytes bytes;
    private final SessionStorage storage;
    private final Statistics stats;
    private final long intervalNanos;
    private final Duration requestWait;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicInteger pending = new AtomicInteger();

    /**
     * @param interval    minimum time between the starts of two backups of one session; 0 for none
     * @param requestWait how long a request waits for its backup's write to leave; 0 not at all
     */
    StickyBackups(StoreProblems problems, SessionBytes bytes, SessionStorage storage, Statistics stats,
            Duration interval, Duration requestWait, int threads, String name, EngineClock clock) {
        this.problems = problems;
        this.clock = clock;
        this.bytes = bytes;
        this.storage = storage;
        this.stats = stats;
        this.intervalNanos = interval.toNanos();
        this.requestWait = intervalNanos > 0 ? Duration.ZERO : requestWait;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "msm-backup-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(StickyBackups.class.getClassLoader());
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);
    }

    ScheduledExecutorService executor() {
        return executor;
    }

    /**
     * A request that may have changed {@code s} ends: starts its backup, or folds the change into the one queued or
     * in flight, then waits (bounded) until the store acknowledged the write that covers the change.
     */
    void afterRequest(MsmSession s) {
        CompletableFuture<Void> written = schedule(s, !requestWait.isZero());
        if (requestWait.isZero() || written.isDone()) {
            return;
        }
        try {
            written.get(requestWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the backup goes on in the background; the store's copy lags a little longer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Schedules a backup of a session that may have changed; coalesces with one queued, or follows one in flight.
     *
     * @return completed once the write covering the session's current state completed (or was not needed)
     */
    CompletableFuture<Void> schedule(MsmSession s) {
        return schedule(s, false);
    }

    /**
     * @param inline start a backup that may start at once in the calling thread: a request that waits for its
     *               backup anyway saves two thread hand-offs (serialization then runs on the request thread; the
     *               write's completion still releases every request it covers)
     */
    private CompletableFuture<Void> schedule(MsmSession s, boolean inline) {
        Slot slot = s.backup;
        CompletableFuture<Void> written;
        long delay = -1;
        synchronized (slot) {
            switch (slot.state) {
                case Slot.IDLE:
                    slot.state = Slot.QUEUED;
                    slot.next = new CompletableFuture<>();
                    delay = !slot.started ? 0 : Math.max(0, slot.lastStart + intervalNanos - clock.nanos());
                    break;
                case Slot.RUNNING:
                    // the run in flight may have serialized before this change: one more run follows it
                    slot.state = Slot.RUNNING_DIRTY;
                    slot.next = new CompletableFuture<>();
                    stats.count(Statistics.Counter.BACKUPS_COALESCED);
                    break;
                default:
                    stats.count(Statistics.Counter.BACKUPS_COALESCED);
                    break;
            }
            written = slot.next;
        }
        if (delay == 0 && inline) {
            pending.incrementAndGet();
            try {
                run(s);
            } catch (RuntimeException e) {
                // as on a backup thread: the session stays dirty and the next request's backup tries again
                log.debug("Backup of session [" + s.getIdInternal() + "] failed: " + e);
            }
        } else if (delay >= 0) {
            submit(s, delay);
        }
        return written;
    }

    private void submit(MsmSession s, long delayNanos) {
        pending.incrementAndGet();
        try {
            executor.schedule(() -> run(s), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            pending.decrementAndGet();
            CompletableFuture<Void> waiting;
            synchronized (s.backup) {
                s.backup.state = Slot.IDLE;
                waiting = s.backup.next;
                s.backup.next = null;
            }
            if (waiting != null) {
                waiting.complete(null);
            }
            log.debug("Backup of session [" + s.getIdInternal() + "] not scheduled: " + e);
        }
    }

    /**
     * Serializes the session and hands its write to the store. The thread does not wait for the store's answer:
     * the backup stays in flight until the write completes (the store's futures always complete, within the
     * operation timeout), so a hung node holds up no backup thread and no other session's backup.
     */
    private void run(MsmSession s) {
        Slot slot = s.backup;
        CompletableFuture<Void> covered;
        synchronized (slot) {
            slot.state = Slot.RUNNING;
            slot.lastStart = clock.nanos();
            slot.started = true;
            covered = slot.next;
            slot.next = null;
        }
        CompletableFuture<Void> write = null;
        try {
            long start = clock.nanos();
            SessionCodec.Encoded encoded = encode(s);
            if (encoded != null) {
                write = start(s, encoded, start);
                if (write != null) {
                    synchronized (slot) {
                        slot.inFlight = write;
                    }
                }
            }
        } finally {
            if (write == null) {
                finish(s, covered);
            } else {
                write.whenComplete((ok, e) -> finish(s, covered));
            }
        }
    }

    /**
     * The backup in flight completed: releases the requests it covered and starts the one that follows it, if
     * changes came meanwhile.
     */
    private void finish(MsmSession s, CompletableFuture<Void> covered) {
        if (covered != null) {
            covered.complete(null);
        }
        pending.decrementAndGet();
        boolean again;
        synchronized (s.backup) {
            again = s.backup.state == Slot.RUNNING_DIRTY;
            s.backup.state = again ? Slot.QUEUED : Slot.IDLE;
        }
        if (again) {
            submit(s, intervalNanos);
        }
    }

    /**
     * Serializes and, if changed, writes a session now, in the calling thread.
     *
     * @param waitFor how long to wait for the primary write
     * @return {@code true} if the stored copy is current afterwards
     */
    boolean backupNow(MsmSession s, Duration waitFor) {
        long start = clock.nanos();
        SessionCodec.Encoded encoded = encode(s);
        if (encoded == null) {
            return !s.isDirty();
        }
        CompletableFuture<Void> write = start(s, encoded, start);
        if (write == null) {
            return false;
        }
        try {
            write.get(waitFor.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.markDirty();
            return false;
        }
    }

    /**
     * Serializes a session for a write.
     *
     * @return the encoded session; {@code null} when there is nothing to write (unchanged, invalid, or it cannot be
     *         serialized now, then it stays dirty)
     */
    private SessionCodec.Encoded encode(MsmSession s) {
        if (!s.isValidInternalState() || s.isTransientCopy()) {
            return null;
        }
        SessionId sid = s.sessionId();
        if (sid == null) {
            return null;
        }
        SessionCodec.Encoded encoded = null;
        long start = clock.nanos();
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
                    return null;
                }
            } catch (SerializationException e) {
                s.markDirty();
                problems.reportUnserializable(s, e);
                return null;
            }
        }
        stats.time(Statistics.Timer.SERIALIZATION, start);
        if (s.unchanged(encoded.payload())) {
            stats.count(Statistics.Counter.WRITES_SKIPPED_UNCHANGED);
            return null;
        }
        return encoded;
    }

    /**
     * Hands an encoded session's write to the store; its outcome is recorded on the session when it completes.
     *
     * @return the primary write, completing normally once it succeeded and recorded; {@code null} if it was refused
     *         at once (too large)
     */
    private CompletableFuture<Void> start(MsmSession s, SessionCodec.Encoded encoded, long start) {
        SessionId sid = s.sessionId();
        CompletableFuture<Void> write;
        try {
            write = storage.write(sid, encoded.value(), s.getMaxInactiveInterval());
        } catch (IllegalArgumentException e) {
            stats.count(Statistics.Counter.WRITE_FAILURES);
            problems.reportTooLarge(storage.codec, s, encoded.value().length, e);
            return null;
        } catch (StoreException e) {
            write = CompletableFuture.failedFuture(e);
        }
        return write.whenComplete((ok, e) -> {
            if (e == null) {
                s.stored(encoded.payload(), false, clock.millis());
                stats.time(Statistics.Timer.WRITE, start);
            } else {
                stats.count(Statistics.Counter.WRITE_FAILURES);
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof IllegalArgumentException tooLarge) {
                    problems.reportTooLarge(storage.codec, s, encoded.value().length, tooLarge);
                    return;
                }
                s.markDirty();
                problems.storeProblem("Backup of session [" + sid + "] failed",
                        cause instanceof Exception ex ? ex : new StoreException(cause.toString()));
            }
        });
    }

    /**
     * Context stop or reload: writes every session of {@code sessions} that may have changed, all in parallel,
     * waiting for them (and for backups already running) until {@code deadline} at most. What could not be written
     * by then is logged once, with a count.
     *
     * @param deadline {@link EngineClock#nanos()} by which stopping goes on whatever is left
     */
    void flush(List<MsmSession> sessions, long deadline) {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        int notSerialized = 0;
        for (MsmSession s : sessions) {
            if (s.isTransientCopy()) {
                continue;
            }
            CompletableFuture<Void> inFlight;
            synchronized (s.backup) {
                inFlight = s.backup.inFlight;
            }
            boolean flying = inFlight != null && !inFlight.isDone();
            SessionCodec.Encoded encoded = s.isMaybeDirty() ? encode(s) : null;
            if (encoded == null) {
                if (s.isDirty()) {
                    notSerialized++;
                }
                if (flying) {
                    writes.add(inFlight); // the backup started before the stop is what the store will hold
                }
                continue;
            }
            CompletableFuture<Void> write;
            if (flying) {
                // the newer copy is written after the one in flight, never overtaken by it
                write = inFlight.handle((ok, e) -> null).thenCompose(x -> {
                    CompletableFuture<Void> w = start(s, encoded, clock.nanos());
                    return w == null ? CompletableFuture.failedFuture(new StoreException("not stored")) : w;
                });
            } else {
                write = start(s, encoded, clock.nanos());
            }
            if (write == null) {
                notSerialized++;
            } else {
                writes.add(write);
            }
        }
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(true);
        executor.shutdown();
        try {
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadline - clock.nanos()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // counted below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (!executor.awaitTermination(Math.max(0, deadline - clock.nanos()), TimeUnit.NANOSECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        long failed = writes.stream().filter(w -> !w.isDone() || w.isCompletedExceptionally()).count();
        if (failed + notSerialized > 0) {
            problems.contextLog().warn("[" + (failed + notSerialized) + "] of [" + sessions.size() + "] sessions "
                    + "were not stored at stop (" + failed + " writes failed or did not finish in time, "
                    + notSerialized + " not serializable or too large); they keep their last stored copy");
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

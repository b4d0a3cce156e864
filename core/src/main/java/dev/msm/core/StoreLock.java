package dev.msm.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.core.keys.SessionId;

/**
 * One store lock of one session: a key added atomically with a token only this holder knows. {@link #close()} is the
 * one place a lock is released, at most once, and only if it was obtained; everything else (hand-over between
 * requests of this Tomcat, release pipelined after the write, release when the session moved) decides only
 * <em>when</em> to close it.
 *
 * <p>Thread-safe: an async request may release on another thread than the one that locked.
 */
final class StoreLock implements AutoCloseable {

    private static final Log log = LogFactory.getLog(StoreLock.class);

    private final SessionStorage storage;
    private final SessionId id;
    private final byte[] token;
    private final int seconds;
    /**
     * The lock key's time to live in the store: {@code seconds} plus one, because memcached expires items on a
     * whole-second clock (an item of 2 s may go after 1 s). So the lock outlives a dead holder by at least
     * {@code seconds} (memcached: at most one more), and a renewal late by most of {@code seconds} still finds it.
     */
    private final int ttl;
    private final EngineClock clock;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean held;
    private volatile long renewedAt;
    /** When the store last confirmed the lock (acquired, or a renewal found it), ms. */
    private volatile long confirmedAt;
    private final AtomicBoolean lost = new AtomicBoolean();

    /**
     * @param id      the session id whose lock key is taken
     * @param seconds how long the lock outlives its holder in the store, at least, if the holder dies
     */
    StoreLock(SessionStorage storage, SessionId id, int seconds, EngineClock clock) {
        this.storage = storage;
        this.id = id;
        this.seconds = seconds;
        this.ttl = seconds + 1;
        this.clock = clock;
        this.token = (UUID.randomUUID() + "@" + storage.writer).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Tries to take the lock (not waiting for it).
     *
     * @return completes with whether the lock is held now
     */
    CompletableFuture<Boolean> tryAcquire() {
        return storage.lock(id, token, ttl);
    }

    /** The store said yes: this holder owns the lock from now until {@link #close()}. */
    void acquired() {
        held = true;
        renewedAt = clock.millis();
        confirmedAt = renewedAt;
    }

    /** @return the id whose lock this is */
    SessionId id() {
        return id;
    }

    /** @return whether the lock is held and not yet released */
    boolean isHeld() {
        return held && !released.get();
    }

    /**
     * Extends the lock's life when the last renewal is at least {@code every} milliseconds ago, after checking that
     * the key still holds this holder's token (two operations, off the request path): a key gone or holding another
     * token means the lock expired (and someone else may hold it now), which marks it lost ({@link #mayBeLost()}),
     * counted and logged once per lock.
     *
     * @return whether a renewal was sent
     */
    boolean renewIfDue(long every) {
        long now = clock.millis();
        if (!isHeld() || now - renewedAt < every) {
            return false;
        }
        renewedAt = now;
        // the holder is checked first: a touch alone would also extend someone else's lock of the same key
        storage.lockHolder(id).thenCompose(holder -> {
            if (holder == null) {
                markLost("its renewal found it expired");
                return CompletableFuture.completedFuture(false);
            }
            if (!Arrays.equals(holder, token)) {
                markLost("another request holds it now");
                return CompletableFuture.completedFuture(false);
            }
            return storage.renewLock(id, ttl);
        }).whenComplete((renewed, e) -> {
            if (Boolean.TRUE.equals(renewed)) {
                confirmedAt = Math.max(confirmedAt, now);
            }
            // no answer (a hung node): not confirmed; mayBeLost() says so once the lock may have expired
        });
        return true;
    }

    private void markLost(String why) {
        if (isHeld() && lost.compareAndSet(false, true)) {
            storage.stats.count(Statistics.Counter.LOCKS_LOST);
            if (log.isWarnEnabled()) {
                log.warn("Lock of session [" + id + "] was lost while its request ran (" + why + "); the request's "
                        + "write is checked before it is done");
            }
        }
    }

    /**
     * @return whether the lock may have expired in the store: a renewal found it gone, or the store has not confirmed
     *         it for nearly its whole life (renewals unanswered, or this Tomcat paused); a write under it must be
     *         checked first ({@link #reconfirm})
     */
    boolean mayBeLost() {
        // the store keeps the lock at least `seconds` after a confirmation (see ttl); checked a second before that
        long margin = Math.max(500, seconds * 1000L - 1000);
        return isHeld() && (lost.get() || clock.millis() - confirmedAt >= margin);
    }

    /**
     * Before a write under a lock that {@link #mayBeLost()}: holds the lock again (still ours, or taken anew
     * because it expired) and checks that the session's stored value is still the one this request loaded (no one
     * wrote it meanwhile). One round-trip (two pipelined reads), plus the lock's add when it had expired; only on this
     * abnormal path.
     *
     * @param loaded the stored value the request's session was loaded from, {@code null} when unknown
     * @return whether the write may go ahead
     */
    boolean reconfirm(byte[] loaded) {
        CompletableFuture<byte[]> holder = storage.lockHolder(id);
        CompletableFuture<byte[]> current = loaded == null ? null : storage.load(id, -1);
        byte[] h = storage.await(holder);
        if (h == null) {
            if (!storage.await(storage.lock(id, token, ttl))) {
                return false;
            }
        } else if (!Arrays.equals(h, token)) {
            markLost("another request holds it now");
            return false;
        }
        if (current != null && !Arrays.equals(storage.await(current), loaded)) {
            markLost("the session was written meanwhile");
            return false;
        }
        confirmedAt = clock.millis();
        lost.set(false);
        return true;
    }

    /** Releases the lock in the store if it was obtained; only the first call does anything. */
    @Override
    public void close() {
        if (released.compareAndSet(false, true) && held) {
            storage.unlock(id, token);
        }
    }
}

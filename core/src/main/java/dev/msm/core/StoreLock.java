package dev.msm.core;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One store lock of one session: a key added atomically with a token only this holder knows. {@link #close()} is the
 * one place a lock is released, at most once, and only if it was obtained; everything else (hand-over between
 * requests of this Tomcat, release pipelined after the write, release when the session moved) decides only
 * <em>when</em> to close it.
 *
 * <p>Thread-safe: an async request may release on another thread than the one that locked.
 */
final class StoreLock implements AutoCloseable {

    private final SessionStorage storage;
    private final SessionId id;
    private final byte[] token;
    private final int seconds;
    private final EngineClock clock;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean held;
    private volatile long renewedAt;

    /**
     * @param id      the session id whose lock key is taken
     * @param seconds the lock's life in the store if its holder dies
     */
    StoreLock(SessionStorage storage, SessionId id, int seconds, EngineClock clock) {
        this.storage = storage;
        this.id = id;
        this.seconds = seconds;
        this.clock = clock;
        this.token = (UUID.randomUUID() + "@" + storage.writer).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Tries to take the lock (not waiting for it).
     *
     * @return completes with whether the lock is held now
     */
    CompletableFuture<Boolean> tryAcquire() {
        return storage.lock(id, token, seconds);
    }

    /** The store said yes: this holder owns the lock from now until {@link #close()}. */
    void acquired() {
        held = true;
        renewedAt = clock.millis();
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
     * Extends the lock's life when the last renewal is at least {@code every} milliseconds ago.
     *
     * @return whether a renewal was sent
     */
    boolean renewIfDue(long every) {
        long now = clock.millis();
        if (!isHeld() || now - renewedAt < every) {
            return false;
        }
        renewedAt = now;
        storage.renewLock(id, seconds);
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

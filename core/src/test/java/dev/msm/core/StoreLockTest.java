package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The store lock handle: released once and only when obtained, renewed on the clock's schedule. */
class StoreLockTest {

    private final EngineFixture f = new EngineFixture();
    private final SessionId id = f.ids.create(UUID.randomUUID().toString().replace("-", ""), "n1");
    private final byte[] other = "other-owner".getBytes(StandardCharsets.US_ASCII);

    private StoreLock obtained(int seconds) {
        StoreLock lock = new StoreLock(f.storage, id, seconds, f.clock);
        assertTrue(f.storage.await(lock.tryAcquire()));
        lock.acquired();
        return lock;
    }

    private boolean lockedByAnyone() {
        boolean free = f.storage.await(f.storage.lock(id, other, 5));
        if (free) {
            f.storage.unlock(id, other);
        }
        return !free;
    }

    @Test
    void close_CalledTwice_ReleasesTheLockExactlyOnce() {
        StoreLock lock = obtained(5);
        assertTrue(lockedByAnyone());
        lock.close();
        lock.close();
        assertEquals(1, f.store.count("deleteIfEquals"));
        assertFalse(lock.isHeld());
        assertFalse(lockedByAnyone(), "the lock is still held after close");
    }

    @Test
    void close_OfALockNeverObtained_LeavesTheOwnersLockAlone() {
        assertTrue(f.storage.await(f.storage.lock(id, other, 5)));
        StoreLock lock = new StoreLock(f.storage, id, 5, f.clock);
        assertFalse(f.storage.await(lock.tryAcquire()));
        lock.close();
        assertEquals(0, f.store.count("deleteIfEquals"));
        assertFalse(f.storage.await(f.storage.lock(id, other, 5)), "the owner's lock was released");
    }

    @Test
    void renewIfDue_RenewsAfterTheInterval_AndKeepsALongRequestsLock() {
        StoreLock lock = obtained(2);
        assertFalse(lock.renewIfDue(1000));
        f.clock.advance(Duration.ofMillis(1000));
        assertTrue(lock.renewIfDue(1000));
        assertFalse(lock.renewIfDue(1000), "renewed twice in one interval");
        assertEquals(1, f.store.count("touch"));
        f.clock.advance(Duration.ofMillis(1500)); // 2.5 s after locking, 1.5 s after the renewal
        assertTrue(lockedByAnyone(), "the renewed lock expired");
        f.clock.advance(Duration.ofMillis(1000)); // not renewed for 2.5 s: the store lets it go
        assertFalse(lockedByAnyone(), "an abandoned lock never expires");
    }

    @Test
    void renewIfDue_AfterClose_SendsNothing() {
        StoreLock lock = obtained(2);
        lock.close();
        f.clock.advance(Duration.ofSeconds(5));
        assertFalse(lock.renewIfDue(1000));
        assertEquals(0, f.store.count("touch"));
    }
}

package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.msm.api.Unit;
import dev.msm.core.keys.SessionId;

/** The store lock handle: released once and only when obtained, renewed on the clock's schedule. */
@Unit
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
        f.clock.advance(Duration.ofMillis(2500)); // 3.5 s after locking, 2.5 s after the renewal
        assertTrue(lockedByAnyone(), "the renewed lock expired");
        f.clock.advance(Duration.ofMillis(1000)); // not renewed for 3.5 s (2 s + 1 s of whole-second margin): gone
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

    @Test
    void renewalFindsTheLockExpired_MarksItLost_AndAWriteIsRefusedOnceSomeoneElseTookIt_Issue14() {
        StoreLock lock = obtained(5);
        assertFalse(lock.mayBeLost());
        f.clock.advance(Duration.ofSeconds(7)); // the lock expired in the store (a hang, a paused JVM)
        assertTrue(lock.mayBeLost(), "a lock unconfirmed for its whole life must be checked before a write");
        assertTrue(f.storage.await(f.storage.lock(id, other, 5)), "someone else takes the expired lock");
        lock.renewIfDue(0);
        assertEquals(1, f.stats.get(Statistics.Counter.LOCKS_LOST));
        assertFalse(lock.reconfirm(null), "the write would overwrite the other holder's session");
        lock.close();
        assertTrue(lockedByAnyone(), "the other holder's lock was released");
    }

    /** The session as the request loaded it is in the store; then the lock expires there (a hang, a paused JVM). */
    private byte[] loadedThenLockExpired() {
        byte[] loaded = "v1".getBytes(StandardCharsets.US_ASCII);
        f.storage.await(f.store.set("n1", f.storage.keys().session(id), loaded, 60));
        f.clock.advance(Duration.ofSeconds(7));
        return loaded;
    }

    @Test
    void lockExpiredButNoOneWroteSince_ReconfirmTakesItAgain_AndTheWriteGoesAhead() {
        StoreLock lock = obtained(5);
        byte[] loaded = loadedThenLockExpired();
        assertTrue(lock.mayBeLost());
        assertTrue(lock.reconfirm(loaded));
        assertFalse(lock.mayBeLost());
        assertTrue(lockedByAnyone(), "the lock was not taken again");
    }

    @Test
    void lockExpired_SomeoneLockedWroteAndUnlockedMeanwhile_ReconfirmRefusesTheWrite() {
        StoreLock lock = obtained(5);
        byte[] loaded = loadedThenLockExpired();
        f.storage.await(f.store.set("n1", f.storage.keys().session(id), "v2".getBytes(StandardCharsets.US_ASCII),
                60));
        assertFalse(lock.reconfirm(loaded));
        lock.close();
        assertFalse(lockedByAnyone(), "the lock taken again for the check was kept");
    }
}

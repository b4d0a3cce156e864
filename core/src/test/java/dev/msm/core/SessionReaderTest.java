package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.msm.api.StoreTimeoutException;
import dev.msm.api.Unit;
import dev.msm.core.keys.SessionId;
import dev.msm.core.memory.MemoryStores;

/** The one read/failover loop of non-sticky mode, locked and unlocked, with the in-memory store and a manual clock. */
@Unit
class SessionReaderTest {

    private final EngineFixture f = new EngineFixture();
    private final SessionReader reader = new SessionReader(f.storage, f.tracker, f.epochs, f.clock, 5);

    private CompletableFuture<byte[]> timeout(String node, boolean markDown) {
        if (markDown) {
            MemoryStores.setAvailable(f.store.delegate(), node, false); // the store's hang detector marks it down
        }
        return CompletableFuture.failedFuture(new StoreTimeoutException(node, "memory node [" + node + "]",
                Duration.ofMillis(200), null));
    }

    private int reads() {
        return f.store.count("get") + f.store.count("getAndTouch");
    }

    private static int count(MsmSession s) {
        return (Integer) s.attributeValue("count");
    }

    @Test
    void primaryNodeDown_ReadsTheBackupCopy_UnderTheMovedId() {
        MsmSession s = f.storedSession("n1", 1800);
        MemoryStores.setAvailable(f.store.delegate(), "n1", false);
        SessionReader.Outcome out = reader.read(s.sessionId(), 1800, null);
        assertFalse(out.unavailable());
        assertTrue(out.read().fromBackup());
        assertEquals("n2", out.read().id().node());
        assertEquals(41, count(f.bytes.toSession(out.read(), out.read().id().full(), false, false)));
    }

    @Test
    void timeoutOnANodeTheStoreNowReportsDown_ReadsTheBackupCopy_Issue14() {
        MsmSession s = f.storedSession("n1", 1800);
        f.store.failReads("n1", (node, key) -> timeout(node, true));
        SessionReader.Outcome out = reader.read(s.sessionId(), 1800, null);
        assertFalse(out.unavailable(), "answered 503 although the backup copy is there");
        assertNotNull(out.read());
        assertTrue(out.read().fromBackup());
        assertEquals("n2", out.read().id().node());
        assertEquals(41, count(f.bytes.toSession(out.read(), out.read().id().full(), false, false)));
    }

    @Test
    void timeoutOnANodeStillAvailable_IsUnavailable_TheSlowNodeKeepsTheSession() {
        MsmSession s = f.storedSession("n1", 1800);
        f.store.failReads("n1", (node, key) -> timeout(node, false));
        SessionReader.Outcome out = reader.read(s.sessionId(), 1800, null);
        assertTrue(out.unavailable());
        assertTrue(out.cause() instanceof StoreTimeoutException);
        assertEquals(0, f.stats.get(Statistics.Counter.BACKUP_LOADS));
    }

    @Test
    void lockedRead_TimeoutOnANodeTheStoreNowReportsDown_LocksAndReadsWhereTheSessionMoves() {
        MsmSession s = f.storedSession("n1", 1800);
        f.store.failReads("n1", (node, key) -> timeout(node, true));
        SessionReader.Outcome out = reader.read(s.sessionId(), 1800, reader.new LockWait(1_000_000_000L));
        assertNotNull(out.read());
        assertTrue(out.read().fromBackup());
        assertNotNull(out.lock());
        assertTrue(out.lock().isHeld());
        assertEquals("n2", out.lock().id().node());
        out.lock().close();
        assertEquals(1, f.store.count("deleteIfEquals"));
    }

    @Test
    void lockedRead_LockHeldElsewhere_TimesOutOnTheClock() {
        MsmSession s = f.storedSession("n1", 1800);
        assertTrue(f.storage.await(f.storage.lock(s.sessionId(), "other".getBytes(StandardCharsets.US_ASCII), 30)));
        long before = f.clock.nanos();
        SessionReader.Outcome out = reader.read(s.sessionId(), 1800, reader.new LockWait(300_000_000L));
        assertTrue(out.lockTimedOut());
        assertNull(out.lock());
        assertTrue(f.clock.nanos() - before >= 300_000_000L, "gave up before the lock timeout");
        assertTrue(f.stats.get(Statistics.Counter.LOCK_WAITS) > 1);
        assertEquals(0, f.store.count("deleteIfEquals"), "released a lock it never had");
    }

    @Test
    void read_WithinTheSlackOfTheLastRefresh_IsAPlainGet_AfterItAGetAndTouch() {
        MsmSession s = f.storedSession("n1", 100);
        long now = f.clock.millis();
        f.tracker.track(s, s.sessionId(), now, now, now);
        assertFalse(reader.read(s.sessionId(), 1800, null).refreshed());
        assertEquals(0, f.store.count("getAndTouch"));
        f.clock.advance(Duration.ofSeconds(TimeToLive.slack(100)));
        assertTrue(reader.read(s.sessionId(), 1800, null).refreshed());
        assertEquals(1, f.store.count("getAndTouch"));
    }

    /** The session of {@code s} moved to n2 with count 43 while n1 hung; a tombstone under its old backup key. */
    private SessionId moveWhileHung(MsmSession s) {
        SessionId old = s.sessionId();
        SessionId moved = old.withNode("n2");
        s.restoreState(new Object[] {new java.util.HashMap<>(java.util.Map.of("count", 43)), null, null,
            new java.util.HashMap<>()});
        s.setIdDetached(moved.full());
        f.storage.await(f.storage.write(moved, f.bytes.encode(s).value(), 1800));
        f.storage.leaveTombstone(old, moved, 1800);
        return moved;
    }

    @Test
    void hungNodeResumesWithItsOldCopy_ReadOfTheOldId_FollowsTheMove_NeverTheStaleCopy_Issue14() {
        MsmSession s = f.storedSession("n1", 1800);
        SessionId old = s.sessionId();
        f.clock.advance(Duration.ofSeconds(5));
        MemoryStores.setAvailable(f.store.delegate(), "n1", false);
        f.epochs.fence("n1");
        f.clock.advance(Duration.ofSeconds(5));
        SessionId moved = moveWhileHung(s);
        MemoryStores.setAvailable(f.store.delegate(), "n1", true); // resumes, still holding count 41

        for (SessionReader.LockWait wait : new SessionReader.LockWait[] {null, reader.new LockWait(1_000_000_000L)}) {
            SessionReader.Outcome out = reader.read(old, 1800, wait);
            assertNotNull(out.read());
            assertEquals(moved.base(), out.read().id().base());
            assertEquals(43, count(f.bytes.toSession(out.read(), out.read().id().full(), false, false)));
            if (out.lock() != null) {
                assertEquals(moved.base(), out.lock().id().base(), "locked the stale id");
                out.lock().close();
            }
        }
        assertTrue(f.stats.get(Statistics.Counter.STALE_COPIES) >= 2);
    }

    @Test
    void copyWrittenBeforeTheFence_NotMoved_IsConfirmedOnce_ThenPlainReads() {
        MsmSession s = f.storedSession("n1", 1800);
        f.clock.advance(Duration.ofSeconds(5));
        f.epochs.fence("n1");
        int before = reads();
        assertEquals(41, count(f.bytes.toSession(reader.read(s.sessionId(), 1800, null).read(), s.getIdInternal(),
                false, false)));
        int first = reads() - before;
        assertNotNull(reader.read(s.sessionId(), 1800, null).read());
        int second = reads() - before - first;
        assertTrue(first >= 2, "the copy from before the fence was not confirmed against its backup key");
        assertEquals(1, second, "a confirmed copy costs one get");
    }

    @Test
    void fencePublishedOnTheLiveNodes_LearnedByATomcatThatDidNotSeeTheOutage() {
        EngineFixture other = f.sharing("b");
        f.clock.advance(Duration.ofSeconds(5));
        f.epochs.fence("n1");
        assertEquals(Long.MIN_VALUE, other.epochs.fencedAt("n1"));
        other.epochs.learnFence("n1");
        assertEquals(f.clock.millis(), other.epochs.fencedAt("n1"));
    }

    @Test
    void relocatingRead_FindsACopyLeftFromAnEarlierStayOnTheTargetNode_UsesTheNewerBackupCopy_Issue14() {
        MsmSession s = f.storedSession("n1", 1800);
        SessionId there = s.sessionId().withNode("n2");
        MsmSession stale = f.newSession();
        stale.setValid(true);
        stale.setMaxInactiveInterval(1800);
        stale.restoreState(new Object[] {new java.util.HashMap<>(java.util.Map.of("count", 10)), null, null,
            new java.util.HashMap<>()});
        stale.setIdDetached(there.full());
        // the session lived on n2 before, with count 10 (written earlier than the current copy)
        f.storage.await(f.storage.write(there, f.bytes.encode(stale).value(), 1800));
        f.writeLater(s);
        MemoryStores.setAvailable(f.store.delegate(), "n1", false);
        SessionReader.Outcome out = reader.read(s.sessionId(), 1800, null);
        assertNotNull(out.read());
        assertEquals(there.base(), out.read().id().base());
        assertTrue(out.read().fromBackup(), "the stale copy was not replaced by the backup copy");
        assertEquals(41, count(f.bytes.toSession(out.read(), out.read().id().full(), false, false)));
        assertEquals(1, f.stats.get(Statistics.Counter.STALE_COPIES));
    }

    @Test
    void relocatingRead_FindsTheCopyOfARequestThatMovedTheSessionFirst_UsesIt() {
        MsmSession s = f.storedSession("n1", 1800);
        SessionId there = s.sessionId().withNode("n2");
        s.restoreState(new Object[] {new java.util.HashMap<>(java.util.Map.of("count", 42)), null, null,
            new java.util.HashMap<>()});
        s.setIdDetached(there.full());
        f.writeLater(s); // another Tomcat moved it
        MemoryStores.setAvailable(f.store.delegate(), "n1", false);
        SessionReader.Outcome out = reader.read(s.sessionId().withNode("n1"), 1800, null);
        assertFalse(out.read().fromBackup());
        assertEquals(42, count(f.bytes.toSession(out.read(), out.read().id().full(), false, false)));
    }

    /**
     * Reads {@code s} after the node {@code restarted} came back empty (losing its copy) {@code since} ago, while
     * {@code hung} does not answer.
     */
    private SessionReader.Outcome readAfterRestart(MsmSession s, String restarted, Duration since, String hung) {
        SessionId id = s.sessionId();
        String key = restarted.equals(id.node()) ? f.storage.keys().session(id) : f.storage.keys().backup(id);
        f.storage.await(f.store.delegate().delete(restarted, key));
        f.clock.advance(since);
        MemoryStores.setAvailable(f.store.delegate(), hung, false);
        return reader.read(id, 1800, null);
    }

    @Test
    void relocatingRead_NothingFound_TheBackupNodeStartedEmptyJustNow_Unavailable_NeverANewSession_Issue14() {
        // n2 restarted empty; n1 holds the session but looks hung
        SessionReader.Outcome out = readAfterRestart(f.storedSession("n1", 1800), "n2", Duration.ZERO, "n1");
        assertTrue(out.unavailable(), "the session was taken as ended although it may exist on n1");
    }

    @Test
    void relocatingRead_NothingFound_TheBackupNodeUpForAMinute_TheSessionEnded() {
        SessionReader.Outcome out = readAfterRestart(f.storedSession("n1", 1800), "n2",
                Duration.ofMillis(SessionReader.BACKUP_LOST_WINDOW_MILLIS), "n1");
        assertFalse(out.unavailable());
        assertNull(out.read());
    }

    @Test
    void primaryMissing_ItsNodeStartedEmptyJustNow_TheOtherNodeUnavailable_Unavailable_NeverANewSession_Issue14() {
        // n1 restarted empty; n2 holds the backup copy but looks hung
        SessionReader.Outcome out = readAfterRestart(f.storedSession("n1", 1800), "n1", Duration.ZERO, "n2");
        assertTrue(out.unavailable(), "the session was taken as ended although its backup copy may exist on n2");
    }

    @Test
    void primaryMissing_ItsNodeUpForAMinute_TheOtherNodeUnavailable_TheSessionEnded() {
        SessionReader.Outcome out = readAfterRestart(f.storedSession("n1", 1800), "n1",
                Duration.ofMillis(SessionReader.BACKUP_LOST_WINDOW_MILLIS), "n2");
        assertFalse(out.unavailable());
        assertNull(out.read());
    }
}

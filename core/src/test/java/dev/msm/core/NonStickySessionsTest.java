package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.msm.api.StoreTimeoutException;
import dev.msm.core.EngineFixture.TestSession;
import dev.msm.core.keys.SessionId;
import dev.msm.core.memory.MemoryStores;

/**
 * Non-sticky requests whose write does not succeed (issue 14): never acknowledged. The mode's request story with
 * {@code lockingMode="all"}, run without Tomcat on the in-memory store and a manual clock; a request is what the
 * manager's valve does: {@code find} while the application runs, {@code end} after it.
 */
@Tag("unit")
class NonStickySessionsTest {

    private final EngineFixture f = new EngineFixture();
    private final NonStickySessions mode = new NonStickySessions(f.context, f.storage, f.bytes,
            ManagerConfig.parse(Map.of("sticky", "false", "lockingMode", "all")), "unit");

    @AfterEach
    void close() {
        mode.close();
    }

    /** One request that increments the session's count; {@code refused} of the returned state says how it ended. */
    private RequestState increment(String id) {
        RequestState state = new RequestState(new RequestState.Scope(), null, false, "/count");
        f.current = state;
        try {
            TestSession s = (TestSession) mode.find(id);
            assertNotNull(s, "session not found");
            s.put("count", count(s) + 1);
        } finally {
            mode.end(state);
            f.current = null;
        }
        return state;
    }

    /** @return the session's count as the next request sees it, and that request's session object */
    private MsmSession read(String id) {
        RequestState state = new RequestState(new RequestState.Scope(), null, false, "/read");
        f.current = state;
        try {
            return (MsmSession) mode.find(id);
        } finally {
            mode.end(state);
            f.current = null;
        }
    }

    private static int count(MsmSession s) {
        return (Integer) s.attributeValue("count");
    }

    private CompletableFuture<Void> timeout(String node, boolean markDown) {
        if (markDown) {
            MemoryStores.setAvailable(f.store.delegate(), node, false); // the store's hang detector marks it down
        }
        return CompletableFuture.failedFuture(new StoreTimeoutException(node, "memory node [" + node + "]",
                Duration.ofMillis(1000), null));
    }

    @Test
    void writeTimesOut_RequestAnswered503_NotAcknowledged_NextRequestReadsWhatTheStoreHas_Issue14() {
        TestSession s = f.storedSession("n1", 1800);
        String id = s.getIdInternal();
        assertNull(increment(id).refused);
        f.store.failWrites("n1", (node, key) -> timeout(node, false));
        RequestState failed = increment(id);
        assertNotNull(failed.refused, "a change the store does not have was acknowledged");
        assertEquals(SessionUnavailableException.Reason.WRITE_FAILED, failed.refused.reason());
        assertEquals(1, f.stats.get(Statistics.Counter.WRITE_FAILURES));
        f.store.failWrites("n1", null);
        MsmSession next = read(id);
        assertEquals(42, count(next), "the next request saw the change that was not written");
        assertNull(increment(id).refused);
        assertEquals(43, count(read(id)));
    }

    @Test
    void writeTimesOutOnANodeTheStoreNowReportsDown_SessionMovesToTheOtherNode_Acknowledged() {
        TestSession s = f.storedSession("n1", 1800);
        f.store.failWrites("n1", (node, key) -> timeout(node, true));
        RequestState state = increment(s.getIdInternal());
        assertNull(state.refused, "refused although the session could move");
        assertEquals(1, f.stats.get(Statistics.Counter.NODE_FAILOVERS));
        String moved = s.sessionId().withNode("n2").full();
        assertEquals(42, count(read(moved)));
    }

    @Test
    void noNodeAnswersAtWriteTime_RequestAnswered503() {
        TestSession s = f.storedSession("n1", 1800);
        RequestState state = new RequestState(new RequestState.Scope(), null, false, "/count");
        f.current = state;
        TestSession loaded = (TestSession) mode.find(s.getIdInternal());
        loaded.put("count", 42);
        MemoryStores.setAvailable(f.store.delegate(), "n1", false);
        MemoryStores.setAvailable(f.store.delegate(), "n2", false);
        mode.end(state);
        f.current = null;
        assertNotNull(state.refused, "a change no node holds was acknowledged");
        assertEquals(SessionUnavailableException.Reason.WRITE_FAILED, state.refused.reason());
    }

    @Test
    void backupWriteFails_PrimaryWritten_Acknowledged_Counted() {
        TestSession s = f.storedSession("n1", 1800);
        f.store.failWrites("n2", (node, key) -> timeout(node, false));
        assertNull(increment(s.getIdInternal()).refused, "the session is stored on its primary node");
        assertEquals(1, f.stats.get(Statistics.Counter.BACKUP_WRITE_FAILURES));
        assertEquals(0, f.stats.get(Statistics.Counter.WRITE_FAILURES));
        f.store.failWrites("n2", null);
        assertEquals(42, count(read(s.getIdInternal())));
    }

    @Test
    void lockLostAndSessionWrittenElsewhere_RequestAnswered503_TheOtherWriteKept() {
        TestSession s = f.storedSession("n1", 1800);
        String id = s.getIdInternal();
        RequestState state = new RequestState(new RequestState.Scope(), null, false, "/count");
        f.current = state;
        TestSession loaded = (TestSession) mode.find(id);
        loaded.put("count", 42);
        // this Tomcat stands still longer than the lock lives; meanwhile another one locks and writes count=50
        f.clock.advance(Duration.ofSeconds(6));
        TestSession other = f.newSession();
        other.setValid(true);
        other.setMaxInactiveInterval(1800);
        other.restoreState(new Object[] {new java.util.HashMap<>(Map.of("count", 50)), null, null,
            new java.util.HashMap<>()});
        other.setId(id, false);
        f.storage.await(f.storage.write(s.sessionId(), f.bytes.encode(other).value(), 1800));
        mode.end(state);
        f.current = null;
        assertNotNull(state.refused, "acknowledged a change that was not written");
        assertEquals(SessionUnavailableException.Reason.WRITE_FAILED, state.refused.reason());
        assertEquals(1, f.stats.get(Statistics.Counter.WRITES_FENCED));
        MsmSession next = read(id);
        assertNotSame(loaded, next);
        assertEquals(50, count(next), "the other Tomcat's write was overwritten");
    }

    @Test
    void nodeDownAtWriteTime_TargetHoldsACopyFromAnEarlierStay_ReplacedNotFenced_Issue14() {
        TestSession s = f.storedSession("n1", 1800);
        SessionId there = s.sessionId().withNode("n2");
        TestSession stale = f.newSession();
        stale.setValid(true);
        stale.setMaxInactiveInterval(1800);
        stale.put("count", 10);
        stale.setIdDetached(there.full());
        // the session lived on n2 before, with count 10 (written earlier than the current copy); n2 kept the copy
        f.storage.await(f.storage.write(there, f.bytes.encode(stale).value(), 1800));
        f.writeLater(s);
        RequestState state = new RequestState(new RequestState.Scope(), null, false, "/count");
        f.current = state;
        TestSession loaded = (TestSession) mode.find(s.getIdInternal());
        loaded.put("count", 42);
        MemoryStores.setAvailable(f.store.delegate(), "n1", false);
        mode.end(state);
        f.current = null;
        assertNull(state.refused, "refused because of a stale copy");
        assertEquals(42, count(read(there.full())));
        assertEquals(0, f.stats.get(Statistics.Counter.WRITES_FENCED));
    }

    @Test
    void nodeDownAtWriteTime_AnotherRequestMovedTheSessionFirst_Answered503_ItsWriteKept() {
        TestSession s = f.storedSession("n1", 1800);
        SessionId there = s.sessionId().withNode("n2");
        RequestState state = new RequestState(new RequestState.Scope(), null, false, "/count");
        f.current = state;
        TestSession loaded = (TestSession) mode.find(s.getIdInternal());
        loaded.put("count", 42);
        TestSession mover = f.newSession();
        mover.setValid(true);
        mover.setMaxInactiveInterval(1800);
        mover.put("count", 50);
        mover.setIdDetached(there.full());
        f.writeLater(mover);
        MemoryStores.setAvailable(f.store.delegate(), "n1", false);
        mode.end(state);
        f.current = null;
        assertNotNull(state.refused);
        assertEquals(1, f.stats.get(Statistics.Counter.WRITES_FENCED));
        assertEquals(50, count(read(there.full())));
    }

    @Test
    void write_AcknowledgedOnlyOnceTheBackupCopyWasAnswered_SoABackupNeverLagsAnAnswer_Issue14() {
        TestSession s = f.storedSession("n1", 1800);
        CompletableFuture<Void> backup = new CompletableFuture<>();
        f.store.failWrites("n2", (node, key) -> backup);
        CompletableFuture<Void> write = f.storage.writeBoth(s.sessionId(), f.bytes.encode(s).value(), 1800);
        assertFalse(write.isDone(), "acknowledged before the backup copy was written");
        backup.completeExceptionally(new StoreTimeoutException("n2", "memory node [n2]", Duration.ofMillis(1000),
                null));
        f.storage.await(write); // the primary holds the session: a failed backup is only counted
        assertEquals(1, f.stats.get(Statistics.Counter.BACKUP_WRITE_FAILURES));
    }
}

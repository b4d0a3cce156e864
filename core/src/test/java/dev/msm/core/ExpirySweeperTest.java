package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.msm.api.Unit;

/** Non-sticky expiry with two Tomcats on one in-memory store and a manual clock: milliseconds, not the timeout. */
@Unit
class ExpirySweeperTest {

    private static ExpirySweeper sweeper(EngineFixture f) {
        NodeRepair repair = new NodeRepair(f.storage, f.epochs, f.tracker, f.active, f.clock, Runnable::run);
        return new ExpirySweeper(f.storage, f.tracker, f.active, f.epochs, repair, f.bytes, f.context);
    }

    private static void track(EngineFixture f, MsmSession s) {
        long now = f.clock.millis();
        f.tracker.track(s, s.sessionId(), now, now, now);
    }

    @Test
    void timedOutSession_FiresOnceAcrossTwoTomcats_OnlyAfterItsTimeout() {
        EngineFixture a = new EngineFixture();
        EngineFixture b = a.sharing("b");
        EngineFixture.TestSession s = a.storedSession("n1", 10);
        track(a, s);
        track(b, s);
        ExpirySweeper onA = sweeper(a);
        ExpirySweeper onB = sweeper(b);

        a.clock.advance(Duration.ofSeconds(10));
        onA.sweep();
        onB.sweep();
        assertNull(EngineFixture.EXPIRED.get(s.getIdInternal()), "expired before its time to live ended");

        a.clock.advance(Duration.ofMillis(2500)); // the primary copy's time to live (timeout + slack) is over
        onB.sweep();
        onA.sweep();
        onB.sweep();
        assertEquals(1, EngineFixture.EXPIRED.get(s.getIdInternal()));
        assertEquals(1, a.stats.get(Statistics.Counter.EXPIRIES) + b.stats.get(Statistics.Counter.EXPIRIES));
        assertEquals(0, a.tracker.size() + b.tracker.size(), "still tracked after expiry");
    }

    @Test
    void sessionRefreshedByAnotherTomcat_IsNotExpired_AndNoLongerTrackedHere() {
        EngineFixture a = new EngineFixture();
        EngineFixture b = a.sharing("b");
        EngineFixture.TestSession s = a.storedSession("n1", 10);
        track(a, s);
        ExpirySweeper onA = sweeper(a);
        a.clock.advance(Duration.ofSeconds(9));
        b.storage.await(b.storage.touch(s.sessionId(), TimeToLive.primary(10))); // b served it meanwhile
        a.clock.advance(Duration.ofSeconds(4));
        onA.sweep();
        assertNull(EngineFixture.EXPIRED.get(s.getIdInternal()));
        assertEquals(0, a.tracker.size());
    }
}

package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.msm.api.Unit;

/** Keep-alive of sessions a request carried but did not use, on a manual clock. */
@Unit
class SessionTrackerTest {

    private final EngineFixture f = new EngineFixture();

    @Test
    void keepAlive_WithinTheSlack_CostsNothing_AfterIt_OneTouchKeepsTheSessionAlive() {
        MsmSession s = f.storedSession("n1", 100); // primary lives 110 s (timeout + slack of 10 s)
        long now = f.clock.millis();
        f.tracker.track(s, s.sessionId(), now, now, now);

        f.clock.advance(Duration.ofSeconds(5));
        f.tracker.keepAlive(s.sessionId(), s.getIdInternal());
        assertEquals(0, f.store.count("touch"));
        assertFalse(f.tracker.needsRefresh(s.sessionId()));

        f.clock.advance(Duration.ofSeconds(6));
        assertTrue(f.tracker.needsRefresh(s.sessionId()));
        f.tracker.keepAlive(s.sessionId(), s.getIdInternal());
        assertEquals(1, f.store.count("touch"));
        assertFalse(f.tracker.needsRefresh(s.sessionId()));

        f.clock.advance(Duration.ofSeconds(105)); // 116 s after the write, 105 s after the touch
        assertNotNull(f.storage.await(f.storage.load(s.sessionId(), -1)), "the touch did not keep it alive");
        f.clock.advance(Duration.ofSeconds(6));
        assertNull(f.storage.await(f.storage.load(s.sessionId(), -1)), "never expires");
    }

    @Test
    void keepAlive_OfASessionThisTomcatNeverSaw_LearnsItsTimeoutFromTheStore() {
        MsmSession s = f.storedSession("n1", 100);
        f.tracker.keepAlive(s.sessionId(), s.getIdInternal());
        assertEquals(1, f.store.count("getAndTouch"));
        assertEquals(100, f.tracker.get(s.sessionId().base()).maxInactive);
        assertEquals(1, f.store.count("touch"), "its own timeout differs from the default: one touch fixes it");
    }
}

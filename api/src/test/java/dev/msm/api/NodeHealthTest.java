package dev.msm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The hang rule of {@link NodeHealth}, on a clock the test advances. */
@Unit
class NodeHealthTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private long now = 1_000_000_000L;
    private final AtomicInteger changes = new AtomicInteger();
    private final NodeHealth health = new NodeHealth(() -> now, TIMEOUT, changes::incrementAndGet);

    private void advanceMillis(long millis) {
        now += Duration.ofMillis(millis).toNanos();
    }

    private void hang() {
        long sent = health.sent();
        advanceMillis(500);
        health.timedOut(sent);
    }

    @Test
    void timeout_WithoutAnyReplySinceTheOperationWasSent_MarksTheNodeHung() {
        advanceMillis(10);
        long sent = health.sent();
        advanceMillis(500);

        assertTrue(health.timedOut(sent));
        assertFalse(health.isResponsive());
        assertEquals(1, changes.get());
    }

    @Test
    void timeout_OfASlowNodeThatAnsweredOtherOperationsMeanwhile_KeepsItResponsive() {
        long slowOne = health.sent();
        advanceMillis(200);
        health.replied(); // an operation sent before answers late, and so do the ones after it
        advanceMillis(300);

        assertFalse(health.timedOut(slowOne));
        assertTrue(health.isResponsive());
        assertEquals(0, changes.get());
    }

    @Test
    void replyBeforeTheOperationWasSent_DoesNotCount() {
        health.replied();
        advanceMillis(1);
        long sent = health.sent();
        advanceMillis(500);

        assertTrue(health.timedOut(sent));
    }

    @Test
    void everyOperationInFlightWhenTheNodeHangs_TellsOnlyOnce() {
        long first = health.sent();
        advanceMillis(100);
        long second = health.sent();
        advanceMillis(500);

        assertTrue(health.timedOut(first));
        assertTrue(health.timedOut(second));
        assertEquals(1, changes.get());
    }

    @Test
    void hungNode_ComesBack_WhenAProbeIsAnsweredCorrectlyInTime() {
        hang();
        assertFalse(health.isResponsive());

        advanceMillis(1000);
        assertTrue(health.tryStartProbe());
        long probe = health.sent();
        advanceMillis(5);
        health.probeAnswered(probe, true);
        health.probeEnded();

        assertTrue(health.isResponsive());
        assertEquals(2, changes.get());
    }

    @Test
    void hungNode_StaysHung_WhenTheProbeAnswerComesAfterTheTimeout() {
        hang();
        long probe = health.sent();
        advanceMillis(501);

        health.probeAnswered(probe, true);

        assertFalse(health.isResponsive());
        assertEquals(1, changes.get());
        // the late answer still counts as a reply: an operation sent before it is not a sign of a hang
        assertFalse(health.timedOut(probe));
    }

    @Test
    void wrongProbeAnswer_MarksTheNodeHung_AndARightOneReturnsIt() {
        long probe = health.sent();
        health.probeAnswered(probe, false);
        assertFalse(health.isResponsive());

        long next = health.sent();
        health.probeAnswered(next, true);
        assertTrue(health.isResponsive());
        assertEquals(2, changes.get());
    }

    @Test
    void probes_OneInFlightAtATime() {
        assertTrue(health.tryStartProbe());
        assertFalse(health.tryStartProbe());
        health.probeEnded();
        assertTrue(health.tryStartProbe());
    }
}

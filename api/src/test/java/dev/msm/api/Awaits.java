package dev.msm.api;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * The one way tests wait for something: a short poll interval and a bounded timeout, never a bare sleep.
 */
public final class Awaits {

    private Awaits() {
    }

    /**
     * @return an Awaitility condition factory polling every 20 ms for at most 20 s
     */
    public static ConditionFactory await() {
        return await(Duration.ofSeconds(20));
    }

    /**
     * @param atMost upper bound of the wait
     * @return an Awaitility condition factory polling every 20 ms
     */
    public static ConditionFactory await(Duration atMost) {
        return Awaitility.await()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20))
                .pollInSameThread()
                .atMost(atMost);
    }
}

package dev.msm.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** An {@link EngineClock} that only moves when the test advances it (or the engine pauses, e.g. a lock backoff). */
final class ManualClock implements EngineClock {

    private final long originMillis = System.currentTimeMillis();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long millis() {
        return originMillis + nanos.get() / 1_000_000L;
    }

    @Override
    public long nanos() {
        return nanos.get();
    }

    @Override
    public void pause(long pause) {
        nanos.addAndGet(pause);
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }
}

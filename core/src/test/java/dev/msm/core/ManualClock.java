package dev.msm.core;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** An {@link EngineClock} that only moves when the test advances it (or the engine pauses, e.g. a lock backoff). */
final class ManualClock implements EngineClock {

    private final long originMillis = System.currentTimeMillis();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicLong lookedAt = new AtomicLong();

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

    /** Waits until the permit comes or the test advanced this clock past the deadline (looking every millisecond). */
    @Override
    public boolean tryAcquire(Semaphore permits, long timeoutNanos) throws InterruptedException {
        long deadline = nanos() + timeoutNanos;
        while (nanos() - deadline < 0) {
            lookedAt.incrementAndGet();
            if (permits.tryAcquire(1, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return permits.tryAcquire();
    }

    /** @return how often a waiter in {@link #tryAcquire} looked at this clock */
    long lookedAt() {
        return lookedAt.get();
    }
}

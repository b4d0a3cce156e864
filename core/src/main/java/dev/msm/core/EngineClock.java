package dev.msm.core;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's only source of time: every decision that depends on time (expiry, time-to-live refresh slack, lock
 * renewal and timeouts, backoff, node-recovery grace) asks this clock, so that unit tests can drive it by hand
 * instead of waiting for the wall clock.
 *
 * <p>Thread-safe. {@link #SYSTEM} reads the JVM's clocks; tests use a manual clock they advance.
 */
interface EngineClock {

    /** The JVM's clocks. */
    EngineClock SYSTEM = new EngineClock() {
        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanos() {
            return System.nanoTime();
        }
    };

    /**
     * @return wall time in milliseconds since the epoch, as stored in session headers
     */
    long millis();

    /**
     * @return a monotonic time in nanoseconds for measuring durations (arbitrary origin)
     */
    long nanos();

    /**
     * @return this clock's wall time as an {@link InstantSource}, for the parts of the engine outside this package
     *         (the codec stamps stored values with it)
     */
    default InstantSource wallClock() {
        EngineClock self = this;
        return new InstantSource() {
            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(self.millis());
            }

            @Override
            public long millis() {
                return self.millis();
            }
        };
    }

    /**
     * Waits about {@code nanos} (a backoff between lock attempts). A manual clock advances itself instead.
     *
     * @param nanos how long
     */
    default void pause(long nanos) {
        LockSupport.parkNanos(nanos);
    }

    /**
     * Waits up to {@code timeoutNanos} of this clock's time for a permit of {@code permits} (a request of this
     * Tomcat waiting for another one to hand over a session). The JVM's clock waits in the semaphore's queue, in
     * arrival order if it is fair; a manual clock gives up once the test advanced it past the deadline.
     *
     * @return whether the permit was taken
     * @throws InterruptedException when the thread is interrupted while it waits
     */
    default boolean tryAcquire(Semaphore permits, long timeoutNanos) throws InterruptedException {
        return permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
    }
}

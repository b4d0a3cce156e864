package dev.msm.api;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.function.LongSupplier;

/**
 * Tells a hung store node from a slow one, for {@link SessionStore} implementations: a node whose connection stays
 * open but that stops answering (a paused process, a hung host, a network that drops packets without a reset) is
 * reported unresponsive, so that the store can mark it unavailable for every caller at once.
 *
 * <h2>The rule</h2>
 * A node is <em>hung</em> when an operation on it times out and the node sent <b>no reply of any kind</b> since that
 * operation was sent. A slow node keeps answering other operations and probes, so its timeouts alone never trip it;
 * a hung node answers nothing, so its first timeout does. A probe that gets a wrong answer trips it too.
 *
 * <p>A hung node is responsive again when a probe sent to it gets the correct answer within the operation timeout
 * (a late answer counts as a reply, not as a recovery, so that a node slower than the timeout does not flap).
 *
 * <h2>What callers see</h2>
 * The store calls {@link #timedOut} before it fails the timed-out operation's future, and tells its node listeners
 * from {@code onChange}: whoever sees the {@link StoreTimeoutException} finds the node already unavailable. So after a
 * node hangs, only the operations sent to it during the first operation timeout wait that timeout (at most one wait
 * per request, since a request's later operations on the node fail fast); every later operation fails fast with
 * {@link StoreUnavailableException} until the node answers a probe again. A node that hangs while idle is found by
 * the store's periodic probe.
 *
 * <h2>Use</h2>
 * Stamp each operation with {@link #sent()} when it leaves, call {@link #replied()} for every answer the node gives
 * (success or error, not a timeout or a dropped connection), {@link #timedOut(long)} with the stamp when an operation
 * times out, and report probe answers with {@link #probeAnswered(long, boolean)}; {@link #tryStartProbe()} and
 * {@link #probeEnded()} keep at most one probe in flight.
 *
 * <p>Thread-safe; all methods are cheap and never block ({@link #replied()} is contention-free, for the hot path).
 * {@code onChange} runs on the thread whose call changed the state, once per change, and must return quickly.
 */
public final class NodeHealth {

    private final LongSupplier nanoClock;
    private final long timeoutNanos;
    private final Runnable onChange;
    private final LongAccumulator lastReply = new LongAccumulator(Math::max, Long.MIN_VALUE);
    private final AtomicBoolean hung = new AtomicBoolean();
    private final AtomicBoolean probing = new AtomicBoolean();

    /**
     * @param nanoClock        a monotonic clock in nanoseconds ({@code System::nanoTime} outside tests)
     * @param operationTimeout the store's operation timeout: a probe answered later does not count as a recovery
     * @param onChange         told after each change of {@link #isResponsive()}, e.g. to update the node's
     *                         availability and tell the node listeners
     */
    public NodeHealth(LongSupplier nanoClock, Duration operationTimeout, Runnable onChange) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.timeoutNanos = operationTimeout.toNanos();
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        lastReply.accumulate(nanoClock.getAsLong());
    }

    /**
     * @return whether the node answers; {@code false} from a timeout without any reply since the operation was sent
     *         (or a wrong probe answer) until a probe is answered correctly in time
     */
    public boolean isResponsive() {
        return !hung.get();
    }

    /**
     * @return the stamp of an operation leaving now, for {@link #timedOut(long)}
     */
    public long sent() {
        return nanoClock.getAsLong();
    }

    /**
     * Records an answer of the node (success or an error it sent back).
     */
    public void replied() {
        lastReply.accumulate(nanoClock.getAsLong());
    }

    /**
     * Records a timed-out operation; call it <b>before</b> failing the operation's future.
     *
     * @param sentNanos the operation's stamp from {@link #sent()}
     * @return {@code true} if the node sent nothing since then and is now (or already was) hung
     */
    public boolean timedOut(long sentNanos) {
        if (lastReply.get() - sentNanos > 0) {
            return false; // the node answered something meanwhile: slow, not hung
        }
        markHung();
        return true;
    }

    /**
     * Records the answer to a probe.
     *
     * @param sentNanos the probe's stamp from {@link #sent()}
     * @param correct   whether the answer is the one the probe expects
     */
    public void probeAnswered(long sentNanos, boolean correct) {
        replied();
        if (!correct) {
            markHung();
        } else if (nanoClock.getAsLong() - sentNanos <= timeoutNanos && hung.compareAndSet(true, false)) {
            onChange.run();
        }
    }

    /**
     * @return {@code true} if no probe is in flight and the caller may send one (then it must call
     *         {@link #probeEnded()} when it is answered or timed out)
     */
    public boolean tryStartProbe() {
        return probing.compareAndSet(false, true);
    }

    /**
     * Ends the probe started by {@link #tryStartProbe()}.
     */
    public void probeEnded() {
        probing.set(false);
    }

    private void markHung() {
        if (hung.compareAndSet(false, true)) {
            onChange.run();
        }
    }

    @Override
    public String toString() {
        return isResponsive() ? "responsive" : "hung";
    }
}

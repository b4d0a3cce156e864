package dev.msm.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.msm.core.codec.SessionCodec;
import dev.msm.core.keys.SessionId;

/**
 * Non-sticky mode's reuse of idle session objects: a session whose last request on this Tomcat ended unchanged is
 * kept (in its {@link SessionTracker.Tracked} entry), and a later load that reads exactly the value it was left with
 * takes it instead of deserializing. Only a session used by one request at a time and left unchanged since its last
 * load or write qualifies: its state is then exactly that value, so reusing it is indistinguishable from
 * deserializing the value again. The kept objects are bounded in (approximate) bytes. Thread-safe.
 */
final class IdleSessions {

    private final SessionTracker tracker;
    private final Statistics stats;
    private final EngineClock clock;
    private final Executor background;
    /** Serialized bytes of the idle sessions kept for reuse (approximate; recounted by {@link #trim()}). */
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean trimming = new AtomicBoolean();
    private final long cap;

    /**
     * @param background runs a trim when the kept objects exceed the cap
     * @param cap        how many (approximate) bytes of kept objects are allowed
     */
    IdleSessions(SessionTracker tracker, Statistics stats, EngineClock clock, Executor background, long cap) {
        this.tracker = tracker;
        this.stats = stats;
        this.clock = clock;
        this.background = background;
        this.cap = cap;
    }

    /** Keeps a session whose last request on this Tomcat ended, if it qualifies. */
    void keep(MsmSession s) {
        byte[] value = s.storedValue();
        SessionId sid = s.sessionId();
        if (value == null || sid == null || s.isTransientCopy() || !s.isValidInternalState() || s.isMaybeDirty()) {
            return;
        }
        SessionTracker.Tracked t = tracker.get(sid.base());
        if (t == null || t.sid == null || !t.sid.base().equals(sid.base())) {
            return;
        }
        MsmSession before = t.idle.getAndSet(s);
        long delta = weight(s) - (before == null ? 0 : weight(before));
        if (bytes.addAndGet(delta) > cap && trimming.compareAndSet(false, true)) {
            try {
                background.execute(this::trimNow);
            } catch (RejectedExecutionException e) {
                trimming.set(false); // closing
            }
        }
    }

    /**
     * @return the session object kept from this Tomcat's last use if {@code read} is the very value it was left
     *         with (re-registered under {@code id}), else {@code null}
     */
    MsmSession reuse(SessionStorage.Read read, SessionId id) {
        if (read.fromBackup()) {
            return null;
        }
        SessionTracker.Tracked t = tracker.get(read.id().base());
        MsmSession s = t == null ? null : t.idle.getAndSet(null);
        if (s == null) {
            return null;
        }
        bytes.addAndGet(-weight(s));
        if (!s.isValidInternalState() || s.isMaybeDirty() || !Arrays.equals(s.storedValue(), read.value())) {
            return null; // changed elsewhere since: deserialize what the store holds
        }
        SessionCodec.Header h = read.header();
        s.loaded(h.creationTime(), h.lastAccessedTime(), h.maxInactiveInterval(), clock.millis());
        s.clearChangeFlags();
        s.setId(id.full(), false);
        stats.count(Statistics.Counter.LOADS);
        stats.count(Statistics.Counter.LOADS_REUSED);
        return s;
    }

    /** Recounts the kept bytes (entries dropped since took theirs with them) and trims, unless a trim runs. */
    void trim() {
        if (bytes.get() > 0 && trimming.compareAndSet(false, true)) {
            trimNow();
        }
    }

    /** What a kept session costs: its stored value plus the payload it compares with, as a proxy for its objects. */
    private static long weight(MsmSession s) {
        byte[] value = s.storedValue();
        return value == null ? 1024 : 2L * value.length + 1024;
    }

    /** Drops the least recently used kept sessions while they add up to more than the cap; recounts the total. */
    private void trimNow() {
        try {
            List<SessionTracker.Tracked> holding = new ArrayList<>();
            long total = 0;
            for (SessionTracker.Tracked t : tracker.all()) {
                MsmSession s = t.idle.get();
                if (s != null) {
                    holding.add(t);
                    total += weight(s);
                }
            }
            if (total > cap) {
                holding.sort(Comparator.comparingLong(t -> t.lastAccess));
                for (SessionTracker.Tracked t : holding) {
                    if (total <= cap / 4 * 3) {
                        break;
                    }
                    MsmSession s = t.idle.getAndSet(null);
                    if (s != null) {
                        total -= weight(s);
                    }
                }
            }
            bytes.set(total);
        } finally {
            trimming.set(false);
        }
    }
}

package dev.msm.core;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

import dev.msm.api.SerializationException;
import dev.msm.core.codec.SessionCodec;
import dev.msm.core.keys.SessionId;

/**
 * Non-sticky mode's memory of the sessions this Tomcat served: when each was last used and when this Tomcat last
 * refreshed the time to live of its copies. It decides whether a load must refresh the primary's time to live
 * ({@link #needsRefresh}), keeps the backup copy alive longer than the primary, and keeps a session alive for a
 * request that carried its id but never used it ({@link #keepAlive}). The {@link ExpirySweeper} reads it to find
 * sessions that timed out. Thread-safe.
 */
final class SessionTracker {

    /** What this Tomcat knows about a session it served, for expiry and keep-alive. */
    static final class Tracked {
        volatile SessionId sid;
        volatile String fullId;
        volatile int maxInactive;
        volatile long lastAccess;
        volatile long primaryRefreshedAt;
        volatile long backupRefreshedAt;
        volatile boolean touching;
        /**
         * The session object as the last request on this Tomcat left it, while its state is exactly the stored value
         * it remembers ({@link MsmSession#storedValue()}): see {@link IdleSessions}. Dropped with this entry.
         */
        final AtomicReference<MsmSession> idle = new AtomicReference<>();
    }

    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final SessionStorage storage;
    private final EngineClock clock;
    private final IntSupplier defaultMaxInactive;

    /**
     * @param defaultMaxInactive the timeout of new sessions, seconds
     */
    SessionTracker(SessionStorage storage, EngineClock clock, IntSupplier defaultMaxInactive) {
        this.storage = storage;
        this.clock = clock;
        this.defaultMaxInactive = defaultMaxInactive;
    }

    /** @return the entry of {@code base}, or {@code null} */
    Tracked get(String base) {
        return tracked.get(base);
    }

    /** Forgets a session (expired, invalidated, moved, or used by another Tomcat since). */
    void forget(String base) {
        tracked.remove(base);
    }

    /** Forgets {@code t} if it is still the entry of its session. */
    void forget(Tracked t) {
        tracked.remove(t.sid.base(), t);
    }

    /** @return the entries, weakly consistent */
    Collection<Tracked> all() {
        return tracked.values();
    }

    /** @return how many sessions are tracked */
    int size() {
        return tracked.size();
    }

    /** Takes over the entries of a replaced tracker (runtime reconfiguration), without their idle objects. */
    void adopt(SessionTracker old) {
        for (Map.Entry<String, Tracked> e : old.tracked.entrySet()) {
            e.getValue().idle.set(null);
            tracked.putIfAbsent(e.getKey(), e.getValue());
        }
    }

    /**
     * @return whether a load must refresh the primary copy's time to live: unless this Tomcat refreshed it less than
     *         the slack ago (see {@link SessionStorage#primaryTtl})
     */
    boolean needsRefresh(SessionId id) {
        Tracked t = tracked.get(id.base());
        if (t == null || t.maxInactive <= 0 || t.sid == null || !t.sid.base().equals(id.base())) {
            return true;
        }
        return clock.millis() - t.primaryRefreshedAt >= TimeToLive.slack(t.maxInactive) * 1000L;
    }

    /**
     * Remembers a use of a session.
     *
     * @param refreshedAt     when this Tomcat last set the primary copy's time to live, 0 when it did not now
     * @param backupWrittenAt when the backup copy was written or touched, 0 when unknown
     */
    void track(MsmSession s, SessionId sid, long accessedAt, long refreshedAt, long backupWrittenAt) {
        Tracked t = tracked.computeIfAbsent(sid.base(), k -> new Tracked());
        t.sid = sid;
        t.fullId = s.getIdInternal();
        t.maxInactive = s.getMaxInactiveInterval();
        t.lastAccess = Math.max(t.lastAccess, accessedAt);
        if (refreshedAt > t.primaryRefreshedAt) {
            t.primaryRefreshedAt = refreshedAt;
        }
        if (backupWrittenAt > t.backupRefreshedAt) {
            t.backupRefreshedAt = backupWrittenAt;
        }
        refreshBackupIfOld(t);
    }

    /** The session's id changed: its entry follows it. */
    void renamed(MsmSession s, SessionId old, SessionId now) {
        Tracked t = tracked.remove(old.base());
        if (t != null) {
            track(s, now, t.lastAccess, t.primaryRefreshedAt, t.backupRefreshedAt);
        }
    }

    /** Reads refresh the primary's time to live only; the backup must outlive it, so it is touched now and then. */
    private void refreshBackupIfOld(Tracked t) {
        int maxInactive = t.maxInactive;
        if (maxInactive <= 0) {
            return;
        }
        long now = clock.millis();
        long backupExpires = t.backupRefreshedAt + storage.backupTtl(maxInactive) * 1000L;
        long needed = now + maxInactive * 1000L + TimeToLive.backupExtra(maxInactive) * 500L;
        if (backupExpires < needed) {
            SessionId sid = t.sid;
            String node = storage.hasNodes() ? storage.backupNode(sid.node()) : null;
            if (storage.hasNodes() && node == null) {
                return;
            }
            t.backupRefreshedAt = now;
            storage.stats.count(Statistics.Counter.TOUCHES);
            storage.touchBackup(node, sid, storage.backupTtl(maxInactive));
        }
    }

    /**
     * A request with the session's id that did not use the session: keep it alive. Free when this Tomcat refreshed
     * it recently; otherwise one touch (or, for a session this Tomcat does not know, one get-and-touch to learn its
     * timeout) in the background.
     */
    void keepAlive(SessionId sid, String fullId) {
        long now = clock.millis();
        Tracked t = tracked.get(sid.base());
        if (t != null) {
            t.lastAccess = now;
            if (t.maxInactive <= 0 || now - t.primaryRefreshedAt < TimeToLive.slack(t.maxInactive) * 1000L) {
                return;
            }
        }
        if (!storage.isAvailable(sid.node())) {
            return;
        }
        Tracked target = t != null ? t : tracked.computeIfAbsent(sid.base(), k -> {
            Tracked x = new Tracked();
            x.sid = sid;
            x.fullId = fullId;
            x.maxInactive = -1;
            x.lastAccess = now;
            return x;
        });
        if (target.touching) {
            return;
        }
        target.touching = true;
        storage.stats.count(Statistics.Counter.TOUCHES);
        CompletableFuture<?> f;
        if (target.maxInactive > 0) {
            f = storage.touch(sid, TimeToLive.primary(target.maxInactive)).thenAccept(found -> {
                if (found) {
                    target.primaryRefreshedAt = now;
                    refreshBackupIfOld(target);
                } else {
                    tracked.remove(sid.base(), target);
                }
            });
        } else {
            int ttl = TimeToLive.primary(defaultMaxInactive.getAsInt());
            f = storage.load(sid, ttl).thenAccept(value -> learnTimeout(sid, target, value, now));
        }
        f.whenComplete((r, e) -> target.touching = false);
    }

    private void learnTimeout(SessionId sid, Tracked target, byte[] value, long now) {
        if (value == null) {
            tracked.remove(sid.base(), target);
            return;
        }
        SessionCodec.Header h;
        try {
            h = SessionCodec.header(value);
        } catch (SerializationException e) {
            tracked.remove(sid.base(), target);
            return;
        }
        target.maxInactive = h.maxInactiveInterval();
        target.primaryRefreshedAt = now;
        if (target.backupRefreshedAt == 0) {
            target.backupRefreshedAt = h.writtenAt();
        }
        if (h.maxInactiveInterval() != defaultMaxInactive.getAsInt()) {
            storage.touch(sid, TimeToLive.primary(h.maxInactiveInterval()));
        }
        refreshBackupIfOld(target);
    }
}

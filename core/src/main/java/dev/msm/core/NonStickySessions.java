package dev.msm.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.catalina.Session;
import org.apache.catalina.connector.Request;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.SerializationException;
import dev.msm.api.StoreException;
import dev.msm.api.StoreNode;

/**
 * Non-sticky mode: the store holds the session; a Tomcat holds it in memory only while requests use it.
 *
 * <p>One request's story: <b>find</b> (the first {@code getSession()} asks for the id) &rarr; <b>lock</b> (if the
 * locking mode says so: an in-JVM lock shared by this Tomcat's requests for the session, then the store lock,
 * pipelined with the load) &rarr; <b>load</b> (get-and-touch: one round-trip refreshes the time to live) &rarr;
 * <b>serve</b> &rarr; <b>detect change</b> (attributes set, or a mutable value handed out and its bytes changed)
 * &rarr; <b>store</b> (primary and backup copy in parallel, before the response completes) &rarr; <b>unlock</b>
 * (pipelined after the write; or handed to the next request of this Tomcat waiting for the same session, without a
 * store round-trip). A request that never calls {@code getSession()} costs nothing; its session is kept alive by a
 * touch in the background when needed.
 *
 * <p>Expiry: every Tomcat tracks the sessions it served. When one of them is idle past its timeout and its primary
 * copy is gone (the store's time to live removed it), the Tomcat claims the expiry with an atomic add; the winner
 * loads the backup copy (which outlives the primary) and fires {@code sessionDestroyed} and {@code valueUnbound}:
 * exactly once cluster-wide, unless the claiming Tomcat dies while firing.
 */
final class NonStickySessions {

    private static final Log log = LogFactory.getLog(NonStickySessions.class);
    private static final int MAX_REDIRECTS = 3;
    private static final int SERIALIZATION_ATTEMPTS = 5;

    /** The sessions requests on this Tomcat use now, by base id. */
    static final class Active {
        volatile String base;
        /** Requests holding a {@link Use}; changed inside the map's compute while the entry is mapped. */
        final AtomicInteger users = new AtomicInteger();
        /**
         * Serializes this Tomcat's locking requests for the session. A semaphore, not a lock: an async request
         * releases it on another thread than the one that took it.
         */
        final Semaphore jvmLock = new Semaphore(1, true);
        /** One load at a time for unlocked requests. */
        final ReentrantLock loadLock = new ReentrantLock();
        volatile MsmSession session;
        volatile boolean loaded;
        volatile boolean storeLocked;
        volatile SessionId lockedId;
        volatile byte[] lockToken;
        volatile long lockRenewedAt;
        /** More than one request used it at once on this Tomcat: its object is not kept for reuse afterwards. */
        volatile boolean shared;

        Active(String base) {
            this.base = base;
        }
    }

    /** One request's use of an active session. */
    static final class Use {
        final Active active;
        boolean locked;
        MsmSession session;
        boolean forceWrite;
        SessionId relocatedFrom;
        SessionId renamedFrom;
        SessionId oldLockId;
        byte[] oldLockToken;

        Use(Active active) {
            this.active = active;
        }
    }

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
         * it remembers ({@link MsmSession#storedValue()}): a load that reads that same value takes it instead of
         * deserializing. Dropped with this entry (expiry, invalidation, use on another Tomcat).
         */
        final AtomicReference<MsmSession> idle = new AtomicReference<>();
    }

    private final MsmManagerBase manager;
    private final SessionStorage storage;
    private final ManagerConfig config;
    private final Statistics stats;
    private final NodeEpochs epochs;
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final Map<String, Integer> readOnlyUris = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > 2000;
                }
            });
    private final ScheduledThreadPoolExecutor scheduler;
    private final int lockSeconds;
    private final long startedAt = System.currentTimeMillis();
    private final Map<String, Long> recoveredAt = new ConcurrentHashMap<>();
    private final AtomicInteger repairs = new AtomicInteger();
    private final AtomicLong repairsCompleted = new AtomicLong();
    /** Serialized bytes of the idle sessions kept for reuse (approximate; recounted by {@link #trimIdle()}). */
    private final AtomicLong idleBytes = new AtomicLong();
    private final AtomicBoolean trimming = new AtomicBoolean();
    private final long idleCap = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 64);

    NonStickySessions(MsmManagerBase manager, SessionStorage storage, ManagerConfig config, String name) {
        this.manager = manager;
        this.storage = storage;
        this.config = config;
        this.stats = storage.stats;
        this.epochs = new NodeEpochs(storage);
        this.lockSeconds = (int) Math.max(1, config.lockExpiration().toSeconds());
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "msm-nonsticky-" + name);
            t.setDaemon(true);
            t.setContextClassLoader(NonStickySessions.class.getClassLoader());
            return t;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.epochs.refreshAll();
        long renewMillis = Math.max(250, config.lockExpiration().toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::renewLocks, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
    }

    // ==================================================================== request bracket

    /**
     * Nothing up front (sessions load when the application asks for them), except when no store node is available
     * and {@code onStoreUnavailable} is {@code fail}: a request with a session id is answered 503 at once, before
     * the application runs.
     */
    void begin(RequestState state) {
        if (state.ignored || state.request == null) {
            return;
        }
        if (config.onStoreUnavailable() == FailureAction.FAIL && !storage.nodes.anyAvailable()) {
            String requested = state.request.getRequestedSessionId();
            SessionId sid = requested == null ? null : manager.parseId(requested);
            if (sid != null) {
                manager.storeProblem("No store node is available; requests with a session are answered 503",
                        new StoreException("all nodes down"));
                stats.count(Statistics.Counter.REQUESTS_REFUSED);
                state.refused = new SessionUnavailableException(SessionUnavailableException.Reason.STORE_UNAVAILABLE,
                        "Session [" + sid + "] cannot be loaded: no store node is available", null);
                return;
            }
        }
        state.commitHook = CommitHook.install(state.request, () -> beforeCommit(state));
        if (!manager.withoutLogin()) {
            preload(state);
        }
    }

    /**
     * A context with a login-config: Tomcat's authenticator reads the session of every request that carries a session
     * id, to restore a cached principal, before the application's filter chain, where a refusal (lock timeout, store
     * unavailable) would reach Tomcat as an exception logged as SEVERE. Loading it here instead costs nothing more
     * and lets {@link MsmValve} answer a refusal with 503 before the application runs (issue 14).
     */
    private void preload(RequestState state) {
        String requested = state.request.getRequestedSessionId();
        if (requested == null) {
            return;
        }
        RequestState previous = RequestState.enter(state);
        try {
            findSession(requested);
        } catch (SessionUnavailableException e) {
            // state.refused is set: the valve answers 503
        } finally {
            RequestState.leave(previous);
        }
    }

    /**
     * The response commits before the request ends (a forward, a closed output stream): store the request's
     * sessions now, while the client cannot yet send its next request; keep the locks until the request ends.
     */
    private void beforeCommit(RequestState state) {
        for (Use use : state.uses) {
            MsmSession s = use.session;
            if (s != null && !s.isTransientCopy() && s.isValidInternalState()
                    && (use.forceWrite || s.isMaybeDirty())) {
                store(state, use, s, false);
            }
        }
    }

    void end(RequestState state) {
        CommitHook hook = state.commitHook;
        if (hook != null) {
            state.commitHook = null;
            hook.uninstall();
        }
        Request request = state.request;
        if (state.uses.isEmpty() && request != null && !state.ignored && state.refused == null) {
            // the request carried a session id but never asked for the session: keep it alive, in the background
            String requested = request.getRequestedSessionId();
            SessionId sid = requested == null ? null : manager.parseId(requested);
            if (sid != null) {
                keepAlive(sid, requested);
            }
        }
        List<Use> uses = new ArrayList<>(state.uses);
        state.uses.clear();
        for (Use use : uses) {
            release(state, use);
        }
        if (config.lockingMode() == LockingMode.AUTO && state.uri != null && !uses.isEmpty()) {
            learn(state);
        }
    }

    // ==================================================================== find

    Session findSession(String id) {
        SessionId sid = manager.parseId(id);
        if (sid == null) {
            stats.count(Statistics.Counter.INVALID_IDS);
            return null;
        }
        RequestState state = RequestState.current();
        if (state == null) {
            return detached(sid, id);
        }
        for (Use use : state.uses) {
            if (use.active.base.equals(sid.base())) {
                return use.session;
            }
        }
        if (state.ending) {
            return null;
        }
        if (state.ignored) {
            // requestUriIgnorePattern: such requests never load a session (a getSession(true) here starts a new one)
            return null;
        }
        if (!state.inApplication && state.request != null && manager.withoutLogin()) {
            // Tomcat's NonLoginAuthenticator looking for a cached principal: not worth a load (see ApplicationMarker)
            return null;
        }
        return acquire(state, sid, id).session;
    }

    /** A lookup outside any request (another context's check, JMX): a read-only copy, never written back. */
    private Session detached(SessionId sid, String id) {
        Active a = active.get(sid.base());
        if (a != null && a.session != null) {
            return a.session;
        }
        if (!storage.nodes.isAvailable(sid.node())) {
            return null;
        }
        try {
            byte[] value = storage.await(storage.store.get(sid.node(), storage.keys.session(sid)));
            SessionStorage.Read read = storage.decodeRead(sid, value, false, false);
            if (read == null) {
                return null;
            }
            MsmSession s = manager.sessionFrom(storage, read, id, false, false);
            if (s != null) {
                s.setTransientCopy(true);
            }
            return s;
        } catch (StoreException e) {
            return null;
        }
    }

    private Use acquire(RequestState state, SessionId sid, String requestedId) {
        Active a = active.compute(sid.base(), (k, v) -> {
            Active x = v == null ? new Active(k) : v;
            if (x.users.incrementAndGet() > 1) {
                x.shared = true;
            }
            return x;
        });
        Use use = new Use(a);
        state.uses.add(use);
        try {
            if (!state.ignored && locks(state)) {
                lockAndLoad(state, use, sid, requestedId);
            } else {
                loadUnlocked(state, use, sid, requestedId);
            }
        } catch (SessionUnavailableException e) {
            state.refused = e;
            stats.count(Statistics.Counter.REQUESTS_REFUSED);
            throw e;
        }
        return use;
    }

    private boolean locks(RequestState state) {
        switch (config.lockingMode()) {
            case ALL:
                return true;
            case URI_PATTERN: {
                if (state.request == null) {
                    return true;
                }
                String q = state.request.getQueryString();
                String uri = state.uri == null ? "" : state.uri;
                return config.lockUriPattern().matcher(q == null ? uri : uri + "?" + q).matches();
            }
            case AUTO: {
                if (state.uri == null) {
                    return true;
                }
                Integer n = readOnlyUris.get(state.uri);
                return n == null || n < 3;
            }
            default:
                return false;
        }
    }

    /** The URI learned for {@code auto} locking: three requests in a row without a change make it read-only. */
    private void learn(RequestState state) {
        if (state.modified) {
            readOnlyUris.put(state.uri, Integer.MIN_VALUE);
        } else {
            readOnlyUris.merge(state.uri, 1, (old, one) -> old == Integer.MIN_VALUE ? old : old + 1);
        }
    }

    // ==================================================================== lock + load

    private void lockAndLoad(RequestState state, Use use, SessionId sid, String requestedId) {
        Active a = use.active;
        long deadline = System.nanoTime() + config.lockTimeout().toNanos();
        long waitStart = System.nanoTime();
        boolean got;
        try {
            got = a.jvmLock.tryAcquire(config.lockTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            lockTimedOut(state, use, sid, requestedId);
            return;
        }
        use.locked = true;
        if (a.storeLocked) {
            // handed over by the previous request of this Tomcat: no store round-trip
            use.session = a.session;
            stats.time(Statistics.Timer.LOCK_WAIT, waitStart);
            return;
        }
        SessionId target = whereToRead(sid);
        if (target == null) {
            storeUnavailable(state, use, sid, requestedId, null);
            return;
        }
        int maxInactive = manager.defaultMaxInactive();
        for (int redirects = 0;; ) {
            byte[] token = token();
            CompletableFuture<Boolean> lockFuture = storage.store.add(target.node(), storage.keys.lock(target), token,
                    lockSeconds);
            boolean refresh = needsRefresh(target);
            CompletableFuture<byte[]> loadFuture = refresh
                    ? storage.store.getAndTouch(target.node(), storage.keys.session(target),
                            SessionStorage.primaryTtl(maxInactive))
                    : storage.store.get(target.node(), storage.keys.session(target));
            boolean locked = false;
            byte[] value;
            try {
                locked = storage.await(lockFuture);
                value = locked ? storage.await(loadFuture) : null;
            } catch (StoreException e) {
                if (locked && storage.nodes.isAvailable(target.node())) {
                    storage.store.deleteIfEquals(target.node(), storage.keys.lock(target), token);
                }
                SessionId elsewhere = elsewhereAfter(e, sid, target);
                if (elsewhere != null) {
                    target = elsewhere;
                    continue;
                }
                storeUnavailable(state, use, sid, requestedId, e);
                return;
            }
            if (!locked) {
                stats.count(Statistics.Counter.LOCK_WAITS);
                if (System.nanoTime() - deadline >= 0) {
                    lockTimedOut(state, use, sid, requestedId);
                    return;
                }
                backoff(waitStart);
                continue;
            }
            a.storeLocked = true;
            a.lockedId = target;
            a.lockToken = token;
            a.lockRenewedAt = System.currentTimeMillis();
            stats.count(Statistics.Counter.LOCKS);
            stats.time(Statistics.Timer.LOCK_WAIT, waitStart);
            SessionStorage.Read read;
            try {
                read = resolve(target, sid, value);
            } catch (StoreException e) {
                unlockStore(a);
                storeUnavailable(state, use, sid, requestedId, e);
                return;
            }
            if (read != null && !read.id().base().equals(target.base())) {
                // the session moved (tombstone): lock its new id instead
                unlockStore(a);
                if (++redirects > MAX_REDIRECTS || !storage.nodes.isAvailable(read.id().node())) {
                    loaded(state, use, sid, null, requestedId, false);
                    return;
                }
                target = read.id();
                continue;
            }
            loaded(state, use, sid, read, requestedId, refresh);
            if (use.session == null) {
                unlockStore(a); // nothing to protect
            }
            return;
        }
    }

    private void loadUnlocked(RequestState state, Use use, SessionId sid, String requestedId) {
        Active a = use.active;
        a.loadLock.lock();
        try {
            if (a.loaded) {
                use.session = a.session;
                return;
            }
            SessionId target = whereToRead(sid);
            if (target == null) {
                storeUnavailable(state, use, sid, requestedId, null);
                return;
            }
            SessionStorage.Read read;
            boolean refresh;
            while (true) {
                try {
                    int ttl = SessionStorage.primaryTtl(manager.defaultMaxInactive());
                    refresh = needsRefresh(target);
                    byte[] value = refresh
                            ? storage.await(storage.store.getAndTouch(target.node(), storage.keys.session(target),
                                    ttl))
                            : storage.await(storage.store.get(target.node(), storage.keys.session(target)));
                    read = resolve(target, sid, value);
                    break;
                } catch (StoreException e) {
                    SessionId elsewhere = elsewhereAfter(e, sid, target);
                    if (elsewhere == null) {
                        storeUnavailable(state, use, sid, requestedId, e);
                        return;
                    }
                    target = elsewhere;
                }
            }
            loaded(state, use, sid, read, requestedId, refresh);
        } finally {
            a.loadLock.unlock();
        }
    }

    /**
     * A node can die a moment before its client notices: the first operations on it fail as unavailable while
     * {@code isAvailable} still says yes. Then the session is read where it moves, from its backup copy, as if the
     * node had been known down. Timeouts do not move sessions: a slow node still holds the current copy.
     *
     * @return the session's id on the node it moves to, or {@code null} to give up
     */
    private SessionId elsewhereAfter(StoreException e, SessionId requested, SessionId failed) {
        if (!(e instanceof dev.msm.api.StoreUnavailableException) || !storage.nodes.hasNodes()
                || !failed.base().equals(requested.base())) {
            return null;
        }
        String node = storage.nodes.relocationTarget(requested.node());
        return node == null ? null : requested.withNode(node);
    }

    /**
     * @return the id to read: the session's own, or its id on the node it moves to when its node is down;
     *         {@code null} when no node is available
     */
    private SessionId whereToRead(SessionId sid) {
        if (!storage.nodes.hasNodes() || storage.nodes.isAvailable(sid.node())) {
            return sid;
        }
        String node = storage.nodes.relocationTarget(sid.node());
        return node == null ? null : sid.withNode(node);
    }

    /**
     * Turns what was read for {@code target} into a session to use: the primary copy, else the backup copy when the
     * primary was lost with its node, following a move.
     */
    private SessionStorage.Read resolve(SessionId target, SessionId requested, byte[] value) {
        SessionStorage.Read read = storage.decodeRead(target, value, false, false);
        if (read != null) {
            return read;
        }
        boolean relocating = !target.base().equals(requested.base());
        SessionStorage.Read backup = storage.readBackup(relocating ? requested : target);
        if (backup == null) {
            return null;
        }
        if (!backup.id().base().equals(relocating ? requested.base() : target.base())) {
            return backup; // a tombstone led elsewhere
        }
        if (!relocating && backup.header().writtenAt() >= epochs.epoch(target.node())) {
            // the primary node did not lose data since the backup was written: the session expired or was removed
            return null;
        }
        return new SessionStorage.Read(target, backup.value(), backup.header(), true);
    }

    /**
     * @return whether a load must refresh the primary copy's time to live: unless this Tomcat refreshed it less than
     *         the slack ago (see {@link SessionStorage#primaryTtl})
     */
    private boolean needsRefresh(SessionId id) {
        Tracked t = tracked.get(id.base());
        if (t == null || t.maxInactive <= 0 || t.sid == null || !t.sid.base().equals(id.base())) {
            return true;
        }
        return System.currentTimeMillis() - t.primaryRefreshedAt >= SessionStorage.slack(t.maxInactive) * 1000L;
    }

    private void loaded(RequestState state, Use use, SessionId requested, SessionStorage.Read read,
            String requestedId, boolean refreshed) {
        Active a = use.active;
        if (read == null) {
            stats.count(Statistics.Counter.LOAD_MISSES);
            a.session = null;
            a.loaded = true;
            use.session = null;
            return;
        }
        SessionId id = read.id().withRoute(requested.route());
        MsmSession s = reuse(read, id);
        if (s == null) {
            s = manager.sessionFrom(storage, read, id.full(), true, false);
            if (s != null && !read.fromBackup()) {
                s.storedValue(read.value());
            }
        }
        if (s == null) {
            a.session = null;
            a.loaded = true;
            use.session = null;
            return;
        }
        if (read.fromBackup()) {
            use.forceWrite = true; // restore the primary (and re-create the backup)
        }
        if (!id.base().equals(requested.base())) {
            use.relocatedFrom = requested;
            use.forceWrite = true;
            stats.count(Statistics.Counter.NODE_FAILOVERS);
            if (!read.id().base().equals(a.base)) {
                rekey(a, id.base());
            }
            changeRequestSessionId(state, id.full());
        }
        a.session = s;
        a.loaded = true;
        use.session = s;
        restorePrincipal(state, s);
        int maxInactive = read.header().maxInactiveInterval();
        if (refreshed && !read.fromBackup() && SessionStorage.primaryTtl(maxInactive)
                != SessionStorage.primaryTtl(manager.defaultMaxInactive())) {
            // the load refreshed the time to live with the default timeout; this session has its own
            storage.store.touch(read.id().node(), storage.keys.session(read.id()),
                    SessionStorage.primaryTtl(maxInactive));
        }
        long now = System.currentTimeMillis();
        track(s, id, now, refreshed && !read.fromBackup() ? now : 0, read.header().writtenAt());
    }

    /** What the authenticator would have done had the session been loaded for it. */
    private static void restorePrincipal(RequestState state, MsmSession s) {
        Request request = state.request;
        if (request != null && s.getPrincipal() != null && request.getUserPrincipal() == null) {
            request.setAuthType(s.getAuthType());
            request.setUserPrincipal(s.getPrincipal());
        }
    }

    private void rekey(Active a, String newBase) {
        String old = a.base;
        active.compute(newBase, (k, v) -> {
            if (v != null && v != a) {
                return v; // another entry exists for the new id; keep both (rare)
            }
            return a;
        });
        active.remove(old, a);
        a.base = newBase;
    }

    private void lockTimedOut(RequestState state, Use use, SessionId sid, String requestedId) {
        stats.count(Statistics.Counter.LOCK_TIMEOUTS);
        if (config.onLockTimeout() == FailureAction.FAIL) {
            // logged where the 503 is answered, once per minute (MsmValve)
            throw new SessionUnavailableException(SessionUnavailableException.Reason.LOCK_TIMEOUT, "Session [" + sid
                    + "] is locked by another request; not locked within [" + config.lockTimeout().toMillis()
                    + " ms]", null);
        }
        manager.warnOnce("locktimeout", "Session [" + sid + "] was not locked within [" + config.lockTimeout()
                .toMillis() + " ms]; the request goes on unlocked (onLockTimeout=proceed; reported once)");
        loadUnlocked(state, use, sid, requestedId);
    }

    private void storeUnavailable(RequestState state, Use use, SessionId sid, String requestedId, Exception cause) {
        manager.storeProblem("Session [" + sid + "] cannot be loaded: no store node answers",
                cause == null ? new StoreException("all nodes down") : cause);
        if (config.onStoreUnavailable() == FailureAction.FAIL) {
            throw new SessionUnavailableException(SessionUnavailableException.Reason.STORE_UNAVAILABLE,
                    "Session [" + sid + "] cannot be loaded: the store is unavailable", cause);
        }
        MsmSession s = (MsmSession) manager.createEmptySession();
        s.setNew(true);
        s.setValid(true);
        s.setCreationTime(System.currentTimeMillis());
        s.setMaxInactiveInterval(manager.defaultMaxInactive());
        s.setTransientCopy(true);
        s.setIdDetached(requestedId);
        use.session = s;
    }

    private void backoff(long startNanos) {
        long waited = System.nanoTime() - startNanos;
        long pause = Math.min(TimeUnit.MILLISECONDS.toNanos(20), Math.max(TimeUnit.MICROSECONDS.toNanos(500),
                waited / 4));
        LockSupport.parkNanos(pause + java.util.concurrent.ThreadLocalRandom.current().nextLong(pause / 2 + 1));
    }

    private byte[] token() {
        return (UUID.randomUUID().toString() + "@" + storage.writer).getBytes(StandardCharsets.US_ASCII);
    }

    private void unlockStore(Active a) {
        if (!a.storeLocked) {
            return;
        }
        a.storeLocked = false;
        SessionId id = a.lockedId;
        byte[] token = a.lockToken;
        if (id != null && token != null && storage.nodes.isAvailable(id.node())) {
            storage.store.deleteIfEquals(id.node(), storage.keys.lock(id), token);
        }
    }

    private void renewLocks() {
        long now = System.currentTimeMillis();
        long half = config.lockExpiration().toMillis() / 2;
        for (Active a : active.values()) {
            SessionId id = a.lockedId;
            if (a.storeLocked && id != null && now - a.lockRenewedAt >= half) {
                a.lockRenewedAt = now;
                storage.store.touch(id.node(), storage.keys.lock(id), lockSeconds);
            }
        }
    }

    // ==================================================================== reuse of the last object

    /**
     * Keeps a session whose last request on this Tomcat ended, for a later load that reads the same stored value.
     * Only a session used by one request at a time and left unchanged since its last load or write qualifies: its
     * state is then exactly that value, so reusing it is indistinguishable from deserializing the value again.
     */
    private void keepIdle(MsmSession s) {
        byte[] value = s.storedValue();
        SessionId sid = s.sessionId();
        if (value == null || sid == null || s.isTransientCopy() || !s.isValidInternalState() || s.isMaybeDirty()) {
            return;
        }
        Tracked t = tracked.get(sid.base());
        if (t == null || t.sid == null || !t.sid.base().equals(sid.base())) {
            return;
        }
        MsmSession before = t.idle.getAndSet(s);
        long delta = idleWeight(s) - (before == null ? 0 : idleWeight(before));
        if (idleBytes.addAndGet(delta) > idleCap && trimming.compareAndSet(false, true)) {
            try {
                scheduler.execute(this::trimIdle);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                trimming.set(false); // closing
            }
        }
    }

    /**
     * @return the session object kept from this Tomcat's last use if {@code read} is the very value it was left
     *         with (re-registered under {@code id}), else {@code null}
     */
    private MsmSession reuse(SessionStorage.Read read, SessionId id) {
        if (read.fromBackup()) {
            return null;
        }
        Tracked t = tracked.get(read.id().base());
        MsmSession s = t == null ? null : t.idle.getAndSet(null);
        if (s == null) {
            return null;
        }
        idleBytes.addAndGet(-idleWeight(s));
        if (!s.isValidInternalState() || s.isMaybeDirty()
                || !java.util.Arrays.equals(s.storedValue(), read.value())) {
            return null; // changed elsewhere since: deserialize what the store holds
        }
        SessionCodec.Header h = read.header();
        s.loaded(h.creationTime(), h.lastAccessedTime(), h.maxInactiveInterval(), System.currentTimeMillis());
        s.clearChangeFlags();
        s.setId(id.full(), false);
        stats.count(Statistics.Counter.LOADS);
        stats.count(Statistics.Counter.LOADS_REUSED);
        return s;
    }

    /** What a kept session costs: its stored value plus the payload it compares with, as a proxy for its objects. */
    private static long idleWeight(MsmSession s) {
        byte[] value = s.storedValue();
        return value == null ? 1024 : 2L * value.length + 1024;
    }

    /** Drops the least recently used kept sessions while they add up to more than the cap; recounts the total. */
    private void trimIdle() {
        try {
            List<Tracked> holding = new ArrayList<>();
            long total = 0;
            for (Tracked t : tracked.values()) {
                MsmSession s = t.idle.get();
                if (s != null) {
                    holding.add(t);
                    total += idleWeight(s);
                }
            }
            if (total > idleCap) {
                holding.sort(java.util.Comparator.comparingLong(t -> t.lastAccess));
                for (Tracked t : holding) {
                    if (total <= idleCap / 4 * 3) {
                        break;
                    }
                    MsmSession s = t.idle.getAndSet(null);
                    if (s != null) {
                        total -= idleWeight(s);
                    }
                }
            }
            idleBytes.set(total);
        } finally {
            trimming.set(false);
        }
    }

    // ==================================================================== create / rename / invalidate

    void created(MsmSession s) {
        RequestState state = RequestState.current();
        SessionId sid = s.sessionId();
        if (sid == null) {
            return;
        }
        if (!storage.nodes.anyAvailable()) {
            s.setTransientCopy(true);
            manager.storeProblem("New session [" + sid + "] is not stored: no store node answers",
                    new StoreException("all nodes down"));
            return;
        }
        if (state == null) {
            // created outside a request: store it now
            writeNow(s, sid, true);
            return;
        }
        Active a = active.compute(sid.base(), (k, v) -> {
            Active x = v == null ? new Active(k) : v;
            if (x.users.incrementAndGet() > 1) {
                x.shared = true;
            }
            return x;
        });
        a.session = s;
        a.loaded = true;
        Use use = new Use(a);
        use.session = s;
        use.forceWrite = true;
        state.uses.add(use);
    }

    void idChanged(MsmSession s, String oldId) {
        SessionId old = manager.parseId(oldId);
        SessionId now = s.sessionId();
        if (old == null || now == null || old.base().equals(now.base())) {
            return;
        }
        RequestState state = RequestState.current();
        Use use = null;
        if (state != null) {
            for (Use u : state.uses) {
                if (u.session == s) {
                    use = u;
                }
            }
        }
        if (use == null) {
            writeNow(s, now, true);
            storage.delete(old);
            return;
        }
        Active a = use.active;
        if (use.relocatedFrom == null) {
            use.renamedFrom = old;
        }
        use.forceWrite = true;
        if (a.storeLocked) {
            // the lock belongs to the old id: released at the end; the new id is unknown to anyone else
            use.oldLockId = a.lockedId;
            use.oldLockToken = a.lockToken;
            a.storeLocked = false;
            a.lockedId = null;
        }
        rekey(a, now.base());
        Tracked t = tracked.remove(old.base());
        if (t != null) {
            track(s, now, t.lastAccess, t.primaryRefreshedAt, t.backupRefreshedAt);
        }
    }

    /** Invalidation by the application, or expiry fired by this Tomcat. */
    void expiring(MsmSession s, boolean notify) {
        SessionId sid = s.sessionId();
        if (sid != null && !s.isTransientCopy()) {
            tracked.remove(sid.base());
            storage.deleteNow(sid); // gone before the response, for the next request on any Tomcat
        }
        s.expireLocally(notify);
    }

    // ==================================================================== release (end of request)

    private void release(RequestState state, Use use) {
        Active a = use.active;
        MsmSession s = use.session;
        boolean lastLocker = use.locked && !a.jvmLock.hasQueuedThreads();
        boolean unlockPipelined = false;
        try {
            if (s != null && !state.ignored && !s.isTransientCopy() && s.isValidInternalState()
                    && (use.forceWrite || s.isMaybeDirty())) {
                unlockPipelined = store(state, use, s, lastLocker);
            }
            if (s != null && !s.isValidInternalState() && use.renamedFrom != null) {
                storage.delete(use.renamedFrom);
            }
        } finally {
            if (use.oldLockId != null) {
                SessionId id = use.oldLockId;
                if (storage.nodes.isAvailable(id.node())) {
                    storage.store.deleteIfEquals(id.node(), storage.keys.lock(id), use.oldLockToken);
                }
            }
            if (use.locked) {
                if (lastLocker && a.storeLocked && !unlockPipelined) {
                    unlockStore(a);
                } else if (!lastLocker && a.storeLocked && a.lockedId != null
                        && System.currentTimeMillis() - a.lockRenewedAt >= config.lockExpiration().toMillis() / 2) {
                    a.lockRenewedAt = System.currentTimeMillis();
                    storage.store.touch(a.lockedId.node(), storage.keys.lock(a.lockedId), lockSeconds);
                }
                a.jvmLock.release();
            }
            boolean[] last = {false};
            boolean[] orphan = {false};
            active.compute(a.base, (k, v) -> {
                if (v != a) {
                    orphan[0] = true; // another entry took this id (two requests moved the same session)
                    return v;
                }
                if (v.users.decrementAndGet() <= 0) {
                    last[0] = true;
                    return null;
                }
                return v;
            });
            if (orphan[0] && a.users.decrementAndGet() <= 0) {
                last[0] = true;
            }
            if (last[0]) {
                if (a.storeLocked) {
                    unlockStore(a);
                }
                MsmSession current = a.session;
                if (current != null) {
                    manager.sessionMap().remove(current.getIdInternal(), current);
                }
                if (s != null && s != current) {
                    manager.sessionMap().remove(s.getIdInternal(), s);
                }
                if (s != null && s == current && !a.shared && !state.ignored) {
                    keepIdle(s);
                }
            }
        }
    }

    /**
     * Writes the session if it changed (or must be written), before the response completes.
     *
     * @param unlock also release the store lock, pipelined after the write
     * @return whether the unlock was issued
     */
    private boolean store(RequestState state, Use use, MsmSession s, boolean unlock) {
        SessionId sid = s.sessionId();
        if (sid == null) {
            return false;
        }
        long start = System.nanoTime();
        SessionCodec.Encoded encoded = encode(s, sid);
        if (encoded == null) {
            return false;
        }
        stats.time(Statistics.Timer.SERIALIZATION, start);
        if (!use.forceWrite && s.unchanged(encoded.payload())) {
            stats.count(Statistics.Counter.WRITES_SKIPPED_UNCHANGED);
            return false;
        }
        state.modified = true;
        Active a = use.active;
        int maxInactive = s.getMaxInactiveInterval();
        SessionId target = sid;
        if (storage.nodes.hasNodes() && !storage.nodes.isAvailable(sid.node())) {
            target = relocateForWrite(state, use, s, sid);
            if (target == null) {
                return false;
            }
        }
        boolean unlockIssued = false;
        try {
            CompletableFuture<Void> primary = storage.write(target, encoded.value(), maxInactive);
            if (unlock && a.storeLocked && a.lockedId != null
                    && java.util.Objects.equals(a.lockedId.node(), target.node())) {
                unlockStore(a); // same node, same connection: processed after the write
                unlockIssued = true;
            }
            storage.await(primary);
            s.stored(encoded.payload(), true, System.currentTimeMillis());
            s.storedValue(encoded.value());
            stats.time(Statistics.Timer.WRITE, start);
            long now = System.currentTimeMillis();
            track(s, target, now, now, now);
            afterMove(use, target, maxInactive);
            manager.storeRecovered();
            return unlockIssued;
        } catch (StoreException e) {
            stats.count(Statistics.Counter.WRITE_FAILURES);
            if (storage.nodes.hasNodes() && !storage.nodes.isAvailable(target.node())) {
                SessionId moved = relocateForWrite(state, use, s, target);
                if (moved != null) {
                    try {
                        storage.await(storage.write(moved, encoded.value(), maxInactive));
                        s.stored(encoded.payload(), true, System.currentTimeMillis());
                        s.storedValue(encoded.value());
                        afterMove(use, moved, maxInactive);
                        return unlockIssued;
                    } catch (StoreException again) {
                        e = again;
                    }
                }
            }
            manager.storeProblem("Session [" + sid + "] could not be written; this request's changes are lost", e);
            return unlockIssued;
        } catch (IllegalArgumentException e) {
            stats.count(Statistics.Counter.WRITE_FAILURES);
            manager.reportTooLarge(storage, s, encoded.value().length, e);
            return unlockIssued;
        }
    }

    private SessionCodec.Encoded encode(MsmSession s, SessionId sid) {
        for (int attempt = 1;; attempt++) {
            s.clearChangeFlags();
            try {
                return manager.encode(s, storage);
            } catch (ConcurrentModificationException e) {
                if (attempt >= SERIALIZATION_ATTEMPTS) {
                    s.markDirty();
                    manager.storeProblem("Session [" + sid + "] changed during each of " + attempt
                            + " serializations; this request's changes are not stored", e);
                    return null;
                }
            } catch (SerializationException e) {
                s.markDirty();
                manager.reportUnserializable(s, e);
                return null;
            }
        }
    }

    /** The session's node is down at write time: move it; the client gets the new id if the response allows. */
    private SessionId relocateForWrite(RequestState state, Use use, MsmSession s, SessionId sid) {
        String node = storage.nodes.relocationTarget(sid.node());
        if (node == null) {
            manager.storeProblem("Session [" + sid + "] could not be written: no store node answers",
                    new StoreException("all nodes down"));
            return null;
        }
        SessionId moved = sid.withNode(node);
        if (use.relocatedFrom == null) {
            use.relocatedFrom = sid;
        }
        s.setIdDetached(moved.full());
        manager.sessionMap().remove(sid.full(), s);
        manager.sessionMap().put(moved.full(), s);
        rekey(use.active, moved.base());
        changeRequestSessionId(state, moved.full());
        stats.count(Statistics.Counter.NODE_FAILOVERS);
        return moved;
    }

    /** After a write under a new id: point the old one at it, or (new id after login) remove the old copies. */
    private void afterMove(Use use, SessionId now, int maxInactive) {
        if (use.relocatedFrom != null && !use.relocatedFrom.base().equals(now.base())) {
            storage.leaveTombstone(use.relocatedFrom, now, maxInactive);
            tracked.remove(use.relocatedFrom.base());
            use.relocatedFrom = null;
        }
        if (use.renamedFrom != null) {
            storage.delete(use.renamedFrom);
            tracked.remove(use.renamedFrom.base());
            use.renamedFrom = null;
        }
        use.forceWrite = false;
    }

    private void writeNow(MsmSession s, SessionId sid, boolean force) {
        SessionCodec.Encoded encoded = encode(s, sid);
        if (encoded == null) {
            return;
        }
        try {
            storage.await(storage.write(sid, encoded.value(), s.getMaxInactiveInterval()));
            s.stored(encoded.payload(), true, System.currentTimeMillis());
        } catch (StoreException e) {
            manager.storeProblem("Session [" + sid + "] could not be written", e);
        }
    }

    private void changeRequestSessionId(RequestState state, String newId) {
        if (state == null || state.request == null) {
            return;
        }
        try {
            state.request.changeSessionId(newId);
        } catch (IllegalStateException e) {
            if (log.isDebugEnabled()) {
                log.debug("Session id of the request could not be changed to [" + newId + "]: " + e);
            }
        }
    }

    // ==================================================================== tracking, keep-alive, expiry

    /**
     * @param refreshedAt when this Tomcat last set the primary copy's time to live, 0 when it did not now
     */
    private void track(MsmSession s, SessionId sid, long accessedAt, long refreshedAt, long backupWrittenAt) {
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

    /** Reads refresh the primary's time to live only; the backup must outlive it, so it is touched now and then. */
    private void refreshBackupIfOld(Tracked t) {
        int maxInactive = t.maxInactive;
        if (maxInactive <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        long backupExpires = t.backupRefreshedAt + storage.backupTtl(maxInactive) * 1000L;
        long needed = now + maxInactive * 1000L + SessionStorage.backupExtra(maxInactive) * 500L;
        if (backupExpires < needed) {
            SessionId sid = t.sid;
            String node = storage.nodes.hasNodes() ? storage.backupNode(sid.node()) : null;
            if (storage.nodes.hasNodes() && node == null) {
                return;
            }
            t.backupRefreshedAt = now;
            stats.count(Statistics.Counter.TOUCHES);
            storage.store.touch(node, storage.keys.backup(sid), storage.backupTtl(maxInactive));
        }
    }

    /**
     * A request with the session's id that did not use the session: keep it alive. Free when this Tomcat refreshed
     * it recently; otherwise one touch (or, for a session this Tomcat does not know, one get-and-touch to learn its
     * timeout) in the background.
     */
    private void keepAlive(SessionId sid, String fullId) {
        long now = System.currentTimeMillis();
        Tracked t = tracked.get(sid.base());
        if (t != null) {
            t.lastAccess = now;
            if (t.maxInactive <= 0 || now - t.primaryRefreshedAt < SessionStorage.slack(t.maxInactive) * 1000L) {
                return;
            }
        }
        if (!storage.nodes.isAvailable(sid.node())) {
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
        stats.count(Statistics.Counter.TOUCHES);
        CompletableFuture<?> f;
        if (target.maxInactive > 0) {
            f = storage.store.touch(sid.node(), storage.keys.session(sid),
                    SessionStorage.primaryTtl(target.maxInactive)).thenAccept(found -> {
                        if (found) {
                            target.primaryRefreshedAt = now;
                            refreshBackupIfOld(target);
                        } else {
                            tracked.remove(sid.base(), target);
                        }
                    });
        } else {
            int ttl = SessionStorage.primaryTtl(manager.defaultMaxInactive());
            f = storage.store.getAndTouch(sid.node(), storage.keys.session(sid), ttl).thenAccept(value -> {
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
                if (h.maxInactiveInterval() != manager.defaultMaxInactive()) {
                    storage.store.touch(sid.node(), storage.keys.session(sid),
                            SessionStorage.primaryTtl(h.maxInactiveInterval()));
                }
                refreshBackupIfOld(target);
            });
        }
        f.whenComplete((r, e) -> target.touching = false);
    }

    /**
     * Fires the expiry of sessions this Tomcat served whose time is up and whose primary copy is gone, claiming each
     * with an atomic add so that one Tomcat fires it.
     */
    void processExpires() {
        if (idleBytes.get() > 0 && trimming.compareAndSet(false, true)) {
            trimIdle(); // recounts what entries dropped since took with them
        }
        long now = System.currentTimeMillis();
        List<Tracked> due = new ArrayList<>();
        for (Tracked t : tracked.values()) {
            if (t.maxInactive <= 0 || t.sid == null || active.containsKey(t.sid.base())) {
                continue;
            }
            if (now < t.lastAccess + t.maxInactive * 1000L + 1000L
                    || now < t.primaryRefreshedAt + SessionStorage.primaryTtl(t.maxInactive) * 1000L + 1000L) {
                continue; // not expired as far as this Tomcat knows, or its primary copy may still be there
            }
            if (!storage.nodes.isAvailable(t.sid.node())) {
                continue;
            }
            Long recovered = recoveredAt.get(String.valueOf(t.sid.node()));
            if (recovered != null && now - recovered < 5000) {
                continue; // let the recovery sweep restore copies first
            }
            due.add(t);
            if (due.size() >= 1000) {
                break;
            }
        }
        if (due.isEmpty()) {
            return;
        }
        List<CompletableFuture<byte[]>> reads = new ArrayList<>(due.size());
        for (Tracked t : due) {
            reads.add(storage.store.get(t.sid.node(), storage.keys.session(t.sid)));
        }
        for (int i = 0; i < due.size(); i++) {
            Tracked t = due.get(i);
            try {
                byte[] primary = storage.await(reads.get(i));
                if (primary != null) {
                    // someone used it after this Tomcat did: that Tomcat tracks it now
                    tracked.remove(t.sid.base(), t);
                    continue;
                }
                if (epochs.epoch(t.sid.node()) > t.lastAccess) {
                    // the node lost its data after our last access: we cannot tell; restore and wait another period
                    restorePrimary(t);
                    continue;
                }
                byte[] claim = storage.writer.getBytes(StandardCharsets.US_ASCII);
                int claimTtl = Math.max(600, t.maxInactive);
                if (!storage.await(storage.store.add(t.sid.node(), storage.keys.expiryClaim(t.sid), claim,
                        claimTtl))) {
                    tracked.remove(t.sid.base(), t);
                    continue;
                }
                fireExpiry(t);
            } catch (StoreException e) {
                manager.storeProblem("Expiry of session [" + t.sid + "] postponed", e);
            }
        }
    }

    private void restorePrimary(Tracked t) {
        SessionStorage.Read backup = storage.readBackup(t.sid);
        if (backup == null) {
            tracked.remove(t.sid.base(), t);
            return;
        }
        storage.await(storage.store.add(t.sid.node(), storage.keys.session(t.sid), backup.value(),
                SessionStorage.primaryTtl(t.maxInactive)));
        t.lastAccess = System.currentTimeMillis();
        t.primaryRefreshedAt = t.lastAccess;
    }

    private void fireExpiry(Tracked t) {
        tracked.remove(t.sid.base(), t);
        SessionStorage.Read backup = storage.readBackup(t.sid);
        MsmSession s = null;
        if (backup != null && backup.id().base().equals(t.sid.base())) {
            s = manager.sessionFrom(storage, backup, t.fullId, false, false);
        }
        if (s == null) {
            // no readable copy left: the event still fires, without attributes
            s = (MsmSession) manager.createEmptySession();
            s.loaded(t.lastAccess, t.lastAccess, t.maxInactive, t.lastAccess);
            s.setIdDetached(t.fullId);
        }
        s.setTransientCopy(true);
        stats.count(Statistics.Counter.EXPIRIES);
        try {
            s.expireLocally(true);
        } finally {
            storage.delete(t.sid);
        }
    }

    /**
     * A node is back (maybe empty): re-read its epoch, and re-create the copies it should hold of the sessions this
     * Tomcat tracks, from their other copy. Runs in the background.
     */
    void nodeAvailable(String node) {
        manager.storeRecovered();
        recoveredAt.put(String.valueOf(node), System.currentTimeMillis());
        repairs.incrementAndGet();
        try {
            scheduler.execute(() -> {
                try {
                    repairAll(node);
                } finally {
                    repairs.decrementAndGet();
                    repairsCompleted.incrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            repairs.decrementAndGet();
        }
    }

    private void repairAll(String node) {
        epochs.refresh(node);
        for (Tracked t : new ArrayList<>(tracked.values())) {
            SessionId sid = t.sid;
            if (sid == null || active.containsKey(sid.base())) {
                continue;
            }
            try {
                repair(t, sid, node);
            } catch (StoreException | IllegalArgumentException e) {
                log.debug("Copies of session [" + sid + "] not repaired: " + e);
            }
        }
        recoveredAt.remove(String.valueOf(node));
    }

    int pendingRepairs() {
        return repairs.get();
    }

    long repairsCompleted() {
        return repairsCompleted.get();
    }

    private void repair(Tracked t, SessionId sid, String node) {
        int ttl = SessionStorage.primaryTtl(t.maxInactive);
        boolean primaryHere = node == null || node.equals(sid.node());
        String backupNode = storage.nodes.hasNodes() ? storage.backupNode(sid.node()) : null;
        if (primaryHere) {
            byte[] primary = storage.await(storage.store.get(sid.node(), storage.keys.session(sid)));
            if (primary == null) {
                SessionStorage.Read backup = storage.readBackup(sid);
                if (backup != null && backup.id().base().equals(sid.base())) {
                    storage.await(storage.store.add(sid.node(), storage.keys.session(sid), backup.value(), ttl));
                    t.primaryRefreshedAt = System.currentTimeMillis();
                }
            } else if (backupNode != null && !backupNode.equals(sid.node())) {
                storage.store.add(backupNode, storage.keys.backup(sid), primary, storage.backupTtl(t.maxInactive));
            }
        } else if (node.equals(backupNode)) {
            byte[] primary = storage.nodes.isAvailable(sid.node())
                    ? storage.await(storage.store.get(sid.node(), storage.keys.session(sid))) : null;
            if (primary != null) {
                storage.await(storage.store.add(node, storage.keys.backup(sid), primary,
                        storage.backupTtl(t.maxInactive)));
                t.backupRefreshedAt = System.currentTimeMillis();
            }
        }
    }

    /** Takes over what a replaced instance (runtime reconfiguration) tracked for expiry. */
    void adopt(NonStickySessions old) {
        for (Map.Entry<String, Tracked> e : old.tracked.entrySet()) {
            e.getValue().idle.set(null);
            tracked.putIfAbsent(e.getKey(), e.getValue());
        }
    }

    // ==================================================================== stop

    void stop() {
        // requests still running finish with their own release; tracked sessions stay in the store
    }

    void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests and JMX: how many sessions this Tomcat tracks for expiry. */
    int trackedCount() {
        return tracked.size();
    }

    /** For tests and JMX: sessions in use by requests now. */
    int activeCount() {
        return active.size();
    }

    Duration lockTimeout() {
        return config.lockTimeout();
    }

    List<StoreNode> nodes() {
        return storage.store.nodes();
    }
}

package dev.msm.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.catalina.Session;
import org.apache.catalina.connector.Request;

import dev.msm.api.StoreException;
import dev.msm.core.keys.SessionId;

/**
 * Non-sticky mode: the store holds the session; a Tomcat holds it in memory only while requests use it.
 *
 * <p>One request's story, in the order of this class: <b>find</b> (the first {@code getSession()} asks for the id)
 * &rarr; <b>lock</b> (if the {@link LockPolicy} says so: the turn among this Tomcat's requests for the session,
 * {@link LocalLocks}, then the {@link StoreLock}, pipelined with the load) &rarr; <b>load</b> ({@link SessionReader}:
 * get-and-touch, failover to the backup copy; or the idle object kept by {@link IdleSessions}) &rarr; <b>serve</b>
 * &rarr; <b>detect change</b> and <b>store</b> ({@link SessionWriter}: only changed bytes, primary and backup copy in
 * parallel, before the response completes or commits) &rarr; <b>unlock</b> (pipelined after the write; or handed to
 * the next request of this Tomcat waiting for the same session, without a store round-trip). A request that never
 * calls {@code getSession()} costs nothing; its session is kept alive in the background ({@link SessionTracker}).
 * What cannot be done as usual ends as configured ({@link FailurePolicy}); a change that could not be written is
 * answered 503, never acknowledged (issue 14).
 *
 * <p>Around the story: the sessions in use ({@link ActiveSessions}), expiry ({@link ExpirySweeper}), repair of
 * copies after a node came back ({@link NodeRepair}), the background threads ({@link EngineThreads}).
 */
final class NonStickySessions implements SessionMode {

    private final ModeContext context;
    private final StoreProblems problems;
    private final EngineClock clock;
    private final SessionStorage storage;
    private final ManagerConfig config;
    private final Statistics stats;
    private final ActiveSessions active = new ActiveSessions();
    private final SessionTracker tracker;
    private final IdleSessions idle;
    private final LockPolicy lockPolicy;
    private final LocalLocks localLocks;
    private final FailurePolicy failures;
    private final SessionReader reader;
    private final SessionWriter writer;
    private final ExpirySweeper sweeper;
    private final NodeRepair repair;
    private final SessionBytes bytes;
    private final EngineThreads threads;

    NonStickySessions(ModeContext context, SessionStorage storage, SessionBytes bytes, ManagerConfig config,
            String name) {
        this.context = context;
        this.problems = context.problems();
        this.clock = context.clock();
        this.storage = storage;
        this.bytes = bytes;
        this.config = config;
        this.stats = storage.stats;
        // locks renew on a thread of their own: never behind repair, idle trimming or a hung node's wait
        this.threads = new EngineThreads(name, Math.max(250, config.lockExpiration().toMillis() / 3),
                active::renewLocks);
        NodeEpochs epochs = new NodeEpochs(storage, clock);
        this.tracker = new SessionTracker(storage, clock, context::defaultMaxInactive);
        this.idle = new IdleSessions(tracker, stats, clock, threads.work(),
                Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 64));
        this.lockPolicy = new LockPolicy(config);
        this.localLocks = new LocalLocks(clock, stats, config.maxLockWaiters());
        this.failures = new FailurePolicy(config, context, stats);
        this.reader = new SessionReader(storage, tracker, epochs, clock,
                (int) Math.max(1, config.lockExpiration().toSeconds()));
        this.writer = new SessionWriter(storage, bytes, tracker, active, context,
                config.lockingMode() == LockingMode.ALL && config.onLockTimeout() == FailureAction.FAIL);
        this.repair = new NodeRepair(storage, epochs, tracker, active, clock, threads.work());
        this.sweeper = new ExpirySweeper(storage, tracker, active, epochs, repair, bytes, context);
        epochs.refreshAll();
        epochs.watchFences();
    }

    // ==================================================================== request bracket

    /**
     * Nothing up front (sessions load when the application asks for them), except when no store node is available
     * and {@code onStoreUnavailable} is {@code fail}: a request with a session id is answered 503 at once, before
     * the application runs.
     */
    @Override
    public void begin(RequestState state) {
        if (state.ignored || state.request == null) {
            return;
        }
        state.refused = failures.refusedUpFront(state, storage.anyAvailable());
        if (state.refused != null) {
            return;
        }
        state.commitHook = CommitHook.install(state.request, () -> beforeCommit(state));
        if (!context.withoutLogin()) {
            preload(state);
        }
    }

    /**
     * A context with a login-config: Tomcat's authenticator reads the session of every request with a session id
     * before the application's filter chain, where a refusal would reach Tomcat as an exception logged as SEVERE.
     * Loading it here costs nothing more and lets {@link MsmValve} answer 503 before the application runs (issue 14).
     */
    private void preload(RequestState state) {
        String requested = state.request.getRequestedSessionId();
        if (requested == null) {
            return;
        }
        RequestState previous = RequestState.enter(state);
        try {
            find(requested);
        } catch (SessionUnavailableException e) {
            // state.refused is set: the valve answers 503
        } finally {
            RequestState.leave(previous);
        }
    }

    /**
     * The response commits before the request ends (a forward, a closed output stream, a page larger than the
     * response buffer): store the request's sessions now, while the client cannot yet send its next request; keep
     * the locks until the request ends.
     *
     * @return {@code false} when a change could not be written: the response then commits as a 503
     */
    private boolean beforeCommit(RequestState state) {
        boolean stored = true;
        for (ActiveSessions.Use use : state.uses) {
            if (use.mustWrite()) {
                writer.store(state, use, use.session, false);
            }
            stored &= refuseIfLost(state, use);
        }
        state.refusedAtCommit = !stored;
        return stored;
    }

    /** @return whether the use's changes are stored; if not, the request is refused: never acknowledged (issue 14) */
    private static boolean refuseIfLost(RequestState state, ActiveSessions.Use use) {
        if (use.lost != null && state.refused == null) {
            state.refused = use.lost;
        }
        return use.lost == null;
    }

    @Override
    public void end(RequestState state) {
        CommitHook hook = state.commitHook;
        if (hook != null) {
            state.commitHook = null;
            hook.uninstall();
        }
        Request request = state.request;
        if (state.uses.isEmpty() && request != null && !state.ignored && state.refused == null) {
            // the request carried a session id but never asked for the session: keep it alive, in the background
            String requested = request.getRequestedSessionId();
            SessionId sid = requested == null ? null : context.parseId(requested);
            if (sid != null) {
                tracker.keepAlive(sid, requested);
            }
        }
        List<ActiveSessions.Use> uses = new ArrayList<>(state.uses);
        state.uses.clear();
        for (ActiveSessions.Use use : uses) {
            release(state, use);
            refuseIfLost(state, use);
        }
        if (!uses.isEmpty()) {
            lockPolicy.ended(state);
        }
    }

    // ==================================================================== find

    @Override
    public Session find(String id) {
        SessionId sid = context.parseId(id);
        if (sid == null) {
            stats.count(Statistics.Counter.INVALID_IDS);
            return null;
        }
        RequestState state = context.currentRequest();
        if (state == null) {
            return detached(sid, id);
        }
        for (ActiveSessions.Use use : state.uses) {
            if (use.active.base.equals(sid.base())) {
                return use.session;
            }
        }
        if (state.ending || state.ignored) {
            // requestUriIgnorePattern: such requests never load a session (a getSession(true) here starts a new one)
            return null;
        }
        if (!state.inApplication && state.request != null && context.withoutLogin()) {
            // Tomcat's NonLoginAuthenticator looking for a cached principal: not worth a load (see ApplicationMarker)
            return null;
        }
        ActiveSessions.Use use = new ActiveSessions.Use(active.join(sid.base()));
        state.uses.add(use);
        try {
            if (!state.ignored && lockPolicy.locks(state)) {
                lockAndLoad(state, use, sid, id);
            } else {
                loadUnlocked(state, use, sid, id);
            }
        } catch (SessionUnavailableException e) {
            state.refused = e;
            stats.count(Statistics.Counter.REQUESTS_REFUSED);
            throw e;
        }
        return use.session;
    }

    /** A lookup outside any request (another context's check, JMX): a read-only copy, never written back. */
    private Session detached(SessionId sid, String id) {
        ActiveSessions.Active a = active.get(sid.base());
        if (a != null && a.session != null) {
            return a.session;
        }
        SessionStorage.Read read = reader.readCopy(sid);
        MsmSession s = read == null ? null : bytes.toSession(read, id, false, false);
        if (s != null) {
            s.setTransientCopy(true);
        }
        return s;
    }

    // ==================================================================== lock + load

    private void lockAndLoad(RequestState state, ActiveSessions.Use use, SessionId sid, String requestedId) {
        ActiveSessions.Active a = use.active;
        SessionReader.LockWait wait = reader.new LockWait(config.lockTimeout().toNanos());
        if (!localLocks.take(a, wait.deadlineNanos(), sid)) {
            lockTimedOut(state, use, sid, requestedId);
            return;
        }
        use.locked = true;
        if (a.storeLocked()) {
            // handed over by the previous request of this Tomcat: no store round-trip
            use.session = a.session;
            stats.time(Statistics.Timer.LOCK_WAIT, wait.startNanos());
            return;
        }
        SessionReader.Outcome read = reader.read(sid, context.defaultMaxInactive(), wait);
        if (read.lockTimedOut()) {
            lockTimedOut(state, use, sid, requestedId);
        } else if (read.unavailable()) {
            use.session = failures.storeUnavailable(sid, requestedId, read.cause());
        } else {
            a.lock = read.lock();
            loaded(state, use, sid, read.read(), read.refreshed());
            if (use.session == null) {
                a.unlockStore(); // nothing to protect
            }
        }
    }

    private void loadUnlocked(RequestState state, ActiveSessions.Use use, SessionId sid, String requestedId) {
        ActiveSessions.Active a = use.active;
        a.loadLock.lock();
        try {
            if (a.loaded) {
                use.session = a.session;
                return;
            }
            SessionReader.Outcome read = reader.read(sid, context.defaultMaxInactive(), null);
            if (read.unavailable()) {
                use.session = failures.storeUnavailable(sid, requestedId, read.cause());
            } else {
                loaded(state, use, sid, read.read(), read.refreshed());
            }
        } finally {
            a.loadLock.unlock();
        }
    }

    private void loaded(RequestState state, ActiveSessions.Use use, SessionId requested, SessionStorage.Read read,
            boolean refreshed) {
        ActiveSessions.Active a = use.active;
        MsmSession s = null;
        SessionId id = null;
        if (read == null) {
            stats.count(Statistics.Counter.LOAD_MISSES);
        } else {
            id = read.id().withRoute(requested.route());
            s = idle.reuse(read, id);
            if (s == null) {
                s = bytes.toSession(read, id.full(), true, false);
                if (s != null && !read.fromBackup()) {
                    s.storedValue(read.value());
                }
            }
        }
        a.loaded = true;
        a.session = s;
        use.session = s;
        if (s == null) {
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
                active.rekey(a, id.base());
            }
            state.changeSessionId(id.full());
        }
        state.restorePrincipal(s);
        int maxInactive = read.header().maxInactiveInterval();
        if (refreshed && !read.fromBackup() && TimeToLive.primary(maxInactive)
                != TimeToLive.primary(context.defaultMaxInactive())) {
            // the load refreshed the time to live with the default timeout; this session has its own
            storage.touch(read.id(), TimeToLive.primary(maxInactive));
        }
        long now = clock.millis();
        tracker.track(s, id, now, refreshed && !read.fromBackup() ? now : 0, read.header().writtenAt());
    }

    /** The lock did not come in time: refused, or (onLockTimeout=proceed) loaded unlocked. */
    private void lockTimedOut(RequestState state, ActiveSessions.Use use, SessionId sid, String requestedId) {
        failures.lockTimedOut(sid);
        loadUnlocked(state, use, sid, requestedId);
    }

    // ==================================================================== create / rename / invalidate

    @Override
    public void created(MsmSession s) {
        RequestState state = context.currentRequest();
        SessionId sid = s.sessionId();
        if (sid == null) {
            return;
        }
        if (!storage.anyAvailable()) {
            s.setTransientCopy(true);
            problems.storeProblem("New session [" + sid + "] is not stored: no store node answers",
                    new StoreException("all nodes down"));
            return;
        }
        if (state == null) {
            writer.writeNow(s, sid); // created outside a request: store it now
            return;
        }
        ActiveSessions.Active a = active.join(sid.base());
        a.session = s;
        a.loaded = true;
        ActiveSessions.Use use = new ActiveSessions.Use(a);
        use.session = s;
        use.forceWrite = true;
        state.uses.add(use);
    }

    @Override
    public void idChanged(MsmSession s, String oldId) {
        SessionId old = context.parseId(oldId);
        SessionId now = s.sessionId();
        if (old == null || now == null || old.base().equals(now.base())) {
            return;
        }
        RequestState state = context.currentRequest();
        ActiveSessions.Use use = state == null ? null : state.useOf(s);
        if (use == null) {
            writer.writeNow(s, now);
            storage.delete(old);
            return;
        }
        ActiveSessions.Active a = use.active;
        if (use.relocatedFrom == null) {
            use.renamedFrom = old;
        }
        use.forceWrite = true;
        if (a.storeLocked()) {
            // the lock belongs to the old id: released at the end; the new id is unknown to anyone else
            use.oldLock = a.lock;
            a.lock = null;
        }
        active.rekey(a, now.base());
        tracker.renamed(s, old, now);
    }

    /** Invalidation by the application, or expiry fired by this Tomcat. */
    @Override
    public void expiring(MsmSession s, boolean notify) {
        SessionId sid = s.sessionId();
        boolean ours = true;
        if (sid != null && !s.isTransientCopy()) {
            tracker.forget(sid.base());
            // gone before the response, for the next request on any Tomcat; claimed, so that no other Tomcat's
            // sweep fires its events again and no request that loaded it earlier writes it back
            ours = storage.endNow(sid, s.getMaxInactiveInterval());
        }
        s.expireLocally(notify && ours);
    }

    // ==================================================================== store + unlock (end of request)

    private void release(RequestState state, ActiveSessions.Use use) {
        ActiveSessions.Active a = use.active;
        MsmSession s = use.session;
        boolean lastLocker = use.locked && !localLocks.othersWait(a);
        boolean unlocked = false;
        try {
            if (!state.ignored && use.mustWrite()) {
                unlocked = writer.store(state, use, s, lastLocker);
            }
            if (s != null && !s.isValidInternalState() && use.renamedFrom != null) {
                storage.delete(use.renamedFrom);
            }
        } finally {
            boolean handOver = !lastLocker && use.lost == null;
            if (use.lost != null && a.session == s) {
                // the object holds changes the store does not have: the next request loads the session anew
                a.session = null;
                a.loaded = false;
            }
            if (use.oldLock != null) {
                use.oldLock.close();
            }
            if (use.locked) {
                if (!handOver && !unlocked) {
                    a.unlockStore();
                } else if (handOver && a.lock != null) {
                    a.lock.renewIfDue(config.lockExpiration().toMillis() / 2); // handed to the next request
                }
                localLocks.release(a);
            }
            if (active.leave(a)) {
                a.unlockStore();
                MsmSession current = a.session;
                if (current != null) {
                    context.sessions().remove(current.getIdInternal(), current);
                }
                if (s != null && s != current) {
                    context.sessions().remove(s.getIdInternal(), s);
                }
                if (s != null && s == current && !a.shared && !state.ignored) {
                    idle.keep(s);
                }
            }
        }
    }

    // ==================================================================== background, lifecycle

    @Override
    public void processExpires(Runnable inMemory) {
        idle.trim(); // recounts what entries dropped since took with them
        sweeper.sweep();
    }

    /** A node is back (maybe empty): re-create the copies it should hold, in the background. */
    @Override
    public void nodeAvailable(String node) {
        problems.storeRecovered();
        repair.nodeAvailable(node);
    }

    @Override
    public int pendingRepairs() {
        return repair.pending();
    }

    @Override
    public long repairsCompleted() {
        return repair.completed();
    }

    @Override
    public void adopt(SessionMode previous) {
        if (previous instanceof NonStickySessions old) {
            tracker.adopt(old.tracker);
        }
    }

    @Override
    public void stop() {
        // requests still running finish with their own release; tracked sessions stay in the store
    }

    @Override
    public void retire(Duration grace) {
        clock.pause(grace.toNanos());
        close();
    }

    @Override
    public void close() {
        threads.close();
    }
}

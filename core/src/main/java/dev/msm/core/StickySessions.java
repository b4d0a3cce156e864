package dev.msm.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.catalina.Session;
import org.apache.catalina.connector.Request;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.StoreException;
import dev.msm.core.codec.SessionCodec;
import dev.msm.core.keys.SessionId;

/**
 * Sticky mode: sessions live in this Tomcat's memory and are backed up to the store after requests that changed
 * them. The store copy is for failover:
 * <ul>
 * <li>a request whose session id names another Tomcat's jvmRoute (that Tomcat failed) loads the session from the
 * store and continues it here under this Tomcat's route;</li>
 * <li>a request whose session lives on a store node that is down moves the session to another node (new id, cookie
 * sent again) and backs it up there;</li>
 * <li>after a restart, sessions come back from the store on their first request.</li>
 * </ul>
 * Reads cost no store operation: time to live is refreshed in the background, at most once a minute per session.
 */
final class StickySessions implements SessionMode {

    private static final Log log = LogFactory.getLog(StickySessions.class);

    private final ModeContext context;
    private final StoreProblems problems;
    private final EngineClock clock;
    private final SessionBytes bytes;
    private final SessionStorage storage;
    private final ManagerConfig config;
    private final StickyBackups backups;
    private final String route;
    private final NodeEpochs fences;

    StickySessions(ModeContext context, SessionStorage storage, SessionBytes bytes, ManagerConfig config,
            String name) {
        this.context = context;
        this.problems = context.problems();
        this.clock = context.clock();
        this.bytes = bytes;
        this.storage = storage;
        this.config = config;
        this.backups = new StickyBackups(problems, bytes, storage, storage.stats, config.backupInterval(),
                config.backupTimeout(), config.backupThreadCount(), name, clock);
        this.route = context.jvmRoute();
        this.fences = new NodeEpochs(storage, clock);
        fences.watchFences(); // a hung node's old copies are never read (issue 14)
    }

    // ------------------------------------------------------------------ request bracket

    /**
     * Before the application runs: take over a session of another Tomcat, or move a session off a dead node.
     */
    @Override
    public void begin(RequestState state) {
        if (state.ignored) {
            return;
        }
        Request request = state.request;
        String requested = request.getRequestedSessionId();
        if (requested == null) {
            return;
        }
        Session local = context.sessions().get(requested);
        MsmSession session;
        if (local instanceof MsmSession s) {
            // the common case: this Tomcat's own session, the parsed id is cached in it
            session = s;
        } else {
            SessionId sid = context.parseId(requested);
            if (sid == null) {
                storage.stats.count(Statistics.Counter.INVALID_IDS);
                return;
            }
            if (Objects.equals(sid.route(), route)) {
                return; // not in memory: findSession loads it if the application asks
            }
            session = takeOver(sid);
            if (session == null) {
                return;
            }
        }
        SessionId current = session.sessionId();
        if (current != null && storage.hasNodes() && !storage.isAvailable(current.node())) {
            relocate(session, current);
        }
        if (!session.getIdInternal().equals(requested)) {
            changeRequestSessionId(request, session.getIdInternal());
        }
    }

    /** After the application (and its error pages) ran: schedule a backup if the session may have changed. */
    @Override
    public void end(RequestState state) {
        if (state.ignored) {
            return;
        }
        MsmSession s = state.stickySession;
        if (s == null && state.request != null) {
            state.ending = true;
            try {
                Session held = state.request.getSessionInternal(false);
                s = held instanceof MsmSession m ? m : null;
            } finally {
                state.ending = false;
            }
        }
        if (s == null || !s.isValidInternalState() || s.isTransientCopy()) {
            return;
        }
        if (!s.isMaybeDirty()) {
            return;
        }
        if (config.backupAsync()) {
            backups.afterRequest(s);
        } else {
            backups.backupNow(s, config.backupTimeout());
        }
    }

    // ------------------------------------------------------------------ lookups

    @Override
    public Session find(String id) {
        RequestState state = context.currentRequest();
        Session local = context.sessions().get(id);
        if (local != null) {
            if (state != null && local instanceof MsmSession s) {
                state.stickySession = s;
            }
            return local;
        }
        if (state != null && (state.ending || state.ignored)) {
            return null;
        }
        SessionId sid = context.parseId(id);
        if (sid == null) {
            return null;
        }
        // not in memory: this Tomcat restarted, or the context was reloaded; the store has it
        MsmSession loaded = load(sid, sid.withRoute(route));
        if (loaded != null && state != null) {
            state.stickySession = loaded;
            if (!loaded.getIdInternal().equals(id)) {
                changeRequestSessionId(state.request, loaded.getIdInternal());
            }
        }
        return loaded;
    }

    @Override
    public void created(MsmSession s) {
        RequestState state = context.currentRequest();
        if (state != null) {
            state.stickySession = s;
        }
    }

    /** The session of another Tomcat (a different jvmRoute): read it from the store and continue it here. */
    private MsmSession takeOver(SessionId sid) {
        SessionId mine = sid.withRoute(route);
        Session stale = context.sessions().get(mine.full());
        MsmSession loaded = load(sid, mine);
        if (loaded != null) {
            storage.stats.count(Statistics.Counter.TOMCAT_FAILOVERS);
            if (stale instanceof MsmSession old && old != loaded) {
                discardQuietly(old);
                context.sessions().put(loaded.getIdInternal(), loaded);
            }
            // this Tomcat owns the session now: its next backup says so
            loaded.markDirty();
            return loaded;
        }
        return stale instanceof MsmSession s ? s : null;
    }

    /**
     * Reads a session from the store (primary, else backup; moving it if its node is down) and adds it to memory.
     *
     * @param sid  the id the request asked for
     * @param want the id the session gets here (this Tomcat's route)
     */
    private MsmSession load(SessionId sid, SessionId want) {
        SessionStorage.Read read;
        try {
            read = read(sid);
        } catch (StoreException e) {
            problems.storeProblem("Session [" + sid + "] could not be read from the store", e);
            return null;
        }
        if (read == null) {
            storage.stats.count(Statistics.Counter.LOAD_MISSES);
            return null;
        }
        SessionId id = read.id().withRoute(route);
        MsmSession s = bytes.toSession(read, id.full());
        if (s == null) {
            return null;
        }
        if (read.fromBackup() || !read.id().base().equals(want.base())) {
            s.forgetStored(); // the primary copy is missing or elsewhere: write both copies
        }
        return s;
    }

    private SessionStorage.Read read(SessionId sid) {
        if (storage.hasNodes() && !storage.isAvailable(sid.node())) {
            return readElsewhere(sid);
        }
        byte[] value;
        try {
            value = storage.await(storage.load(sid, -1));
        } catch (StoreException e) {
            if (!storage.hasNodes()) {
                throw e;
            }
            // the node failed just now (e.g. killed together with the Tomcat that owned the session), before this
            // Tomcat's client noticed: the backup copy on another node is as recent as the primary was
            if (log.isDebugEnabled()) {
                log.debug("Session [" + sid + "] could not be read from its node, trying its backup: " + e);
            }
            return readElsewhere(sid);
        }
        SessionStorage.Read read = storage.decodeRead(sid, value, false, true);
        if (read != null) {
            return fences.confirmed(read);
        }
        return storage.readBackup(sid);
    }

    /** The session's node is down: the session already moved to the relocation target, or its backup is used. */
    private SessionStorage.Read readElsewhere(SessionId sid) {
        String target = storage.relocationTarget(sid.node());
        if (target == null) {
            return null;
        }
        SessionId moved = sid.withNode(target);
        SessionStorage.Read already = storage.decodeRead(moved,
                storage.await(storage.load(moved, -1)), false, true);
        if (already != null) {
            return already;
        }
        SessionStorage.Read backup = storage.readBackup(sid);
        if (backup == null) {
            return null;
        }
        storage.stats.count(Statistics.Counter.NODE_FAILOVERS);
        return new SessionStorage.Read(moved, backup.value(), backup.header(), true);
    }

    /** The session's node is down: give it an id on another node; it is written there at the end of the request. */
    private void relocate(MsmSession session, SessionId current) {
        String target = storage.relocationTarget(current.node());
        if (target == null) {
            return; // every node is down: keep serving from memory, back up when a node returns
        }
        SessionId moved = current.withNode(target);
        context.changeSessionId(session, moved.full());
        storage.stats.count(Statistics.Counter.NODE_FAILOVERS);
        if (log.isDebugEnabled()) {
            log.debug("Session [" + current + "] moved to node [" + target + "] as [" + moved + "]");
        }
    }

    private void changeRequestSessionId(Request request, String newId) {
        try {
            request.changeSessionId(newId);
        } catch (IllegalStateException e) {
            // response committed: the cookie stays as it is and the next request comes back to the same session
            if (log.isDebugEnabled()) {
                log.debug("Session id of the request could not be changed to [" + newId + "]: " + e);
            }
        }
    }

    @Override
    public void idChanged(MsmSession s, String oldId) {
        SessionId old = context.parseId(oldId);
        SessionId now = s.sessionId();
        s.forgetStored();
        s.markDirty();
        if (old != null && (now == null || !old.base().equals(now.base()))) {
            try {
                storage.delete(old);
                if (now != null && storage.hasNodes() && !storage.isAvailable(old.node())) {
                    // moved off a node that hangs: its old copy there must lead here once it answers again
                    storage.leaveTombstone(old, now, s.getMaxInactiveInterval());
                }
            } catch (RuntimeException e) {
                log.debug("Old copies of session [" + old + "] not deleted: " + e);
            }
        }
    }

    // ------------------------------------------------------------------ expiry

    /**
     * A session expires (timeout) or is invalidated. A timed-out copy that another Tomcat took over since is stale:
     * it goes away quietly, without events, and the store copy (the other Tomcat's) is kept.
     */
    @Override
    public void expiring(MsmSession s, boolean notify) {
        SessionId sid = s.sessionId();
        if (sid != null && !s.isTransientCopy()) {
            boolean timedOut = s.getMaxInactiveInterval() > 0
                    && clock.millis() - s.getThisAccessedTimeInternal()
                            >= s.getMaxInactiveInterval() * 1000L;
            if (timedOut && ownedElsewhere(sid)) {
                discardQuietly(s);
                return;
            }
            if (timedOut) {
                storage.delete(sid);
            } else {
                storage.deleteNow(sid); // invalidated by a request: gone before the response
            }
        }
        s.expireLocally(notify);
    }

    private boolean ownedElsewhere(SessionId sid) {
        if (!storage.isAvailable(sid.node())) {
            return false;
        }
        try {
            byte[] value = storage.await(storage.load(sid, -1));
            if (value == null) {
                return false;
            }
            SessionCodec.Header h = SessionCodec.header(value);
            return !h.writer().equals(storage.writer);
        } catch (StoreException e) {
            return false;
        }
    }

    private void discardQuietly(MsmSession s) {
        s.setTransientCopy(true);
        s.expireLocally(false);
    }

    // ------------------------------------------------------------------ background

    /** Refreshes the time to live of stored copies of sessions that were read (not changed) since their last write. */
    @Override
    public void background() {
        long now = clock.millis();
        for (Session session : context.findSessions()) {
            if (!(session instanceof MsmSession s) || !s.isValidInternalState() || s.isTransientCopy()) {
                continue;
            }
            SessionId sid = s.sessionId();
            int maxInactive = s.getMaxInactiveInterval();
            if (sid == null || maxInactive <= 0 || s.storeRefreshedAt() == 0) {
                continue;
            }
            long interval = TimeToLive.slack(maxInactive) * 1000L;
            if (s.getThisAccessedTimeInternal() > s.storeRefreshedAt() && now - s.storeRefreshedAt() >= interval) {
                s.refreshed(now);
                int ttl = TimeToLive.primary(maxInactive);
                storage.stats.count(Statistics.Counter.TOUCHES);
                if (storage.isAvailable(sid.node())) {
                    storage.touch(sid, ttl);
                }
                String backupNode = storage.backupNode(sid.node());
                if (backupNode != null && storage.isAvailable(backupNode)) {
                    storage.touchBackup(backupNode, sid, storage.backupTtl(maxInactive));
                }
            }
            if (s.isDirty() && s.backup.idle() && s.isStored()) {
                backups.schedule(s); // a backup failed earlier: try again
            }
        }
    }

    /** A node is back (maybe empty after a restart): write every session that has a copy there. */
    @Override
    public void nodeAvailable(String node) {
        problems.storeRecovered();
        for (Session session : context.findSessions()) {
            if (session instanceof MsmSession s && s.isValidInternalState() && !s.isTransientCopy()) {
                SessionId sid = s.sessionId();
                if (sid == null) {
                    continue;
                }
                if (node == null || node.equals(sid.node()) || node.equals(storage.backupNode(sid.node()))
                        || s.isDirty()) {
                    s.forgetStored();
                    backups.schedule(s);
                }
            }
        }
    }

    // ------------------------------------------------------------------ stop

    /**
     * Context stop or reload: every session is passivated and written, then dropped from memory without events; the
     * store keeps it for the next start.
     */
    @Override
    public void processExpires(Runnable inMemory) {
        inMemory.run(); // sessions live in memory: Tomcat's own expiry
    }

    @Override
    public void stop() {
        // issue 14: every write in parallel, with one deadline for all, so that a hung store node delays a stop or
        // reload by about one operation timeout, not one per session
        long deadline = clock.nanos() + config.operationTimeout().plusSeconds(1).toNanos();
        List<MsmSession> sessions = new ArrayList<>();
        for (Session session : context.findSessions()) {
            if (session instanceof MsmSession s && s.isValidInternalState()) {
                s.passivate(); // listeners' failures are logged by Tomcat's session
                sessions.add(s);
            }
        }
        backups.flush(sessions, deadline);
        for (MsmSession s : sessions) {
            context.sessions().remove(s.getIdInternal());
        }
    }

    @Override
    public int pendingBackups() {
        return backups.pending();
    }

    @Override
    public void retire(Duration grace) {
        close();
        clock.pause(grace.toNanos());
    }

    @Override
    public void close() {
        backups.shutdown(Duration.ZERO);
    }
}

package dev.msm.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpSession;

import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Session;
import org.apache.catalina.connector.Request;
import org.apache.catalina.session.StandardSession;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.InvalidAttributeException;
import dev.msm.core.keys.SessionId;
import dev.msm.core.keys.SessionIdFormat;

/**
 * msm's Tomcat session manager: sessions kept in memcached (or another store) so that any Tomcat can serve any user
 * and no single Tomcat or store node is a point of failure. {@code dev.msm.tomcat.MsmManager} in the Tomcat 10.1 and
 * 11 bridges extends this class with what differs between the two versions.
 *
 * <p>Every attribute is set as text ({@link MsmAttributesBase}), kept as written, and parsed and validated together
 * when the context starts: a bad value stops the context with a message naming the attribute, the value and what is
 * accepted. Statistics are shown over JMX by {@link MsmStatisticsBase}.
 *
 * <p>Two modes: <b>sticky</b> (default) keeps sessions in this Tomcat's memory and backs them up to the store after
 * requests that changed them; <b>non-sticky</b> keeps them in the store, loads them when a request needs them and
 * writes them back before the response completes, with optional cluster-wide locking. The manager builds a
 * {@link StoreLayer} (store, storage, one {@link SessionMode}) from its attributes and hands every Tomcat call to the
 * mode; it never asks which mode it holds.
 */
public abstract class MsmManagerBase extends MsmStatisticsBase {

    private final Log log = LogFactory.getLog(MsmManagerBase.class);

    private final StoreProblems problems = new StoreProblems(this::contextLog, log);
    private final ModeContext modeContext = new ManagerModeContext(this);
    private final List<Runnable> closers = new ArrayList<>();
    private volatile EngineClock clock = EngineClock.SYSTEM;
    private final RequestState.Scope requests = new RequestState.Scope();

    private volatile ManagerConfig config;
    /** What is built from the store attributes; {@code null} while disabled or stopped. */
    private volatile StoreLayer layer;
    private final ReentrantLock reconfiguring = new ReentrantLock();
    private volatile Context startedContext;
    private volatile ClassLoader webappLoader;
    private volatile String writerId;
    private volatile boolean stopping;
    private volatile boolean withoutLogin;
    private volatile LifecycleException startFailure;

    // ==================================================================== lifecycle

    @Override
    protected void startInternal() throws LifecycleException {
        super.startInternal();
        Context context = getContext();
        startFailure = null;
        try {
            start(context);
        } catch (InvalidAttributeException e) {
            closeAll();
            startFailure = new LifecycleException(e.getMessage(), e);
            throw startFailure;
        } catch (RuntimeException e) {
            closeAll();
            startFailure = new LifecycleException("msm cannot start for context [" + context.getName() + "]: " + e, e);
            throw startFailure;
        }
        setState(LifecycleState.STARTING);
    }

    private void start(Context context) {
        this.startedContext = context;
        newStatistics(new Statistics(clock));
        this.webappLoader = context.getLoader() != null ? context.getLoader().getClassLoader()
                : Thread.currentThread().getContextClassLoader();
        String route = getJvmRoute();
        if (route != null && !route.isEmpty() && !SessionIdFormat.isRoute(route)) {
            throw new InvalidAttributeException("jvmRoute", "Invalid jvmRoute [" + route + "] of the Engine; msm "
                    + "accepts 1 to 32 characters of [A-Za-z0-9_.-]");
        }
        this.writerId = route != null && !route.isEmpty() ? route
                : "i" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        this.layer = buildLayer(Set.of(), true);
        Container parent = context.getParent();
        MsmValve valve = new MsmValve(this, context);
        parent.getPipeline().addValve(valve);
        closers.add(() -> parent.getPipeline().removeValve(valve));
        MsmValve.ApplicationMarker marker = new MsmValve.ApplicationMarker();
        context.getPipeline().addValve(marker);
        closers.add(() -> context.getPipeline().removeValve(marker));
        closers.add(RefusalFilter.install(context, this::currentRequest));
        org.apache.tomcat.util.descriptor.web.LoginConfig login = context.getLoginConfig();
        this.withoutLogin = login == null || login.getAuthMethod() == null || "NONE".equals(login.getAuthMethod());
    }

    /** The context has no login-config: only the application's own lookups need the session. */
    boolean withoutLogin() {
        return withoutLogin;
    }

    /** Parses the attributes and builds the store layer from them ({@code null} when disabled). */
    private StoreLayer buildLayer(Set<String> retired, boolean logDetails) {
        Map<String, String> raw = attributeSnapshot();
        ManagerConfig cfg = ManagerConfig.parse(raw);
        this.config = cfg;
        return StoreLayer.build(this, cfg, raw, retired, logDetails, log);
    }

    /**
     * Rebuilds the store layer after {@code memcachedNodes}, {@code failoverNodes} or {@code enabled} changed while
     * running (e.g. over JMX). Requests in flight finish with the layer they started with; sessions on a node that
     * was removed move to another node on their next use (from their backup copy); the old store is closed once
     * they are done.
     *
     * @throws IllegalArgumentException with the attribute's message when the new value is invalid (the old
     *                                  configuration stays)
     */
    @Override
    void reconfigure(String attribute) {
        if (getState() != LifecycleState.STARTED || startedContext == null) {
            return;
        }
        reconfiguring.lock();
        try {
            StoreLayer old = layer;
            Set<String> retired = new java.util.HashSet<>();
            if (old != null) {
                old.store.nodes().forEach(n -> retired.add(n.id()));
                retired.addAll(old.retired);
            }
            StoreLayer fresh;
            try {
                fresh = buildLayer(retired, false);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            if (old != null && fresh != null) {
                fresh.mode.adopt(old.mode);
            }
            layer = fresh;
            if (old != null) {
                retire(old);
            }
            String lower = attribute.toLowerCase(java.util.Locale.ROOT);
            boolean secret = lower.contains("password") || lower.contains("secret") || lower.contains("key");
            contextLog().info("msm reconfigured at runtime: [" + attribute + "] is now ["
                    + (secret ? "***" : attr(attribute)) + "]");
        } finally {
            reconfiguring.unlock();
        }
    }

    /** Closes a replaced layer once requests that use it are done (bounded by the lock and operation timeouts). */
    private void retire(StoreLayer old) {
        ManagerConfig cfg = config;
        java.time.Duration grace = cfg.lockTimeout().plus(cfg.operationTimeout().multipliedBy(4));
        Thread t = new Thread(() -> {
            try {
                old.mode.retire(grace);
            } finally {
                old.store.close();
            }
        }, "msm-retire-store");
        t.setDaemon(true);
        t.setContextClassLoader(MsmManagerBase.class.getClassLoader());
        t.start();
    }

    @Override
    protected void stopInternal() throws LifecycleException {
        setState(LifecycleState.STOPPING);
        stopping = true;
        StoreLayer l = layer;
        // A context with its own backgroundProcessorDelay reloads on its background thread, which Tomcat interrupts
        // while stopping the context: sessions must still be written and connections closed, so the interrupt
        // waits until msm is done.
        boolean interrupted = Thread.interrupted();
        try {
            if (l != null) {
                l.mode.stop();
            } else {
                // disabled: behave as Tomcat's manager without persistence: expire without notification
                for (Session session : findSessions()) {
                    if (session.isValid()) {
                        session.expire();
                    }
                }
            }
        } finally {
            if (l != null) {
                l.mode.close();
                l.store.close();
            }
            closeAll();
            layer = null;
            startedContext = null;
            stopping = false;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        super.stopInternal();
    }

    private void closeAll() {
        for (int i = closers.size() - 1; i >= 0; i--) {
            try {
                closers.get(i).run();
            } catch (RuntimeException e) {
                log.warn("Error while stopping msm: " + e, e);
            }
        }
        closers.clear();
    }

    @Override
    public void load() {
        // sessions are loaded from the store when requests need them
    }

    @Override
    public void unload() {
        // sessions are in the store
    }

    // ==================================================================== sessions

    @Override
    protected StandardSession getNewSession() {
        return newSession();
    }

    /**
     * Creates an empty session object. The Tomcat 11 bridge returns its own subclass.
     *
     * @return a new, empty session
     */
    protected MsmSession newSession() {
        return new MsmSession(this);
    }

    @Override
    protected String generateSessionId() {
        String generated = super.generateSessionId();
        StoreLayer l = layer();
        if (l == null) {
            return generated;
        }
        return l.idFormat.create(generated, l.storage.nodeForNewSession()).full();
    }

    @Override
    public Session createSession(String sessionId) {
        String id = sessionId;
        StoreLayer l = layer();
        if (id != null && l != null && l.idFormat.parse(id) == null) {
            id = null; // a client-provided id we cannot use as a store key
        }
        Session session = super.createSession(id);
        ManagerConfig cfg = config;
        if (cfg != null && cfg.maxInactiveInterval() != null) {
            session.setMaxInactiveInterval(cfg.maxInactiveInterval());
        }
        if (session instanceof MsmSession s && l != null) {
            l.mode.created(s);
        }
        return session;
    }

    @Override
    public Session findSession(String id) throws IOException {
        if (id == null) {
            return null;
        }
        StoreLayer l = layer();
        return l == null ? super.findSession(id) : l.mode.find(id);
    }

    /** Removes only this very session object: a detached copy with the same id must not remove the live one. */
    @Override
    public void remove(Session session, boolean update) {
        String id = session.getIdInternal();
        if (id == null || sessions.get(id) == session) {
            super.remove(session, update);
        } else if (update) {
            expiredSessions.incrementAndGet();
        }
    }

    @Override
    protected void changeSessionId(Session session, String newId, boolean notifySessionListeners,
            boolean notifyContainerListeners) {
        String oldId = session.getIdInternal();
        super.changeSessionId(session, newId, notifySessionListeners, notifyContainerListeners);
        StoreLayer l = layer();
        if (session instanceof MsmSession s && l != null) {
            l.mode.idChanged(s, oldId);
        }
    }

    /** Called by {@link MsmSession#expire(boolean)} instead of Tomcat's expiry. */
    void expiring(MsmSession session, boolean notify) {
        StoreLayer l = layer();
        if (stopping || l == null) {
            session.expireLocally(notify);
        } else {
            l.mode.expiring(session, notify);
        }
    }

    @Override
    public void backgroundProcess() {
        super.backgroundProcess();
        StoreLayer l = layer();
        if (l != null) {
            l.mode.background();
        }
    }

    @Override
    public void processExpires() {
        StoreLayer l = layer();
        if (l == null) {
            super.processExpires();
            return;
        }
        long start = clock.millis();
        boolean[] inMemory = {false};
        l.mode.processExpires(() -> {
            inMemory[0] = true;
            super.processExpires();
        });
        if (!inMemory[0]) {
            processingTime += clock.millis() - start; // Tomcat's own expiry counts its time itself
        }
    }

    // ==================================================================== request bracket (called by MsmValve)

    RequestState beginRequest(Request request) {
        String uri = request.getDecodedRequestURI();
        ManagerConfig cfg = config;
        boolean ignored = cfg != null && cfg.requestUriIgnorePattern() != null && uri != null
                && cfg.requestUriIgnorePattern().matcher(uri).matches();
        RequestState state = new RequestState(requests, request, ignored, uri);
        StoreLayer l = layer;
        state.layer = l;
        if (l == null) {
            return state;
        }
        statistics().count(ignored ? Statistics.Counter.REQUESTS_IGNORED : Statistics.Counter.REQUESTS);
        l.mode.begin(state);
        return state;
    }

    void endRequest(RequestState state) {
        StoreLayer l = state.layer;
        if (l != null) {
            l.mode.end(state);
        }
    }

    /**
     * Runs {@code task} with the session of {@code id} as a request would: loaded, locked where the locking mode
     * says so, stored and unlocked afterwards. Used by Servlet 6.1's {@code HttpSession.Accessor} on Tomcat 11.
     *
     * @throws IllegalStateException when the session does not exist (any more) or its changes were not written
     */
    protected void access(String id, Consumer<HttpSession> task) {
        RequestState state = new RequestState(requests, null, false, null);
        state.layer = layer;
        SessionAccess.run(this, state, id, task);
    }

    // ==================================================================== helpers for the modes

    /** The layer of the request running on this thread (it keeps its layer across a reconfiguration), else now's. */
    StoreLayer layer() {
        RequestState state = requests.current();
        if (state != null && state.layer != null) {
            return state.layer;
        }
        return layer;
    }

    SessionId parseId(String id) {
        StoreLayer l = layer();
        return l == null ? null : l.idFormat.parse(id);
    }

    Map<String, Session> sessionMap() {
        return sessions;
    }

    /**
     * @return the session timeout new sessions get, in seconds
     */
    int defaultMaxInactive() {
        ManagerConfig cfg = config;
        if (cfg != null && cfg.maxInactiveInterval() != null) {
            return cfg.maxInactiveInterval();
        }
        return getContext().getSessionTimeout() * 60;
    }

    String writerId() {
        return writerId;
    }

    ClassLoader webappLoader() {
        return webappLoader;
    }

    ModeContext modeContext() {
        return modeContext;
    }

    @Override
    StoreLayer activeLayer() {
        return layer;
    }

    Log contextLog() {
        Context context = getContext();
        return context != null && context.getLogger() != null ? context.getLogger() : log;
    }

    StoreProblems problems() {
        return problems;
    }

    EngineClock clock() {
        return clock;
    }

    /**
     * Uses another clock for every time decision of the engine; before start only (tests).
     */
    void clock(EngineClock clock) {
        this.clock = clock;
    }

    /** @return the state of this manager's request running on this thread, or {@code null} */
    RequestState currentRequest() {
        return requests.current();
    }

    /** @return the parsed attributes while started, else {@code null} (tests, diagnostics) */
    ManagerConfig config() {
        return config;
    }

    /**
     * @return why the last start failed (a configuration error names the attribute and its accepted values), or
     *         {@code null}; for embedders such as Spring Boot, whose container reports only that the context failed
     */
    public LifecycleException startFailure() {
        return startFailure;
    }

    @Override
    public String getName() {
        return "MsmManager";
    }
}

package dev.msm.core;

import java.util.List;

import org.apache.catalina.connector.Request;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

/**
 * What msm knows about one request: whether it is ignored, whether it locks, which sessions it uses. Kept as a
 * request note across async dispatches, and in a thread-local of its manager's {@link Scope} while the request runs
 * on a container thread so that the manager's {@code findSession}/{@code createSession} know which request asks.
 *
 * <p>Per manager, not per thread: Tomcat calls other contexts' managers on the same thread (cross-context dispatch,
 * single sign-on, {@code sessionCookiePath="/"}), and those must not see this request (MSM issue 15).
 */
final class RequestState {

    /** Request note under which the state is kept. */
    static final String NOTE = "dev.msm.RequestState";

    private static final Log log = LogFactory.getLog(RequestState.class);

    /** The requests of one manager running on each thread. */
    static final class Scope {
        private final ThreadLocal<RequestState> current = new ThreadLocal<>();
        /** Stands for "no request" as the value {@link #enter} returns, so that {@link #leave} knows the scope. */
        private final RequestState none = new RequestState(this, null, false, null);

        /** @return the state of this manager's request running on this thread, or {@code null} */
        RequestState current() {
            return current.get();
        }
    }

    private final Scope scope;

    final Request request;
    final boolean ignored;
    final String uri;
    /** Non-sticky: the uses of active sessions this request holds, released at its end. */
    final List<ActiveSessions.Use> uses = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Non-sticky: stores the request's sessions when the response commits before the request ends. */
    volatile CommitHook commitHook;
    /** Sticky: the session the request used. */
    volatile MsmSession stickySession;
    /** Set when the request must be answered with 503. */
    volatile SessionUnavailableException refused;
    /** The response committed with the 503 of {@link #refused} (a write failed as it was committing). */
    volatile boolean refusedAtCommit;
    /** The request passed the Context's authenticator and reached the application's valves and filters. */
    volatile boolean inApplication;
    /** Set while the end processing looks at the request's session: no loading then. */
    boolean ending;
    boolean asyncListenerAdded;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    /** The manager's store layer when the request began; used until it ends, even across a reconfiguration. */
    volatile StoreLayer layer;
    /** Non-sticky {@code auto} locking: whether this request modified a session. */
    boolean modified;

    /**
     * @param scope   the manager's requests
     * @param request the request, {@code null} for work outside a request (Servlet 6.1 accessor)
     */
    RequestState(Scope scope, Request request, boolean ignored, String uri) {
        this.scope = scope;
        this.request = request;
        this.ignored = ignored;
        this.uri = uri;
    }

    /** @return the use of the session object {@code s} by this request, or {@code null} */
    ActiveSessions.Use useOf(MsmSession s) {
        for (ActiveSessions.Use u : uses) {
            if (u.session == s) {
                return u;
            }
        }
        return null;
    }

    /**
     * Sends the session's new id to the client (it moved to another node), if the response is not committed yet;
     * otherwise the cookie stays and the next request finds the session through the pointer left behind.
     */
    void changeSessionId(String newId) {
        if (request == null) {
            return;
        }
        try {
            request.changeSessionId(newId);
        } catch (IllegalStateException e) {
            if (log.isDebugEnabled()) {
                log.debug("Session id of the request could not be changed to [" + newId + "]: " + e);
            }
        }
    }

    /** What the authenticator would have done had the session been loaded for it: the request's principal. */
    void restorePrincipal(MsmSession s) {
        if (request != null && s.getPrincipal() != null && request.getUserPrincipal() == null) {
            request.setAuthType(s.getAuthType());
            request.setUserPrincipal(s.getPrincipal());
        }
    }

    /**
     * @return {@code true} the first time only: the request's end is processed once (an async request may end on
     *         a container thread and in its listener)
     */
    boolean end() {
        return ended.compareAndSet(false, true);
    }

    /**
     * Makes {@code state} the current request of its manager on this thread.
     *
     * @return what to hand to {@link #leave} afterwards (never {@code null})
     */
    static RequestState enter(RequestState state) {
        RequestState previous = state.scope.current.get();
        state.scope.current.set(state);
        return previous == null ? state.scope.none : previous;
    }

    /** Restores what {@link #enter} replaced. */
    static void leave(RequestState previous) {
        Scope scope = previous.scope;
        if (previous == scope.none) {
            scope.current.remove();
        } else {
            scope.current.set(previous);
        }
    }
}

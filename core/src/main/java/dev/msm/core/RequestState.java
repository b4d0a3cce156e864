package dev.msm.core;

import java.util.List;

import org.apache.catalina.connector.Request;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

/**
 * What msm knows about one request: whether it is ignored, whether it locks, which sessions it uses. Kept as a
 * request note across async dispatches, and in a thread-local while the request runs on a container thread so that
 * the manager's {@code findSession}/{@code createSession} know which request asks.
 */
final class RequestState {

    /** Request note under which the state is kept. */
    static final String NOTE = "dev.msm.RequestState";

    private static final Log log = LogFactory.getLog(RequestState.class);
    private static final ThreadLocal<RequestState> CURRENT = new ThreadLocal<>();

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
    /** The request passed the Context's authenticator and reached the application's valves and filters. */
    volatile boolean inApplication;
    /** Set while the end processing looks at the request's session: no loading then. */
    boolean ending;
    boolean asyncListenerAdded;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    /** The manager's store layer when the request began; used until it ends, even across a reconfiguration. */
    volatile MsmManagerBase.Layer layer;
    /** Non-sticky {@code auto} locking: whether this request modified a session. */
    boolean modified;

    RequestState(Request request, boolean ignored, String uri) {
        this.request = request;
        this.ignored = ignored;
        this.uri = uri;
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

    /**
     * @return {@code true} the first time only: the request's end is processed once (an async request may end on
     *         a container thread and in its listener)
     */
    boolean end() {
        return ended.compareAndSet(false, true);
    }

    /**
     * @return the state of the request running on this thread, or {@code null} outside a request
     */
    static RequestState current() {
        return CURRENT.get();
    }

    /**
     * Makes {@code state} the current request's state.
     *
     * @return the previous value, for {@link #leave}
     */
    static RequestState enter(RequestState state) {
        RequestState previous = CURRENT.get();
        CURRENT.set(state);
        return previous;
    }

    static void leave(RequestState previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}

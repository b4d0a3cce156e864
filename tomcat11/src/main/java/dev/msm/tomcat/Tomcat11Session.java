package dev.msm.tomcat;

import jakarta.servlet.http.HttpSession;

import dev.msm.core.MsmSession;

/**
 * A session whose {@link HttpSession.Accessor} (Servlet 6.1, e.g. used from a WebSocket endpoint) works on the session
 * as a request would: in non-sticky mode it is loaded, locked where the locking mode says so, stored and unlocked.
 */
final class Tomcat11Session extends MsmSession {

    private static final long serialVersionUID = 1L;

    Tomcat11Session(MsmManager manager) {
        super(manager);
    }

    @Override
    public HttpSession.Accessor getAccessor() {
        if (!isValid()) {
            throw new IllegalStateException("Session [" + getIdInternal() + "] is no longer valid");
        }
        MsmManager m = (MsmManager) getManager();
        String id = getIdInternal();
        return consumer -> m.accessSession(id, consumer);
    }
}

package dev.msm.core;

import java.io.IOException;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpSession;

import org.apache.catalina.Session;

/**
 * Work on a session outside a request (Servlet 6.1's {@code HttpSession.Accessor} on Tomcat 11), bracketed as a
 * request is: the session is found (loaded, locked where the locking mode says so) and, after the work, stored and
 * unlocked by the mode's end of request.
 */
final class SessionAccess {

    private SessionAccess() {
    }

    /**
     * Runs {@code task} with the session of {@code id} as the request {@code state} (not yet entered).
     *
     * @throws IllegalStateException when the session does not exist (any more) or its changes were not written
     */
    static void run(MsmManagerBase manager, RequestState state, String id, Consumer<HttpSession> task) {
        state.inApplication = true;
        RequestState previous = RequestState.enter(state);
        try {
            Session session;
            try {
                session = manager.findSession(id);
            } catch (IOException e) {
                throw new IllegalStateException("Session [" + id + "] cannot be found: " + e, e);
            }
            if (session == null || !session.isValid()) {
                throw new IllegalStateException("Session [" + id + "] is no longer valid");
            }
            session.access();
            try {
                task.accept(session.getSession());
            } finally {
                session.endAccess();
            }
        } finally {
            try {
                manager.endRequest(state);
            } finally {
                RequestState.leave(previous);
            }
        }
        if (state.refused != null) {
            throw state.refused; // never report a change the store does not have as done (issue 14)
        }
    }
}

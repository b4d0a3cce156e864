package dev.msm.it.app;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/**
 * The sample application's {@code HttpSessionListener}: records every creation and destruction in the
 * {@link EventLog} of the Tomcat it happens on.
 */
public final class SessionEvents implements HttpSessionListener {

    @Override
    public void sessionCreated(HttpSessionEvent se) {
        EventLog.record(se.getSession().getServletContext(), "created", se.getSession().getId());
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent se) {
        EventLog.record(se.getSession().getServletContext(), "destroyed", se.getSession().getId());
    }
}

package dev.msm.it.app;

import java.io.Serializable;

import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;

/**
 * A session attribute value ({@code bound.jsp} binds it) that records its unbinding in the {@link EventLog} of the
 * Tomcat where it happens. Serializable, so it travels with the session between Tomcats.
 */
public final class UnbindRecorder implements HttpSessionBindingListener, Serializable {

    private static final long serialVersionUID = 1L;

    @Override
    public void valueUnbound(HttpSessionBindingEvent event) {
        EventLog.record(event.getSession().getServletContext(), "unbound", event.getSession().getId());
    }
}

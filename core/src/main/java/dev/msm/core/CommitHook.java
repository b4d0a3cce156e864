package dev.msm.core;

import java.lang.reflect.Field;
import java.util.function.BooleanSupplier;

import org.apache.catalina.connector.Request;
import org.apache.coyote.ActionCode;
import org.apache.coyote.ActionHook;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

/**
 * Runs an action right before a response is committed (its headers leave), the way Spring Session commits a session
 * when the response commits. A response can be complete at the client before the request ends — a forward (Tomcat's
 * FORM login page), an application that closes the output stream or writes its full content length — and the
 * client's next request must nevertheless find the session written. Tomcat has no commit listener, so the response's
 * action hook (the connector's processor, one field of {@code org.apache.coyote.Response}, the same in Tomcat 10.1
 * and 11) is wrapped for the duration of the request.
 *
 * <p>When the session could not be stored, the response commits with status 503 and {@code Retry-After} instead of
 * its own status (its body, already written by the application, follows): the client must not take it as a
 * success (issue 14).
 */
final class CommitHook implements ActionHook {

    private static final Log log = LogFactory.getLog(CommitHook.class);
    private static final Field HOOK = hookField();

    private final ActionHook delegate;
    private final BooleanSupplier beforeCommit;
    private volatile boolean fired;

    private CommitHook(ActionHook delegate, BooleanSupplier beforeCommit) {
        this.delegate = delegate;
        this.beforeCommit = beforeCommit;
    }

    private static Field hookField() {
        try {
            Field f = org.apache.coyote.Response.class.getDeclaredField("hook");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.info("msm cannot observe response commits (" + e + "); a response completed before its request "
                    + "ends (forward, closed output) may reach the client before its session is written");
            return null;
        }
    }

    /**
     * Wraps the response's hook so that {@code beforeCommit} runs once, before the response commits.
     *
     * @param beforeCommit stores the request's sessions; {@code false} when it could not: the response commits as 503
     * @return the installed hook, to {@link #uninstall}, or {@code null} when it could not be installed
     */
    static CommitHook install(Request request, BooleanSupplier beforeCommit) {
        if (HOOK == null || request.getCoyoteRequest() == null) {
            return null;
        }
        org.apache.coyote.Response coyote = request.getCoyoteRequest().getResponse();
        if (coyote == null || coyote.isCommitted()) {
            return null;
        }
        try {
            ActionHook current = (ActionHook) HOOK.get(coyote);
            if (current == null || current instanceof CommitHook) {
                return null;
            }
            CommitHook hook = new CommitHook(current, beforeCommit);
            HOOK.set(coyote, hook);
            hook.coyote = coyote;
            return hook;
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }

    private volatile org.apache.coyote.Response coyote;

    /** Puts the connector's own hook back (the processor and its response are reused for the next request). */
    void uninstall() {
        org.apache.coyote.Response c = coyote;
        if (c == null) {
            return;
        }
        coyote = null;
        try {
            if (HOOK.get(c) == this) {
                HOOK.set(c, delegate);
            }
        } catch (IllegalAccessException | RuntimeException e) {
            log.warn("Cannot restore the connector's response hook: " + e);
        }
    }

    @Override
    public void action(ActionCode actionCode, Object param) {
        if (!fired && (actionCode == ActionCode.COMMIT || actionCode == ActionCode.CLOSE)) {
            fired = true;
            boolean stored = false;
            try {
                stored = beforeCommit.getAsBoolean();
            } catch (RuntimeException e) {
                log.warn("Storing the session before the response commits failed: " + e, e);
            }
            org.apache.coyote.Response c = coyote;
            if (!stored && c != null && !c.isCommitted()) {
                c.setStatus(503);
                c.setHeader("Retry-After", "1");
            }
        }
        delegate.action(actionCode, param);
    }
}

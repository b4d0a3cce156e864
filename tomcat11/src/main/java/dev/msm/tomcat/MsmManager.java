package dev.msm.tomcat;

import java.util.function.Consumer;

import jakarta.servlet.http.HttpSession;

import dev.msm.core.MsmManagerBase;
import dev.msm.core.MsmSession;

/**
 * msm's session manager for Tomcat 11. Configure it in {@code context.xml}:
 *
 * <pre>{@code
 * <Manager className="dev.msm.tomcat.MsmManager" memcachedNodes="n1:host1:11211 n2:host2:11211"/>
 * }</pre>
 *
 * The same element works on Tomcat 10.1 with {@code msm-tomcat10}. What differs on Tomcat 11: sessions hand out a
 * Servlet 6.1 {@link HttpSession.Accessor} that loads, locks and stores the session like a request does.
 */
public class MsmManager extends MsmManagerBase {

    @Override
    protected MsmSession newSession() {
        return new Tomcat11Session(this);
    }

    void accessSession(String id, Consumer<HttpSession> task) {
        access(id, task);
    }
}

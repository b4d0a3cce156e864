package dev.msm.core;

import java.util.Map;

import org.apache.catalina.Session;

import dev.msm.core.keys.SessionId;

/**
 * What a session mode may ask of its manager: the sessions held in memory, new session objects, the timeout of new
 * sessions, the request running on this thread. Narrow on purpose: a mode never sees the manager itself.
 */
interface ModeContext {

    /** @return the manager's table of sessions in memory, by full id (Tomcat's {@code sessions}) */
    Map<String, Session> sessions();

    /** @return a snapshot of the sessions in memory */
    Session[] findSessions();

    /** Gives a session a new id through Tomcat (listeners fire, the mode's {@code idChanged} follows). */
    void changeSessionId(Session session, String newId);

    /** @return a new, empty session object of the bridge's type, not added to the manager */
    MsmSession newEmptySession();

    /** @return the session timeout new sessions get, in seconds */
    int defaultMaxInactive();

    /** @return whether the context has no login-config (only the application's own lookups need the session) */
    boolean withoutLogin();

    /** @return the Engine's jvmRoute, or {@code null} when none is set */
    String jvmRoute();

    /**
     * @param id a session id as sent by a client
     * @return the parsed id, or {@code null} when it is not one of this manager's
     */
    SessionId parseId(String id);

    /** @return the state of this manager's request running on this thread, or {@code null} */
    RequestState currentRequest();

    /** @return the store problem log of this manager */
    StoreProblems problems();

    /** @return the engine's clock */
    EngineClock clock();
}

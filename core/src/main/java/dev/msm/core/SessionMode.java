package dev.msm.core;

import org.apache.catalina.Session;

/**
 * What a session mode does at each point where Tomcat or msm's valve calls the manager. The manager holds one mode
 * (sticky: {@link StickySessions}, non-sticky: {@link NonStickySessions}) and hands every call to it without asking
 * which one it is.
 */
interface SessionMode {

    /** Before the application runs (also for ignored requests; the mode decides what they cost). */
    void begin(RequestState state);

    /** After the application and its error pages ran, before the response completes. */
    void end(RequestState state);

    /**
     * Tomcat's {@code findSession}.
     *
     * @param id a requested id, not {@code null}, untrusted
     * @return the session, or {@code null}
     */
    Session find(String id);

    /** A session was created (its id is set). */
    void created(MsmSession session);

    /** A session's id changed (login, relocation). */
    void idChanged(MsmSession session, String oldId);

    /** A session expires or is invalidated; the mode removes what is stored and then expires it locally. */
    void expiring(MsmSession session, boolean notify);

    /** A store node (or the store, {@code null}) is available again. */
    void nodeAvailable(String node);

    /** Tomcat's periodic background work of the manager. */
    default void background() {
    }

    /**
     * Tomcat's periodic expiry check.
     *
     * @param inMemory Tomcat's own expiry of the sessions held in memory
     */
    void processExpires(Runnable inMemory);

    /** Takes over what a mode replaced by a runtime reconfiguration knew. */
    default void adopt(SessionMode previous) {
    }

    /** The context stops or reloads: write what must be written. */
    void stop();

    /**
     * Frees the mode's threads once requests that still use it are done; blocks.
     *
     * @param grace how long such requests may still run
     */
    void retire(java.time.Duration grace);

    /** Frees the mode's threads now. */
    void close();

    /** @return sticky backups queued or running */
    default int pendingBackups() {
        return 0;
    }

    /** @return repairs of session copies queued or running */
    default int pendingRepairs() {
        return 0;
    }

    /** @return node recoveries whose repair finished */
    default long repairsCompleted() {
        return 0;
    }
}

package dev.msm.core;

import java.util.function.Supplier;

import dev.msm.api.SerializationException;

/**
 * Turns stored values into session objects and session objects into values to store: the glue between
 * {@link SessionCodec} (bytes) and {@link MsmSession} (Tomcat's object), with the web application's class loader,
 * the attribute filter and the statistics of loads. One per store layer; thread-safe.
 */
final class SessionBytes {

    private final SessionStorage storage;
    private final Supplier<MsmSession> emptySessions;
    private final ClassLoader webappLoader;
    private final MsmSession.AttributeFilter filter;
    private final EngineClock clock;

    /**
     * @param emptySessions new empty session objects of the bridge's type
     * @param webappLoader  resolves the application's classes
     * @param filter        which attributes are stored
     */
    SessionBytes(SessionStorage storage, Supplier<MsmSession> emptySessions, ClassLoader webappLoader,
            MsmSession.AttributeFilter filter, EngineClock clock) {
        this.storage = storage;
        this.emptySessions = emptySessions;
        this.webappLoader = webappLoader;
        this.filter = filter;
        this.clock = clock;
    }

    /**
     * Serializes a session's state.
     *
     * @throws SerializationException when it cannot be serialized
     * @throws java.util.ConcurrentModificationException when it changed while being serialized
     */
    SessionCodec.Encoded encode(MsmSession s) {
        Object[] graph = s.captureState(filter);
        long last = s.getLastAccessedTimeInternal();
        SessionId sid = s.sessionId();
        return storage.codec.encode(graph, sid == null ? s.getIdInternal() : sid.base(), s.getCreationTimeInternal(),
                last, s.getMaxInactiveInterval(), storage.writer);
    }

    /**
     * Builds a session object from a stored value, with the given id; the session is added to the manager.
     *
     * @return the session, or {@code null} when the value cannot be read (logged once, counted)
     */
    MsmSession toSession(SessionStorage.Read read, String fullId) {
        return toSession(read, fullId, true, true);
    }

    /**
     * @param register add the session to the manager's sessions (else a detached copy)
     * @param activate fire the activation events (sticky: the session moves into this Tomcat's memory)
     * @return the session, or {@code null} when the value cannot be read (logged once, counted; a corrupt or foreign
     *         value is deleted; one this Tomcat cannot read because of its own configuration, or with a refused
     *         class, is kept)
     */
    MsmSession toSession(SessionStorage.Read read, String fullId, boolean register, boolean activate) {
        Object graph;
        byte[] plain;
        long start = clock.nanos();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(webappLoader);
            plain = storage.codec.plainPayload(read.value(), read.header(), read.id().base());
            graph = storage.codec.decode(plain, read.header(), webappLoader);
        } catch (SerializationException e) {
            storage.unreadable(read, e); // removed only when corrupt or forged, see SessionStorage
            return null;
        } finally {
            thread.setContextClassLoader(previous);
        }
        MsmSession s = emptySessions.get();
        try {
            s.restoreState(graph);
        } catch (SerializationException e) {
            storage.unreadable(read.id(), e);
            return null;
        }
        long now = clock.millis();
        SessionCodec.Header h = read.header();
        s.loaded(h.creationTime(), h.lastAccessedTime(), h.maxInactiveInterval(), now);
        s.stored(plain, !register || !activate, now);
        s.clearChangeFlags();
        if (register) {
            s.setId(fullId, false);
        } else {
            s.setIdDetached(fullId);
        }
        storage.stats.count(Statistics.Counter.LOADS);
        storage.stats.time(Statistics.Timer.LOAD, start);
        if (activate) {
            s.activate();
        }
        return s;
    }
}

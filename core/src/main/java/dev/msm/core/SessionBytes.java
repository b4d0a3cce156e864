package dev.msm.core;

import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import dev.msm.api.SerializationException;
import dev.msm.core.codec.SessionCodec;
import dev.msm.core.keys.SessionId;
import dev.msm.core.serial.ClassAllowList;

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
    private final StoreProblems problems;

    /**
     * @param emptySessions new empty session objects of the bridge's type
     * @param webappLoader  resolves the application's classes
     * @param filter        which attributes are stored
     */
    SessionBytes(SessionStorage storage, Supplier<MsmSession> emptySessions, ClassLoader webappLoader,
            MsmSession.AttributeFilter filter, EngineClock clock, StoreProblems problems) {
        this.storage = storage;
        this.problems = problems;
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
        SessionCodec.Encoded encoded = storage.codec.encode(graph, sid == null ? s.getIdInternal() : sid.base(),
                s.getCreationTimeInternal(), last, s.getMaxInactiveInterval(), storage.writer);
        if (!encoded.refused().isEmpty()) {
            reportRefusedOnWrite(s, encoded.refused());
        }
        return encoded;
    }

    /**
     * Issue 16: the Tomcat writing a session reports at once every class in it that readers will refuse, in one WARN
     * per set of classes, so that a single-instance test shows the problem.
     */
    private void reportRefusedOnWrite(MsmSession s, Set<String> refused) {
        storage.stats.count(Statistics.Counter.REFUSED_CLASS_WRITES);
        problems.warnOnce("refused:" + new TreeSet<>(refused), "Session [" + s.getIdInternal() + "] holds values "
                + "that no Tomcat will read back: " + ClassAllowList.refusedMessage(refused) + " (reported once per "
                + "set of classes; counted in statRefusedClassWrites)");
    }

    /** Issue 16: an attribute of a class that is not allowed costs that attribute, not the session and its login. */
    private void reportDropped(SessionId id, String attribute, SerializationException e) {
        storage.stats.count(Statistics.Counter.DROPPED_ATTRIBUTES);
        problems.warnOnce("dropped:" + e.rejectedClass(), "Attribute [" + attribute + "] of stored session [" + id
                + "] is dropped, the rest of the session is kept: " + e.getMessage() + " (reported once per class; "
                + "counted in statDroppedAttributes)");
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
            graph = storage.codec.decode(plain, read.header(), webappLoader, (attribute, e) -> reportDropped(read.id(),
                    attribute, e));
        } catch (SerializationException e) {
            storage.unreadable.report(read, e); // removed only when corrupt or forged, see SessionStorage
            return null;
        } finally {
            thread.setContextClassLoader(previous);
        }
        MsmSession s = emptySessions.get();
        try {
            s.restoreState(graph);
        } catch (SerializationException e) {
            storage.unreadable.report(read.id(), e);
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

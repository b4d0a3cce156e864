package dev.msm.core;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.catalina.Session;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.Settings;
import dev.msm.core.codec.SessionCodec;
import dev.msm.core.keys.NodeSelector;
import dev.msm.core.keys.SessionId;
import dev.msm.core.keys.SessionIdFormat;
import dev.msm.core.keys.StorageKeys;
import dev.msm.core.memory.MemoryStores;

/**
 * The non-sticky engine's parts wired as one Tomcat would wire them, without Tomcat: an in-memory store with nodes
 * {@code n1} and {@code n2} whose time to live follows a {@link ManualClock}, seen through a {@link RecordingStore}.
 * Two fixtures made with {@link #sharing} are two Tomcats on the same store.
 */
final class EngineFixture {

    /** A session object without a manager: parses its id with the fixture's format, counts its expiries. */
    static final class TestSession extends MsmSession {
        private static final long serialVersionUID = 1L;
        private final transient SessionIdFormat ids;
        final transient AtomicInteger expired = new AtomicInteger();

        TestSession(SessionIdFormat ids) {
            super(null);
            this.ids = ids;
        }

        /** Sets an attribute as the application would (without a manager: no listeners). */
        void put(String name, Object value) {
            attributes.put(name, value);
            markDirty();
        }

        @Override
        SessionId sessionId() {
            String id = getIdInternal();
            return id == null ? null : ids.parse(id);
        }

        @Override
        void expireLocally(boolean notify) {
            expired.incrementAndGet();
            setValid(false);
            EXPIRED.merge(getIdInternal(), 1, Integer::sum);
        }
    }

    /** Expiries fired by any fixture's sessions, by full id. */
    static final Map<String, Integer> EXPIRED = new ConcurrentHashMap<>();

    private static final Log log = LogFactory.getLog(EngineFixture.class);

    final ManualClock clock;
    final RecordingStore store;
    final SessionIdFormat ids = new SessionIdFormat(Set.of("n1", "n2"));
    final Statistics stats;
    final SessionStorage storage;
    final SessionCodec codec;
    final SessionBytes bytes;
    final StoreProblems problems = new StoreProblems(() -> log, log);
    final SessionTracker tracker;
    final ActiveSessions active = new ActiveSessions();
    final NodeEpochs epochs;
    final ModeContext context;
    final int defaultMaxInactive = 1800;
    /** The request running now, as the manager's valve would set it; {@code null} outside a request. */
    volatile RequestState current;

    EngineFixture() {
        this(new ManualClock(), null, "a");
    }

    private EngineFixture(ManualClock clock, RecordingStore shared, String writer) {
        this.clock = clock;
        this.store = shared != null ? shared : new RecordingStore(MemoryStores.withClock(clock::nanos, "n1", "n2"));
        this.stats = new Statistics(clock);
        this.codec = new SessionCodec(Plugins.serializer("java", getClass().getClassLoader())
                .create(new Settings(Map.of(), Duration.ofSeconds(1), "unit")), "java", 0, null, null, "",
                clock.wallClock());
        this.storage = new SessionStorage(store, new NodeSelector(store), StorageKeys.of(null, "", "/app", ""),
                codec, stats, writer, Duration.ofSeconds(1), true, store.maxValueBytes());
        this.context = new Context();
        this.bytes = new SessionBytes(storage, this::newSession, getClass().getClassLoader(),
                MsmSession.AttributeFilter.SERIALIZABLE, clock, problems);
        this.tracker = new SessionTracker(storage, clock, () -> defaultMaxInactive);
        this.epochs = new NodeEpochs(storage, clock);
        epochs.refreshAll();
    }

    /** @return a second Tomcat (its own writer id and memory) on the same store and clock */
    EngineFixture sharing(String writer) {
        return new EngineFixture(clock, store, writer);
    }

    TestSession newSession() {
        return new TestSession(ids);
    }

    /** A new session on {@code node} with one attribute, written to the store (primary and backup copy). */
    TestSession storedSession(String node, int maxInactive) {
        TestSession s = newSession();
        s.setValid(true);
        s.setCreationTime(clock.millis());
        s.setMaxInactiveInterval(maxInactive);
        s.restoreState(new Object[] {new java.util.HashMap<>(Map.of("count", 41)), null, null,
            new java.util.HashMap<>()});
        s.setId(ids.create(java.util.UUID.randomUUID().toString().replace("-", "").toUpperCase(), node).full(),
                false);
        SessionCodec.Encoded encoded = bytes.encode(s);
        storage.await(storage.write(s.sessionId(), encoded.value(), maxInactive));
        s.stored(encoded.payload(), true, clock.millis());
        return s;
    }

    /**
     * Writes {@code s} (both copies) a millisecond after the previous write, on this fixture's clock: stored values
     * carry the time of their write ({@code SessionCodec}), which tells a stale copy from the current one.
     */
    void writeLater(MsmSession s) {
        clock.advance(Duration.ofMillis(1));
        storage.await(storage.write(s.sessionId(), bytes.encode(s).value(), 1800));
    }

    private final class Context implements ModeContext {
        private final Map<String, Session> sessions = new ConcurrentHashMap<>();

        @Override
        public Map<String, Session> sessions() {
            return sessions;
        }

        @Override
        public Session[] findSessions() {
            return sessions.values().toArray(new Session[0]);
        }

        @Override
        public void changeSessionId(Session session, String newId) {
            session.setId(newId);
        }

        @Override
        public MsmSession newEmptySession() {
            return newSession();
        }

        @Override
        public int defaultMaxInactive() {
            return defaultMaxInactive;
        }

        @Override
        public boolean withoutLogin() {
            return true;
        }

        @Override
        public String jvmRoute() {
            return null;
        }

        @Override
        public SessionId parseId(String id) {
            return ids.parse(id);
        }

        @Override
        public RequestState currentRequest() {
            return current;
        }

        @Override
        public StoreProblems problems() {
            return problems;
        }

        @Override
        public EngineClock clock() {
            return clock;
        }
    }
}

package dev.msm.memcached;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.NodeHealth;
import dev.msm.api.NodeListener;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.api.StoreException;
import dev.msm.api.StoreNode;
import dev.msm.api.StoreTimeoutException;
import dev.msm.api.StoreUnavailableException;
import dev.msm.api.Stores;
import dev.msm.api.Versioned;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.OperationFactory;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import net.spy.memcached.internal.CheckedOperationTimeoutException;
import net.spy.memcached.internal.GetFuture;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.OperationException;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatusCode;

/**
 * The memcached {@link SessionStore}: one spymemcached {@link MemcachedClient} per node, so that the operations to
 * one node go over one connection in issue order and each node's availability is tracked on its own.
 *
 * <p>Operations never block the caller: spymemcached futures are bridged to {@link CompletableFuture}s with
 * completion listeners (run on this store's listener threads), and every returned future fails with a
 * {@link StoreTimeoutException} when no answer came within the operation timeout. An operation on a node that is
 * known to be down fails at once with a {@link StoreUnavailableException}; spymemcached's
 * {@link FailureMode#Cancel} does the same for operations queued when the connection drops.
 *
 * <p>Availability comes from spymemcached's {@link ConnectionObserver} and from each node's {@link NodeHealth}; the
 * flag is a volatile field, so {@link #isAvailable} is a local read. spymemcached only notices a closed connection
 * when it reads from it, so every connection is probed (a {@code version} command whose answer is checked) every
 * {@link #PING_INTERVAL}. A lost connection is retried every {@link #MAX_RECONNECT_DELAY_SECONDS} second. A node
 * that keeps its connection open but answers nothing (a paused process, a hung host) is marked unavailable by the
 * first operation or probe that times out without any answer from it since it was sent, before that operation's
 * future fails; it is available again once a probe is answered correctly within the operation timeout.
 */
final class MemcachedSessionStore implements SessionStore {

    private static final Log log = LogFactory.getLog(MemcachedSessionStore.class);

    /** How often idle connections are checked. */
    static final Duration PING_INTERVAL = Duration.ofSeconds(1);
    /** spymemcached's reconnect back-off cap, in whole seconds (its unit); 1 is its smallest useful value. */
    static final long MAX_RECONNECT_DELAY_SECONDS = 1;
    /** Longest wait at creation for the first connections. */
    static final Duration MAX_CONNECT_WAIT = Duration.ofSeconds(2);
    /** Longest time to live memcached reads as relative; larger values are absolute unix times. */
    static final int MAX_RELATIVE_TTL = 30 * 24 * 3600;
    /** Locks remembered for the one-command release, per node. */
    static final int ADDED_ITEMS_PER_NODE = 4096;

    private static final String SPY_LOGGER_PROPERTY = "net.spy.log.LoggerImpl";
    private static final byte[] EMPTY = new byte[0];
    private static final ByteArrayTranscoder BYTES = ByteArrayTranscoder.INSTANCE;
    private static final String SUN_LOGGER = "net.spy.memcached.compat.log.SunLogger";
    private static final List<String> QUIETED_SPY_LOGGERS = List.of("net.spy.memcached.MemcachedConnection",
            "net.spy.memcached.protocol");
    /** Kept strongly reachable so that the levels set on them stay. */
    private static final List<Logger> quietedSpyLoggers = new ArrayList<>();

    private final MemcachedConfig config;
    private final Duration timeout;
    private final long timeoutMillis;
    private final String threadPrefix;
    private final List<StoreNode> storeNodes;
    private final Map<String, Node> nodes;
    private final String description;
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
    /**
     * Operations in flight, in the order they started (so by deadline); a sweep fails the overdue ones and drops the
     * completed ones from the head. No timer per operation.
     */
    private final ConcurrentLinkedQueue<Deadline> pending = new ConcurrentLinkedQueue<>();
    private final ExecutorService listenerExecutor = new DirectExecutorService();
    private final ScheduledThreadPoolExecutor scheduler;
    private final ScheduledFuture<?> pinger;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Connects to every node and waits at most the operation timeout (and at most {@link #MAX_CONNECT_WAIT}) for the
     * first connections; nodes that are down are reported and connected later, by themselves.
     *
     * @param config   the parsed attributes
     * @param settings for the operation timeout and the owner named in thread names
     * @return the store
     */
    static MemcachedSessionStore connect(MemcachedConfig config, Settings settings) {
        return new MemcachedSessionStore(config, settings.operationTimeout(), settings.owner());
    }

    private MemcachedSessionStore(MemcachedConfig config, Duration operationTimeout, String owner) {
        this.config = config;
        this.timeout = operationTimeout;
        this.timeoutMillis = Math.max(1, operationTimeout.toMillis());
        this.threadPrefix = "msm-memcached" + (owner == null || owner.isEmpty() ? "" : "[" + owner + "]");
        this.storeNodes = config.storeNodes();
        this.description = describe(config);

        // two threads: timeouts still fire while a ping waits for spymemcached
        this.scheduler = new ScheduledThreadPoolExecutor(2, threads("timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);

        Map<String, Node> byId = new LinkedHashMap<>();
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        // threads created now (spymemcached's IO threads) must not pin the web application's class loader
        current.setContextClassLoader(MemcachedSessionStore.class.getClassLoader());
        try {
            configureSpyLogging();
            for (MemcachedConfig.Node n : config.nodes()) {
                Node node = new Node(n);
                byId.put(n.id(), node);
                node.connect();
            }
        } catch (RuntimeException e) {
            byId.values().forEach(Node::shutdownNow);
            scheduler.shutdown();
            throw e;
        } finally {
            current.setContextClassLoader(previous);
        }
        this.nodes = Collections.unmodifiableMap(byId);
        awaitFirstConnections(byId.values());
        this.pinger = scheduler.scheduleWithFixedDelay(this::ping, PING_INTERVAL.toMillis(),
                PING_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        long sweep = Math.max(5, Math.min(100, timeoutMillis / 4));
        scheduler.scheduleWithFixedDelay(this::failOverdue, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** An operation in flight, when it was sent and when it times out. */
    private record Deadline(CompletableFuture<?> future, long sentNanos, long atNanos, Node node) {
    }

    /** Fails operations whose timeout passed and forgets completed ones, from the oldest on. */
    private void failOverdue() {
        long now = System.nanoTime();
        Deadline d;
        while ((d = pending.peek()) != null) {
            if (!d.future().isDone()) {
                if (now - d.atNanos() < 0) {
                    return; // every later operation started later
                }
                // the node is marked unavailable (if hung) before anyone sees the timeout
                d.future().completeExceptionally(d.node().timedOut(null, d.sentNanos()));
            }
            pending.poll();
        }
    }

    private static String describe(MemcachedConfig config) {
        List<String> parts = new ArrayList<>();
        for (MemcachedConfig.Node n : config.nodes()) {
            parts.add(n + (n.failover() ? " (failover)" : ""));
        }
        return "memcached [" + String.join(", ", parts) + "] " + config.protocol().attributeValue();
    }

    private ThreadFactory threads(String kind) {
        AtomicInteger count = new AtomicInteger();
        ClassLoader loader = MemcachedSessionStore.class.getClassLoader();
        return r -> {
            Thread t = new Thread(r, threadPrefix + " " + kind + "-" + count.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        };
    }

    /**
     * Routes spymemcached's logging to java.util.logging (JULI inside Tomcat) unless the user chose a logger, and
     * quiets its warnings at every reconnect attempt and for every operation dropped with a connection (which name
     * the key, i.e. a session id): this store logs one message per change of a node's state instead.
     */
    private static synchronized void configureSpyLogging() {
        if (System.getProperty(SPY_LOGGER_PROPERTY) == null) {
            System.setProperty(SPY_LOGGER_PROPERTY, SUN_LOGGER);
        }
        if (quietedSpyLoggers.isEmpty() && SUN_LOGGER.equals(System.getProperty(SPY_LOGGER_PROPERTY))) {
            for (String name : QUIETED_SPY_LOGGERS) {
                Logger logger = Logger.getLogger(name);
                if (logger.getLevel() == null) {
                    logger.setLevel(Level.SEVERE);
                }
                quietedSpyLoggers.add(logger);
            }
        }
    }

    private void awaitFirstConnections(Collection<Node> all) {
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), MAX_CONNECT_WAIT.toNanos());
        for (Node node : all) {
            while (!node.available && !node.firstConnectFailed() && System.nanoTime() - deadline < 0) {
                node.awaitFirstConnection(10);
            }
        }
        for (Node node : all) {
            node.reportIfDownAtStart();
        }
    }

    // ------------------------------------------------------------------ nodes and availability

    @Override
    public List<StoreNode> nodes() {
        return storeNodes;
    }

    @Override
    public boolean isAvailable(String node) {
        return !closed.get() && node(node).available;
    }

    @Override
    public void addNodeListener(NodeListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private Node node(String id) {
        Node n = id == null ? null : nodes.get(id);
        if (n == null) {
            throw new IllegalArgumentException("Unknown node [" + id + "] of store [" + description + "]");
        }
        return n;
    }

    /** Checks node and key, before anything reaches the wire. */
    private Node target(String id, String key) {
        Node n = node(id);
        SessionStore.checkKey(key);
        return n;
    }

    private void checkSize(byte[] value) {
        // the limit is the attribute's value minus MemcachedConfig.ITEM_OVERHEAD bytes for key and item header
        Stores.checkValueSize(value, config.maxValueBytes(), description, MemcachedConfig.ITEM_SIZE_MAX);
    }

    /**
     * Converts a time to live to memcached's expiration: seconds up to 30 days, an absolute unix time above
     * (memcached reads larger values as absolute times).
     */
    static int expiration(int ttlSeconds) {
        SessionStore.checkTtl(ttlSeconds);
        if (ttlSeconds <= MAX_RELATIVE_TTL) {
            return ttlSeconds;
        }
        long absolute = System.currentTimeMillis() / 1000 + ttlSeconds;
        return (int) Math.min(absolute, Integer.MAX_VALUE);
    }

    private void ping() {
        if (closed.get()) {
            return;
        }
        for (Node node : nodes.values()) {
            try {
                node.ping();
            } catch (RuntimeException e) {
                // shutting down, or the node went away between check and ping: the next round sees it
                if (log.isDebugEnabled()) {
                    log.debug("Ping of " + node.where + " failed", e);
                }
            }
        }
    }

    private static void fire(List<NodeListener> told, String node, boolean available) {
        NodeListener.tell(told, node, available,
                (l, t) -> log.warn("Exception thrown by node listener [" + l + "] for node [" + node + "]", t));
    }

    // ------------------------------------------------------------------ operations

    @Override
    public CompletableFuture<byte[]> get(String node, String key) {
        return Stores.guard(() -> {
            Node n = target(node, key);
            return submit(n, () -> n.value(n.client.asyncGet(key, BYTES)));
        });
    }

    @Override
    public CompletableFuture<byte[]> getAndTouch(String node, String key, int ttlSeconds) {
        return Stores.guard(() -> {
            Node n = target(node, key);
            int exp = expiration(ttlSeconds);
            if (config.protocol() == MemcachedProtocol.BINARY) {
                return submit(n, () -> n.casValue(n.client.asyncGetAndTouch(key, exp, BYTES))
                        .thenApply(cv -> cv == null ? null : cv.getValue()));
            }
            // the text protocol of older servers has no get-and-touch: both commands leave before either answer
            return submit(n, () -> {
                CompletableFuture<byte[]> value = n.value(n.client.asyncGet(key, BYTES));
                CompletableFuture<Boolean> touched = n.found("touch", n.client.touch(key, exp));
                return value.thenCombine(touched, (v, t) -> v);
            });
        });
    }

    @Override
    public CompletableFuture<Void> set(String node, String key, byte[] value, int ttlSeconds) {
        return Stores.guard(() -> {
            Node n = target(node, key);
            int exp = expiration(ttlSeconds);
            checkSize(value);
            return submit(n, () -> n.stored(n.client.set(key, exp, value, BYTES)));
        });
    }

    @Override
    public CompletableFuture<Boolean> add(String node, String key, byte[] value, int ttlSeconds) {
        return Stores.guard(() -> {
            Node n = target(node, key);
            int exp = expiration(ttlSeconds);
            checkSize(value);
            return submit(n, () -> n.added(key, value, n.client.add(key, exp, value, BYTES)));
        });
    }

    @Override
    public CompletableFuture<Boolean> touch(String node, String key, int ttlSeconds) {
        return Stores.guard(() -> {
            Node n = target(node, key);
            int exp = expiration(ttlSeconds);
            return submit(n, () -> n.found("touch", n.client.touch(key, exp)));
        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String node, String key) {
        return Stores.guard(() -> {
            Node n = target(node, key);
            return submit(n, () -> n.found("delete", n.client.delete(key)));
        });
    }

    @Override
    public CompletableFuture<Boolean> deleteIfEquals(String node, String key, byte[] expected) {
        return Stores.guard(() -> {
            Node n = target(node, key);
            Objects.requireNonNull(expected, "expected");
            long cas = n.added.take(key, expected);
            if (cas == 0) {
                return submit(n, () -> n.compareAndDelete(key, expected));
            }
            // the common lock release: the item we created, deleted in one command if it is still unchanged; if it
            // changed (expired and taken by another owner, or rewritten), compare its current value
            return submit(n, () -> n.deletedWithCas(key, cas)
                    .thenCompose(deleted -> deleted != null ? CompletableFuture.completedFuture(deleted)
                            : n.compareAndDelete(key, expected)));
        });
    }

    @Override
    public CompletableFuture<Versioned> getVersioned(String node, String key) {
        return Stores.guard(() -> {
            Node n = target(node, key);
            return submit(n, () -> n.casValue(n.client.asyncGets(key, BYTES))
                    .thenApply(cv -> cv == null ? null : new Versioned(cv.getValue(), cv.getCas())));
        });
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String node, String key, long version, byte[] value,
            int ttlSeconds) {
        return Stores.guard(() -> {
            Node n = target(node, key);
            int exp = expiration(ttlSeconds);
            checkSize(value);
            if (version == 0) {
                // memcached never hands out CAS 0, and the binary protocol reads it as "no check"
                return CompletableFuture.completedFuture(false);
            }
            return submit(n, () -> n.swapped(n.client.asyncCAS(key, version, exp, value, BYTES)));
        });
    }

    /**
     * Runs an operation on a node unless the store is closed or the node known to be down, and bounds the result by
     * the operation timeout.
     */
    private <T> CompletableFuture<T> submit(Node n, Supplier<CompletableFuture<T>> operation) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedException());
        }
        if (!n.available) {
            return CompletableFuture.failedFuture(n.unavailable(null));
        }
        CompletableFuture<T> started;
        long sent = n.health.sent();
        try {
            started = operation.get();
        } catch (IllegalStateException e) {
            // spymemcached is shutting down, or the node's queue is full
            return CompletableFuture.failedFuture(n.unavailable(e));
        }
        return withDeadline(n, sent, started);
    }

    private <T> CompletableFuture<T> withDeadline(Node n, long sentNanos, CompletableFuture<T> started) {
        if (!started.isDone()) {
            pending.add(new Deadline(started, sentNanos, sentNanos + timeout.toNanos(), n));
        }
        return started;
    }

    private StoreUnavailableException closedException() {
        return Stores.closed(description);
    }

    @Override
    public int maxValueBytes() {
        return config.maxValueBytes();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pinger.cancel(false);
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), MAX_CONNECT_WAIT.toNanos());
        for (Node node : nodes.values()) {
            // let writes already sent to a live node finish, within the bound
            long remaining = node.available ? TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) : 0;
            node.shutdown(Math.max(0, remaining));
        }
        for (Node node : nodes.values()) {
            node.join(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        }
        StoreUnavailableException closedException = closedException();
        Deadline d;
        while ((d = pending.poll()) != null) {
            d.future().completeExceptionally(closedException);
        }
        // delayed timeouts of operations started during close still run; the periodic ping does not
        scheduler.shutdown();
        if (log.isDebugEnabled()) {
            log.debug("Closed store [" + description + "]");
        }
    }

    // ------------------------------------------------------------------ one node

    /** A completion of a spymemcached future: the value and status, or the exception of {@code get()}. */
    @FunctionalInterface
    private interface Outcome<S, T> {
        T apply(S value, OperationStatus status);
    }

    /** One memcached server, its client and its availability. */
    private final class Node implements ConnectionObserver {

        final MemcachedConfig.Node config;
        /** {@code memcached node [n1 127.0.0.1:11211]}, for messages. */
        final String where;
        final AddedItems added = new AddedItems(ADDED_ITEMS_PER_NODE);
        private final CountDownLatch firstConnection = new CountDownLatch(1);
        private final Object lock = new Object();
        /** Tells a hung node (connection open, no answers) from a slow one; see {@link NodeHealth}. */
        final NodeHealth health;
        /** {@code connected} and {@code health} responsive: operations are sent only then. */
        volatile boolean available;
        /** spymemcached's connection state; guarded by {@link #lock}. */
        private boolean connected;
        private boolean reportedDown;
        private boolean everConnected;
        MemcachedClient client;
        private OperationFactory operations;

        Node(MemcachedConfig.Node config) {
            this.config = config;
            this.where = "memcached node [" + config + "]";
            this.health = new NodeHealth(System::nanoTime, timeout, this::availabilityChanged);
        }

        void connect() {
            InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
            if (address.isUnresolved()) {
                throw new InvalidAttributeException(MemcachedConfig.NODES, "Cannot resolve host [" + config.host()
                        + "] of node [" + config.id() + "] in attribute [" + MemcachedConfig.NODES + "]");
            }
            ConnectionFactoryBuilder builder = new ConnectionFactoryBuilder()
                    .setProtocol(MemcachedSessionStore.this.config.protocol() == MemcachedProtocol.BINARY
                            ? ConnectionFactoryBuilder.Protocol.BINARY : ConnectionFactoryBuilder.Protocol.TEXT)
                    .setFailureMode(FailureMode.Cancel)
                    .setOpTimeout(timeoutMillis)
                    .setMaxReconnectDelay(MAX_RECONNECT_DELAY_SECONDS)
                    .setOpQueueMaxBlockTime(0)
                    .setShouldOptimize(false)
                    .setDaemon(true)
                    .setListenerExecutorService(listenerExecutor)
                    .setInitialObservers(List.of(this));
            String username = MemcachedSessionStore.this.config.username();
            if (username != null) {
                builder.setAuthDescriptor(new AuthDescriptor(new String[] {"PLAIN"},
                        new PlainCallbackHandler(username, MemcachedSessionStore.this.config.password())));
            }
            ConnectionFactory factory = builder.build();
            operations = factory.getOperationFactory();
            try {
                client = new MemcachedClient(factory, List.of(address));
            } catch (IOException e) {
                throw new StoreException(config.id(), "Cannot create a client for " + where + ": " + e, e);
            }
            client.getConnection().setName(threadPrefix + " io " + config.id());
        }

        // -------------------------------------------------------------- availability

        // The listeners to tell are taken before the new state is published: a listener registered by someone who
        // already saw the new state (e.g. right after the store was created) is not told of that change.

        @Override
        public void connectionEstablished(SocketAddress address, int reconnectCount) {
            synchronized (lock) {
                connected = true;
                everConnected = true;
            }
            firstConnection.countDown();
            availabilityChanged();
        }

        @Override
        public void connectionLost(SocketAddress address) {
            synchronized (lock) {
                connected = false;
            }
            availabilityChanged();
        }

        /**
         * Recomputes {@link #available} from the connection state and the node's health; on a change logs it once
         * and tells the listeners, on the calling thread (an I/O thread, or the timeout sweep before it fails the
         * timed-out operation).
         */
        private void availabilityChanged() {
            boolean now;
            boolean wasReported;
            List<NodeListener> told;
            synchronized (lock) {
                now = connected && health.isResponsive();
                if (now == available) {
                    return;
                }
                told = List.copyOf(listeners);
                available = now;
                wasReported = reportedDown;
                reportedDown = !now;
            }
            if (closed.get()) {
                return;
            }
            if (now) {
                if (wasReported) {
                    log.warn("Memcached node [" + config + "] is available again");
                } else if (log.isDebugEnabled()) {
                    log.debug("Connected to " + where);
                }
            } else if (!health.isResponsive()) {
                log.warn("Memcached node [" + config + "] is unavailable: no answer within [" + timeout.toMillis()
                        + " ms] while its connection stays open (hung or paused); probing it every ["
                        + PING_INTERVAL.toMillis() + " ms]");
            } else {
                log.warn("Memcached node [" + config + "] is unavailable");
            }
            fire(told, config.id(), now);
        }

        void awaitFirstConnection(long millis) {
            try {
                firstConnection.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** spymemcached's node counts 1 before the first connect and more after each failed attempt. */
        boolean firstConnectFailed() {
            for (MemcachedNode n : client.getConnection().getLocator().getAll()) {
                if (n.getReconnectCount() > 1) {
                    return true;
                }
            }
            return false;
        }

        void reportIfDownAtStart() {
            synchronized (lock) {
                if (available || everConnected) {
                    return;
                }
                reportedDown = true;
            }
            log.warn("Memcached node [" + config + "] is unavailable");
        }

        /**
         * Sends a {@code version} command and checks the answer: spymemcached only reads from a connection with an
         * operation pending, so a server that died while the connection was idle is noticed here, and a server that
         * hangs with its connection open (no answer within the operation timeout) is marked unavailable, then
         * returned by the first probe answered correctly in time. One probe in flight at a time.
         */
        void ping() {
            List<MemcachedNode> connectedNodes = new ArrayList<>();
            for (MemcachedNode n : client.getConnection().getLocator().getAll()) {
                // an unauthenticated node would make spymemcached wait for authentication in this thread
                if (n.isActive() && n.isAuthenticated()) {
                    connectedNodes.add(n);
                }
            }
            if (connectedNodes.isEmpty() || !health.tryStartProbe()) {
                return;
            }
            long sent = health.sent();
            CompletableFuture<Void> probe = new CompletableFuture<>();
            probe.whenComplete((done, failure) -> health.probeEnded());
            try {
                client.broadcastOp((n, latch) -> operations.version(new OperationCallback() {
                    @Override
                    public void receivedStatus(OperationStatus status) {
                        if (answered(status)) {
                            String version = status.getMessage();
                            health.probeAnswered(sent, status.isSuccess() && version != null
                                    && !version.isBlank());
                        }
                    }

                    @Override
                    public void complete() {
                        probe.complete(null);
                        latch.countDown();
                    }
                }), connectedNodes);
            } catch (RuntimeException e) {
                probe.complete(null);
                throw e;
            }
            withDeadline(this, sent, probe);
        }

        void shutdown(long waitMillis) {
            if (client != null) {
                client.shutdown(waitMillis, TimeUnit.MILLISECONDS);
            }
        }

        void shutdownNow() {
            shutdown(0);
        }

        void join(long millis) {
            if (client != null && millis > 0) {
                try {
                    client.getConnection().join(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        // -------------------------------------------------------------- results

        StoreUnavailableException unavailable(Throwable cause) {
            return new StoreUnavailableException(config.id(), "Memcached node [" + config + "] is unavailable",
                    cause);
        }

        /** Tells the node's health first, so that a hung node is unavailable before the timeout is seen. */
        StoreTimeoutException timedOut(Throwable cause, long sentNanos) {
            health.timedOut(sentNanos);
            return new StoreTimeoutException(config.id(), where, timeout, cause);
        }

        StoreException refused(String command, OperationStatus status) {
            return new StoreException(config.id(), "Memcached node [" + config + "] refused [" + command + "]: ["
                    + (status == null ? "no status" : status.getMessage()) + "]", null);
        }

        private StoreException translate(Throwable cause) {
            if (cause instanceof CancellationException) {
                // FailureMode.Cancel: the connection was down or dropped while the operation was queued
                return unavailable(cause);
            }
            if (cause instanceof CheckedOperationTimeoutException) {
                // spymemcached's own timeout, of an operation that waited its whole timeout
                return timedOut(cause, health.sent() - timeout.toNanos());
            }
            if (cause instanceof OperationException) {
                return new StoreException(config.id(), "Memcached node [" + config + "] answered with an error: ["
                        + cause.getMessage() + "]", cause);
            }
            if (cause instanceof StoreException) {
                return (StoreException) cause;
            }
            return new StoreException(config.id(), "Operation on " + where + " failed: " + cause, cause);
        }

        private <T> void settle(CompletableFuture<T> target, Supplier<T> outcome) {
            try {
                target.complete(outcome.get());
            } catch (StoreException e) {
                target.completeExceptionally(e);
            } catch (RuntimeException e) {
                target.completeExceptionally(translate(e));
            }
        }

        private <S> S done(Future<S> future) {
            // called from a completion listener: the future is done and get() does not wait
            try {
                return future.get();
            } catch (ExecutionException e) {
                throw translate(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable(e);
            }
        }

        <S, T> CompletableFuture<T> bridge(OperationFuture<S> future, Outcome<S, T> outcome) {
            CompletableFuture<T> result = new CompletableFuture<>();
            future.addListener(f -> {
                noteAnswer(future.isCancelled() ? null : future.getStatus());
                settle(result, () -> outcome.apply(done(future), future.getStatus()));
            });
            return result;
        }

        <S, T> CompletableFuture<T> bridge(GetFuture<S> future, Outcome<S, T> outcome) {
            CompletableFuture<T> result = new CompletableFuture<>();
            future.addListener(f -> {
                noteAnswer(future.isCancelled() ? null : future.getStatus());
                settle(result, () -> outcome.apply(done(future), future.getStatus()));
            });
            return result;
        }

        /** Any answer of the server, success or error, shows it is not hung. */
        private void noteAnswer(OperationStatus status) {
            if (answered(status)) {
                health.replied();
            }
        }

        /** Whether a status came from the server, not from spymemcached (cancelled, timed out, client error). */
        private static boolean answered(OperationStatus status) {
            if (status == null) {
                return false;
            }
            StatusCode code = status.getStatusCode();
            return code != StatusCode.CANCELLED && code != StatusCode.TIMEDOUT && code != StatusCode.INTERRUPTED
                    && code != StatusCode.ERR_CLIENT;
        }

        private boolean missed(OperationStatus status) {
            return status == null || status.isSuccess() || status.getStatusCode() == StatusCode.ERR_NOT_FOUND;
        }

        CompletableFuture<byte[]> value(GetFuture<byte[]> future) {
            return bridge(future, (value, status) -> {
                if (value == null && !missed(status)) {
                    throw refused("get", status);
                }
                return value;
            });
        }

        CompletableFuture<CASValue<byte[]>> casValue(OperationFuture<CASValue<byte[]>> future) {
            return bridge(future, (value, status) -> {
                if (value == null && !missed(status)) {
                    throw refused("get", status);
                }
                return value;
            });
        }

        CompletableFuture<Void> stored(OperationFuture<Boolean> future) {
            return bridge(future, (ok, status) -> {
                if (!Boolean.TRUE.equals(ok)) {
                    throw refused("set", status);
                }
                return null;
            });
        }

        CompletableFuture<Boolean> added(String key, byte[] value, OperationFuture<Boolean> future) {
            return bridge(future, (ok, status) -> {
                if (Boolean.TRUE.equals(ok)) {
                    if (MemcachedSessionStore.this.config.protocol() == MemcachedProtocol.BINARY) {
                        rememberCas(key, value, future);
                    }
                    return true;
                }
                StatusCode code = status == null ? null : status.getStatusCode();
                if (code == StatusCode.ERR_EXISTS || code == StatusCode.ERR_NOT_STORED) {
                    return false;
                }
                throw refused("add", status);
            });
        }

        private void rememberCas(String key, byte[] value, OperationFuture<Boolean> future) {
            try {
                Long cas = future.getCas();
                if (cas != null) {
                    added.added(key, value, cas);
                }
            } catch (UnsupportedOperationException e) {
                // no CAS in the answer: the release takes the longer path
            }
        }

        /** For touch and delete: {@code true} if done, {@code false} if the key does not exist. */
        CompletableFuture<Boolean> found(String command, OperationFuture<Boolean> future) {
            return bridge(future, (ok, status) -> {
                if (Boolean.TRUE.equals(ok)) {
                    return true;
                }
                if (status != null && status.getStatusCode() == StatusCode.ERR_NOT_FOUND) {
                    return false;
                }
                throw refused(command, status);
            });
        }

        CompletableFuture<Boolean> swapped(OperationFuture<CASResponse> future) {
            return bridge(future, (response, status) -> {
                if (response == CASResponse.OK) {
                    return true;
                }
                if (response == CASResponse.EXISTS || response == CASResponse.NOT_FOUND) {
                    return false;
                }
                throw refused("cas", status);
            });
        }

        /**
         * Binary {@code delete} with the CAS of our {@code add}.
         *
         * @return {@code true} deleted, {@code false} gone, {@code null} changed since our add
         */
        CompletableFuture<Boolean> deletedWithCas(String key, long cas) {
            return bridge(client.delete(key, cas), (ok, status) -> {
                if (Boolean.TRUE.equals(ok)) {
                    return true;
                }
                StatusCode code = status == null ? null : status.getStatusCode();
                if (code == StatusCode.ERR_NOT_FOUND) {
                    return false;
                }
                if (code == StatusCode.ERR_EXISTS) {
                    return null;
                }
                throw refused("delete", status);
            });
        }

        /**
         * Reads the value with its CAS and, if it equals {@code expected}, deletes it on condition that the CAS is
         * unchanged, so that a value written in between is never deleted.
         */
        CompletableFuture<Boolean> compareAndDelete(String key, byte[] expected) {
            return casValue(client.asyncGets(key, BYTES)).thenCompose(cv -> {
                if (cv == null || !Arrays.equals(cv.getValue(), expected)) {
                    return CompletableFuture.completedFuture(false);
                }
                try {
                    if (MemcachedSessionStore.this.config.protocol() == MemcachedProtocol.BINARY) {
                        return deletedWithCas(key, cv.getCas()).thenApply(Boolean.TRUE::equals);
                    }
                    // The text protocol has no delete with CAS. A cas with a negative expiration replaces the item
                    // only if it is unchanged, and memcached treats the new item as expired at once: a later get
                    // misses and add succeeds (checked against memcached 1.6.18 by MemcachedTextStoreTest).
                    return swapped(client.asyncCAS(key, cv.getCas(), -1, EMPTY, BYTES));
                } catch (IllegalStateException e) {
                    return CompletableFuture.failedFuture(unavailable(e));
                }
            });
        }

        @Override
        public String toString() {
            return where;
        }
    }

    /**
     * Runs spymemcached's completion listeners on the I/O thread that completed the operation: completing a
     * {@link CompletableFuture} is cheap and non-blocking, and a hop to another thread per operation costs more than
     * the operation itself on a busy machine.
     */
    private static final class DirectExecutorService extends AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}

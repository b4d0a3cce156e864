package dev.msm.redis;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

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
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.GetExArgs;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.ThreadFactoryProvider;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import reactor.core.Disposable;

/**
 * A {@link dev.msm.api.SessionStore} on Redis through one shared, auto-reconnecting Lettuce connection (Cluster: one
 * connection per node, managed by Lettuce). Commands of all threads are pipelined on it and take effect in issue
 * order. Redis distributes and replicates keys itself: {@link #nodes()} is empty and every operation takes
 * {@code node == null}.
 *
 * <h2>Stored values and versions</h2>
 * Redis has no compare-and-set, and nothing on a key changes when the same bytes are written again. So every value
 * is stored behind an 8-byte header, its <em>version</em>: a random 64-bit number drawn by the client for each write
 * ({@code set}, {@code add}, {@code compareAndSet}). {@code get} is a plain {@code GET} and {@code set} a plain
 * {@code SET key header+value [EX ttl]}: one command each, the header costs 8 bytes and one array copy.
 * {@link #getVersioned} returns the header as version; {@link #compareAndSet} is a Lua script that compares the
 * first 8 bytes ({@code GETRANGE key 0 7}, without reading the value) and writes only if they are unchanged, so it
 * is atomic with respect to every other operation. Two different writes get the same version with probability
 * 2<sup>-64</sup>. {@code touch}/{@code getAndTouch} ({@code EXPIRE}, {@code GETEX}) keep the version: they do not
 * write the value. {@link #deleteIfEquals} is a Lua script comparing the bytes after the header. A value without
 * the header (shorter than 8 bytes, i.e. not written by this store) fails reads with a {@link StoreException}.
 *
 * <p>Scripts run with {@code EVALSHA}; after a {@code NOSCRIPT} answer (a restarted or flushed server) the same
 * call is sent again with {@code EVAL}, which loads the script for later calls. That retry may take effect after
 * commands the thread issued later; both scripted operations compare before they write, so the worst outcome is a
 * {@code false} result.
 *
 * <h2>Redis Cluster</h2>
 * All keys of one session must be on one node so that their operations keep their order. The engine's keys are
 * {@code <prefix>_<id>}, {@code bak:<prefix>_<id>}, {@code lock:<prefix>_<id>}, {@code exp:<prefix>_<id>}, where the
 * prefix may itself contain {@code :}. In cluster mode every key {@code k} is sent as {@code {h}k}, {@code h} being
 * the part of {@code k} after its last {@code :} (all of {@code k} when there is none): Redis hashes only {@code h},
 * which is the same for every key of a session (see {@link #clusterKey}).
 *
 * <p>When a master dies, Redis Cluster promotes its replica after {@code cluster-node-timeout} plus an election.
 * Until the store reads the new topology, commands for the dead master's slots fail fast (its connection is down and
 * commands are rejected rather than queued). The topology is read again on every reconnect attempt from the third on
 * (at most once per {@link #ADAPTIVE_REFRESH_MIN_INTERVAL}), on redirects and uncovered slots, and every
 * {@link #TOPOLOGY_REFRESH_INTERVAL}; nodes flagged {@code fail} (the cluster agreed they are down) or
 * {@code noaddr} are left out of it, so their connections are closed and stop reconnecting, and the connection to a
 * new master is opened as soon as the topology shows it.
 *
 * <h2>Waiting for replicas</h2>
 * Replication is asynchronous: a write the master acknowledged may not have reached a replica when the master dies.
 * With {@code redisWaitReplicas=n} every write ({@code set}, {@code add}, {@code delete}, and the scripts of
 * {@code compareAndSet} and {@code deleteIfEquals}) is followed, pipelined on the same connection, by
 * {@code WAIT n timeout} (half the operation timeout), and completes once that answered: a write whose replicas
 * acknowledged it survives a failover to one of them. A write that fewer replicas acknowledged in time completes
 * anyway (it is on the master; a WARN says once that writes are not confirmed, and once when they are again).
 * {@code WAIT} holds back later commands on the same connection while it waits.
 *
 * <h2>Failures and availability</h2>
 * Each command fails with {@link StoreTimeoutException} after the operation timeout. While the connection is down
 * commands are rejected at once ({@link StoreUnavailableException}), and commands in flight when it drops fail
 * instead of being replayed. {@link #isAvailable} is a local flag kept by Lettuce's connection events (Cluster: at
 * least one node connection is up). Lettuce reconnects after 100 ms, then with doubling delays capped at one second;
 * if Redis cannot be reached at all when the store is created, the store retries every second by itself.
 * A Redis that keeps its connection open but answers nothing (a paused process, a hung host) is marked unavailable by
 * the first command or {@code PING} probe (every {@link #PROBE_INTERVAL}) that times out without any answer since it
 * was sent (see {@link NodeHealth}), before that command's future fails; it is available again once a {@code PING}
 * gets {@code PONG} within the operation timeout. In Cluster mode the store counts as one node: a hung master whose
 * peers still answer is left to Redis Cluster's own failover, and its commands time out until then.
 * Listeners are told of changes in order, on one Lettuce thread; a WARN is logged once when Redis goes away and once
 * when it is back.
 */
final class RedisSessionStore implements SessionStore {

    private static final Log log = LogFactory.getLog(RedisSessionStore.class);

    /** Bytes of the version header in front of every stored value. */
    static final int HEADER_BYTES = 8;

    /** First reconnect delay; later attempts double it up to {@link #MAX_RECONNECT_DELAY}. */
    static final Duration MIN_RECONNECT_DELAY = Duration.ofMillis(100);

    /** Longest pause between two reconnection attempts. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    /**
     * How often Redis Cluster's topology is read (one {@code CLUSTER NODES} per node) without a trigger: the longest
     * a change that no reconnect, redirect or uncovered slot signals stays unnoticed.
     */
    static final Duration TOPOLOGY_REFRESH_INTERVAL = Duration.ofSeconds(5);

    /** Shortest pause between two topology reads triggered by reconnect attempts, redirects or uncovered slots. */
    static final Duration ADAPTIVE_REFRESH_MIN_INTERVAL = Duration.ofSeconds(1);

    /** How often a {@code PING} checks that Redis answers {@code PONG}. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    /**
     * Error answers of a Redis that cannot serve for now: a cluster with an uncovered slot, a replica not yet
     * promoted or a server loading its data.
     */
    private static final List<String> UNAVAILABLE_ERRORS = List.of("CLUSTERDOWN", "TRYAGAIN", "LOADING",
            "MASTERDOWN", "READONLY");

    private static final Script DELETE_IF_EQUALS = new Script(""
            + "if redis.call('STRLEN', KEYS[1]) ~= #ARGV[1] + 8 then return 0 end\n"
            + "if string.sub(redis.call('GET', KEYS[1]), 9) == ARGV[1] then return redis.call('DEL', KEYS[1]) end\n"
            + "return 0\n", true);

    private static final Script COMPARE_AND_SET = new Script(""
            + "if redis.call('GETRANGE', KEYS[1], 0, 7) ~= ARGV[1] then return 0 end\n"
            + "if ARGV[3] == '0' then redis.call('SET', KEYS[1], ARGV[2])\n"
            + "else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end\n"
            + "return 1\n", true);

    private static final Script PERSIST_IF_EXISTS = new Script(""
            + "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
            + "redis.call('PERSIST', KEYS[1])\n"
            + "return 1\n", false);

    private final RedisConfig config;
    private final Duration timeout;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final Supplier<CompletableFuture<? extends StatefulConnection<byte[], byte[]>>> connector;
    private final EventExecutor notifier;
    private final Set<RedisChannelHandler<?, ?>> connected = ConcurrentHashMap.newKeySet();
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Whether the last write was acknowledged by {@code redisWaitReplicas} replicas; for logging changes once. */
    private final AtomicBoolean replicationConfirmed = new AtomicBoolean(true);
    /** Tells a hung Redis (connection open, no answers) from a slow one; see {@link NodeHealth}. */
    private final NodeHealth health;
    /** Cluster: opens the connections of new masters when the topology changes; {@code null} otherwise. */
    private final Disposable topologyWatch;

    private volatile StatefulConnection<byte[], byte[]> connection;
    private volatile RedisClusterAsyncCommands<byte[], byte[]> commands;
    private volatile Throwable lastConnectFailure;

    /** Set once the first connection attempt is over; availability is reported from then on. */
    private volatile boolean started;

    /** The availability last reported to the log and the listeners; only read and written on {@link #notifier}. */
    private boolean reportedAvailable = true;

    private RedisSessionStore(RedisConfig config, Settings settings) {
        this.config = config;
        this.timeout = settings.operationTimeout();
        this.resources = DefaultClientResources.builder()
                .threadFactoryProvider(threads(settings.owner()))
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(MIN_RECONNECT_DELAY, MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
        this.notifier = resources.eventExecutorGroup().next();
        this.health = new NodeHealth(System::nanoTime, timeout, this::availabilityChanged);
        Duration connectTimeout = timeout.compareTo(Duration.ofSeconds(2)) > 0 ? timeout : Duration.ofSeconds(2);
        SocketOptions socket = SocketOptions.builder()
                .connectTimeout(connectTimeout)
                .keepAlive(SocketOptions.KeepAliveOptions.builder().enable().idle(Duration.ofSeconds(15))
                        .interval(Duration.ofSeconds(5)).count(3).build())
                .build();
        for (RedisURI uri : config.uris()) {
            uri.setTimeout(timeout);
        }
        if (config.mode() == RedisConfig.Mode.CLUSTER) {
            RedisClusterClient cluster = RedisClusterClient.create(resources, config.uris());
            ClusterClientOptions.Builder options = ClusterClientOptions.builder()
                    // after a master dies, its connection keeps reconnecting: every attempt from the 3rd on
                    // re-reads the topology (at most one refresh per ADAPTIVE_REFRESH_MIN_INTERVAL), so the promoted
                    // replica is found about a second after Redis Cluster promoted it; the periodic refresh catches
                    // what no trigger signals
                    .topologyRefreshOptions(topologyRefresh())
                    // a node the cluster agreed is down (FAIL) or has no address leaves the topology: its
                    // connection is closed instead of reconnecting for as long as it stays down, and topology
                    // refreshes stop asking it. A node only suspected by one peer (PFAIL) stays: it may be slow,
                    // and it still owns its slots until the cluster agrees
                    .nodeFilter(node -> !node.is(RedisClusterNode.NodeFlag.FAIL)
                            && !node.is(RedisClusterNode.NodeFlag.NOADDR))
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .socketOptions(socket);
            options.maintNotificationsConfig(MaintNotificationsConfig.disabled());
            cluster.setOptions(options.build());
            this.client = cluster;
            // the asynchronous connect needs the topology loaded first
            this.connector = () -> cluster.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(loaded -> cluster.connectAsync(ByteArrayCodec.INSTANCE))
                    .thenCompose(RedisSessionStore::connectMasters);
            // a replica promoted to master gets its connection when the topology shows it, not on the first
            // command for its slots (which REJECT_COMMANDS would reject while the connection is being opened)
            this.topologyWatch = resources.eventBus().get()
                    .filter(ClusterTopologyChangedEvent.class::isInstance)
                    .subscribe(event -> {
                        if (connection instanceof StatefulRedisClusterConnection<byte[], byte[]> cc) {
                            connectMasters(cc);
                        }
                    });
        } else {
            RedisClient standalone = RedisClient.create(resources);
            standalone.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                    .socketOptions(socket)
                    .build());
            this.client = standalone;
            RedisURI uri = config.uris().get(0);
            this.connector = () -> standalone.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
            this.topologyWatch = null;
        }
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                connected.add(handler);
                availabilityChanged();
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                connected.remove(handler);
                availabilityChanged();
            }
        });
    }

    /**
     * Creates a store and waits a bounded time for its first connection.
     *
     * @param config   the parsed attributes
     * @param settings for the operation timeout
     * @return the store, connected or retrying
     */
    static RedisSessionStore connect(RedisConfig config, Settings settings) {
        // Lettuce looks some classes up through the context class loader (JFR events, optional features); during
        // a context's start that is the web application's. Ours finds the classes Lettuce expects and keeps the
        // web application's loader out of everything Lettuce creates here.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(RedisSessionStore.class.getClassLoader());
        try {
            RedisSessionStore store = new RedisSessionStore(config, settings);
            CompletableFuture<Void> first = store.connectOnce();
            try {
                first.get(store.timeout.toMillis() + 2 * MAX_RECONNECT_DELAY.toMillis() + 2000,
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                thread.interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // reported by availabilityChanged(); the store keeps trying
            }
            store.started = true;
            // the state at creation is reported before any listener can be added
            store.notifier.submit(store::reportAvailability).awaitUninterruptibly(1, TimeUnit.SECONDS);
            store.notifier.scheduleWithFixedDelay(store::probe, PROBE_INTERVAL.toMillis(), PROBE_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
            return store;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Names Lettuce's threads after msm and the owner, e.g. {@code msm-redis[/shop]-lettuce-timer-3-1}, and gives
     * them this module's class loader as context class loader, whichever thread happens to start them.
     */
    private static ThreadFactoryProvider threads(String owner) {
        String prefix = "msm-redis" + (owner.isEmpty() ? "" : "[" + owner + "]") + "-";
        ClassLoader loader = RedisSessionStore.class.getClassLoader();
        return poolName -> new DefaultThreadFactory(prefix + poolName, true) {
            @Override
            protected Thread newThread(Runnable r, String name) {
                Thread t = super.newThread(r, name);
                t.setContextClassLoader(loader);
                return t;
            }
        };
    }

    /**
     * Opens the connections to all masters. Lettuce opens a node connection on its first command, and with
     * {@code REJECT_COMMANDS} rejects commands while it is being opened: without this, the first commands to each
     * node would fail. (A node that joins later still loses its first command.)
     */
    private static CompletableFuture<StatefulRedisClusterConnection<byte[], byte[]>> connectMasters(
            StatefulRedisClusterConnection<byte[], byte[]> connection) {
        List<CompletableFuture<?>> nodes = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.hasNoSlots()) {
                // by host and port, as Lettuce keys the connections it routes commands to
                try {
                    nodes.add(connection.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()));
                } catch (RuntimeException e) {
                    // a node that left the topology meanwhile
                }
            }
        }
        // a master that cannot be reached now is retried by Lettuce on its first command
        return CompletableFuture.allOf(nodes.toArray(CompletableFuture[]::new)).handle((done, failure) -> connection);
    }

    /** One connection attempt; on failure another one is scheduled, until the store is closed. */
    private CompletableFuture<Void> connectOnce() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<? extends StatefulConnection<byte[], byte[]>> attempt;
        try {
            attempt = connector.get();
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((c, failure) -> {
            if (failure != null) {
                lastConnectFailure = Stores.unwrap(failure);
                if (log.isDebugEnabled()) {
                    log.debug("Cannot connect to " + config.description() + "; retrying", failure);
                }
                scheduleConnect();
                availabilityChanged();
                done.completeExceptionally(failure);
                return;
            }
            if (closed.get()) {
                c.closeAsync();
            } else {
                connection = c;
                commands = c instanceof StatefulRedisClusterConnection<byte[], byte[]> cc ? cc.async()
                        : ((StatefulRedisConnection<byte[], byte[]>) c).async();
                lastConnectFailure = null;
                availabilityChanged();
            }
            done.complete(null);
        });
        return done;
    }

    private void scheduleConnect() {
        if (closed.get()) {
            return;
        }
        try {
            resources.eventExecutorGroup().schedule(this::connectOnce, MAX_RECONNECT_DELAY.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Reports a change of {@link #isAvailable} to the log and the listeners, in order, on the notifier thread. */
    private void availabilityChanged() {
        try {
            notifier.execute(this::reportAvailability);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Runs on {@link #notifier} only. */
    private void reportAvailability() {
        boolean now = isAvailable(null);
        if (!started || now == reportedAvailable || closed.get()) {
            return;
        }
        reportedAvailable = now;
        if (now) {
            log.warn(config.description() + " is available again");
        } else if (!health.isResponsive()) {
            log.warn(config.description() + " is unavailable: no answer within [" + timeout.toMillis() + " ms] while"
                    + " its connection stays open (hung or paused); operations fail fast until it answers a PING");
        } else {
            Throwable cause = lastConnectFailure;
            log.warn(config.description() + " is unavailable; operations fail fast until it is back"
                    + (cause == null ? "" : " (" + rootMessage(cause) + ")"));
        }
        NodeListener.tell(listeners, null, now,
                (l, t) -> log.warn("Node listener [" + l + "] of " + config.description() + " failed", t));
    }

    @Override
    public List<StoreNode> nodes() {
        return List.of();
    }

    @Override
    public boolean isAvailable(String node) {
        checkNode(node);
        if (closed.get() || !health.isResponsive()) {
            return false;
        }
        if (config.mode() == RedisConfig.Mode.CLUSTER) {
            return connection != null && !connected.isEmpty();
        }
        StatefulConnection<byte[], byte[]> c = connection;
        return c != null && connected.contains(c);
    }

    @Override
    public void addNodeListener(NodeListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    // ------------------------------------------------------------------ operations

    @Override
    public CompletableFuture<byte[]> get(String node, String key) {
        return Stores.guard(() -> {
            byte[] k = wireKey(node, key);
            return send(c -> c.get(k), v -> v == null ? null : payload(v, key));
        });
    }

    @Override
    public CompletableFuture<byte[]> getAndTouch(String node, String key, int ttlSeconds) {
        return Stores.guard(() -> {
            byte[] k = wireKey(node, key);
            GetExArgs args = SessionStore.checkTtl(ttlSeconds) == 0 ? new GetExArgs().persist()
                    : new GetExArgs().ex(ttlSeconds);
            return send(c -> c.getex(k, args), v -> v == null ? null : payload(v, key));
        });
    }

    @Override
    public CompletableFuture<Void> set(String node, String key, byte[] value, int ttlSeconds) {
        return Stores.guard(() -> {
            byte[] k = wireKey(node, key);
            SetArgs args = expiry(new SetArgs(), ttlSeconds);
            byte[] v = frame(value);
            return send(k, c -> c.set(k, v, args), ok -> null);
        });
    }

    @Override
    public CompletableFuture<Boolean> add(String node, String key, byte[] value, int ttlSeconds) {
        return Stores.guard(() -> {
            byte[] k = wireKey(node, key);
            SetArgs args = expiry(new SetArgs().nx(), ttlSeconds);
            byte[] v = frame(value);
            return send(k, c -> c.set(k, v, args), ok -> ok != null);
        });
    }

    @Override
    public CompletableFuture<Boolean> touch(String node, String key, int ttlSeconds) {
        return Stores.guard(() -> {
            byte[] k = wireKey(node, key);
            if (SessionStore.checkTtl(ttlSeconds) == 0) {
                return script(PERSIST_IF_EXISTS, k).thenApply(n -> n == 1L);
            }
            return send(c -> c.expire(k, ttlSeconds), Boolean.TRUE::equals);
        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String node, String key) {
        return Stores.guard(() -> {
            byte[] k = wireKey(node, key);
            return send(k, c -> c.del(k), n -> n == 1L);
        });
    }

    @Override
    public CompletableFuture<Boolean> deleteIfEquals(String node, String key, byte[] expected) {
        return Stores.guard(() -> {
            byte[] k = wireKey(node, key);
            Objects.requireNonNull(expected, "expected");
            return script(DELETE_IF_EQUALS, k, expected).thenApply(n -> n == 1L);
        });
    }

    @Override
    public CompletableFuture<Versioned> getVersioned(String node, String key) {
        return Stores.guard(() -> {
            byte[] k = wireKey(node, key);
            return send(c -> c.get(k), v -> v == null ? null : new Versioned(payload(v, key), version(v)));
        });
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String node, String key, long version, byte[] value,
            int ttlSeconds) {
        return Stores.guard(() -> {
            byte[] k = wireKey(node, key);
            byte[] ttl = String.valueOf(SessionStore.checkTtl(ttlSeconds)).getBytes(StandardCharsets.US_ASCII);
            byte[] v = frame(value);
            byte[] expected = ByteBuffer.allocate(HEADER_BYTES).putLong(version).array();
            return script(COMPARE_AND_SET, k, expected, v, ttl).thenApply(n -> n == 1L);
        });
    }

    @Override
    public int maxValueBytes() {
        return config.maxValueBytes();
    }

    @Override
    public String describe() {
        return config.description();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        commands = null;
        if (topologyWatch != null) {
            topologyWatch.dispose();
        }
        StatefulConnection<byte[], byte[]> c = connection;
        connection = null;
        try {
            if (c != null) {
                c.closeAsync().get(2, TimeUnit.SECONDS);
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("Closing the connection to " + config.description() + " failed", e);
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return config.description();
    }

    // ------------------------------------------------------------------ helpers

    /** Sends one command on the current connection and maps its result and failure. */
    private <R, T> CompletableFuture<T> send(Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<R>> op,
            Function<R, T> result) {
        return send(null, op, result);
    }

    /**
     * Sends one command on the current connection and maps its result and failure; a write of {@code written}
     * (not {@code null}) is followed by a pipelined {@code WAIT} when {@code redisWaitReplicas} asks for it.
     */
    private <R, T> CompletableFuture<T> send(byte[] written,
            Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<R>> op, Function<R, T> result) {
        RedisClusterAsyncCommands<byte[], byte[]> c = commands;
        if (c == null) {
            return CompletableFuture.failedFuture(notConnected(lastConnectFailure));
        }
        if (!health.isResponsive()) {
            return CompletableFuture.failedFuture(hung());
        }
        RedisClusterAsyncCommands<byte[], byte[]> target = written == null ? c : writeTarget(c, written);
        long stamp = health.sent();
        RedisFuture<R> sent;
        RedisFuture<Long> acks;
        try {
            sent = op.apply(target);
            acks = written == null ? null : waitForReplicas(c, target);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(map(e));
        }
        CompletableFuture<T> future = new CompletableFuture<>();
        sent.whenComplete((r, failure) -> {
            if (failure != null) {
                future.completeExceptionally(failed(failure, stamp));
                return;
            }
            health.replied();
            T value;
            try {
                value = result.apply(r);
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
                return;
            }
            completeAfter(acks, future, value);
        });
        return future;
    }

    /**
     * Runs a script with {@code EVALSHA}, and with {@code EVAL} after {@code NOSCRIPT}; the whole completes within
     * the operation timeout. Each is followed by a pipelined {@code WAIT} when {@code redisWaitReplicas} asks for it.
     */
    private CompletableFuture<Long> script(Script script, byte[] key, byte[]... args) {
        RedisClusterAsyncCommands<byte[], byte[]> c = commands;
        if (c == null) {
            return CompletableFuture.failedFuture(notConnected(lastConnectFailure));
        }
        if (!health.isResponsive()) {
            return CompletableFuture.failedFuture(hung());
        }
        boolean writes = script.writes();
        RedisClusterAsyncCommands<byte[], byte[]> target = writes ? writeTarget(c, key) : c;
        byte[][] keys = {key};
        CompletableFuture<Long> future = new CompletableFuture<>();
        long stamp = health.sent();
        try {
            RedisFuture<Long> first = target.evalsha(script.sha(), ScriptOutputType.INTEGER, keys, args);
            RedisFuture<Long> firstAcks = writes ? waitForReplicas(c, target) : null;
            first.whenComplete((n, failure) -> {
                if (failure == null) {
                    health.replied();
                    completeAfter(firstAcks, future, n);
                } else if (Stores.unwrap(failure) instanceof RedisNoScriptException) {
                    health.replied();
                    RedisFuture<Long> again = target.eval(script.body(), ScriptOutputType.INTEGER, keys, args);
                    RedisFuture<Long> acks = writes ? waitForReplicas(c, target) : null;
                    again.whenComplete((m, failed) -> {
                        if (failed == null) {
                            health.replied();
                            completeAfter(acks, future, m);
                        } else {
                            future.completeExceptionally(failed(failed, stamp));
                        }
                    });
                } else {
                    future.completeExceptionally(failed(failure, stamp));
                }
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(map(e));
        }
        if (!future.isDone()) {
            // on Lettuce's timer, not CompletableFuture.orTimeout: the JDK's timer thread would keep the context
            // class loader of whichever thread starts it, possibly a web application's, for the JVM's lifetime
            Timeout deadline = resources.timer().newTimeout(t -> future.completeExceptionally(
                    failed(new StoreTimeoutException(null, config.description(), timeout, null), stamp)),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
            future.whenComplete((n, failure) -> deadline.cancel());
        }
        return future;
    }

    /**
     * Where a write goes that {@code WAIT} must follow on the same connection: the shared connection, or in Cluster
     * mode the connection to the master of the key's slot (the cluster connection would send {@code WAIT}, which has
     * no key, to some other node). {@code c} itself when no {@code WAIT} is asked for or the master's connection is
     * not open yet (the write then goes through Lettuce's routing and is reported as unconfirmed).
     */
    private RedisClusterAsyncCommands<byte[], byte[]> writeTarget(RedisClusterAsyncCommands<byte[], byte[]> c,
            byte[] key) {
        if (config.waitReplicas() == 0
                || !(connection instanceof StatefulRedisClusterConnection<byte[], byte[]> cluster)) {
            return c;
        }
        RedisClusterNode master = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
        if (master == null) {
            return c;
        }
        try {
            CompletableFuture<StatefulRedisConnection<byte[], byte[]>> node = cluster.getConnectionAsync(
                    master.getUri().getHost(), master.getUri().getPort());
            return node.isDone() && !node.isCompletedExceptionally() ? node.join().async() : c;
        } catch (RuntimeException e) {
            return c;
        }
    }

    /**
     * Pipelines {@code WAIT redisWaitReplicas timeout} on {@code target} right after a write sent there, or returns
     * {@code null} when none is asked for. {@code WAIT} blocks its connection until enough replicas acknowledged or
     * its timeout, half the operation timeout, has passed: commands queued behind it on the shared connection
     * still complete within their own timeout.
     */
    private RedisFuture<Long> waitForReplicas(RedisClusterAsyncCommands<byte[], byte[]> c,
            RedisClusterAsyncCommands<byte[], byte[]> target) {
        if (config.waitReplicas() == 0) {
            return null;
        }
        if (target == c && config.mode() == RedisConfig.Mode.CLUSTER) {
            // the master's connection was not ready: WAIT would go to another node
            replicated(-1, null);
            return null;
        }
        return target.waitForReplication(config.waitReplicas(), Math.max(1, timeout.toMillis() / 2));
    }

    /**
     * Completes {@code future} with {@code value} once {@code acks} (if any) answered. A write that fewer replicas
     * acknowledged than asked for still completes normally: it is on the master; {@link #replicated} reports it.
     */
    private <T> void completeAfter(RedisFuture<Long> acks, CompletableFuture<T> future, T value) {
        if (acks == null) {
            future.complete(value);
            return;
        }
        acks.whenComplete((count, failure) -> {
            if (failure == null) {
                health.replied();
            }
            replicated(count == null ? -1 : count, failure);
            future.complete(value);
        });
    }

    /**
     * Logs once when writes stop being acknowledged by {@code redisWaitReplicas} replicas, and once when they are
     * again.
     */
    private void replicated(long count, Throwable failure) {
        boolean confirmed = count >= config.waitReplicas();
        if (confirmed == replicationConfirmed.get() || !replicationConfirmed.compareAndSet(!confirmed, confirmed)) {
            if (!confirmed && log.isDebugEnabled()) {
                log.debug("A write to " + config.description() + " was acknowledged by [" + count + "] replicas");
            }
            return;
        }
        if (confirmed) {
            log.warn("Writes to " + config.description() + " are acknowledged by [" + config.waitReplicas()
                    + "] replicas again");
        } else {
            log.warn("Writes to " + config.description() + " are not acknowledged by [" + config.waitReplicas()
                    + "] replicas within [" + Math.max(1, timeout.toMillis() / 2) + " ms] (attribute ["
                    + RedisConfig.REDIS_WAIT_REPLICAS + "]); they complete anyway, and a failover may lose them"
                    + (failure == null ? "" : " (" + rootMessage(failure) + ")"));
        }
    }

    private void checkNode(String node) {
        if (node != null) {
            throw new IllegalArgumentException("Store " + config.description() + " has no explicit nodes; got node ["
                    + node + "]");
        }
    }

    private byte[] wireKey(String node, String key) {
        checkNode(node);
        SessionStore.checkKey(key);
        String k = config.mode() == RedisConfig.Mode.CLUSTER ? clusterKey(key) : key;
        return k.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Puts the part of a key after its last {@code :} in a hash tag, so that Redis Cluster hashes only that part:
     * {@code lock:shop:-2Fcart_ABC} becomes {@code {-2Fcart_ABC}lock:shop:-2Fcart_ABC}, in the same slot as
     * {@code {-2Fcart_ABC}shop:-2Fcart_ABC}.
     *
     * @param key a checked store key
     * @return the key sent to Redis Cluster
     */
    static String clusterKey(String key) {
        return "{" + key.substring(key.lastIndexOf(':') + 1) + "}" + key;
    }

    private SetArgs expiry(SetArgs args, int ttlSeconds) {
        return SessionStore.checkTtl(ttlSeconds) == 0 ? args : args.ex(ttlSeconds);
    }

    /** The value behind a fresh version header; checks the size limit. */
    private byte[] frame(byte[] value) {
        Stores.checkValueSize(value, config.maxValueBytes(), config.description(), RedisConfig.REDIS_MAX_VALUE_BYTES);
        return ByteBuffer.allocate(HEADER_BYTES + value.length)
                .putLong(ThreadLocalRandom.current().nextLong())
                .put(value)
                .array();
    }

    private byte[] payload(byte[] stored, String key) {
        if (stored.length < HEADER_BYTES) {
            throw new StoreException(null, "Value of key [" + key + "] on " + config.description() + " was not "
                    + "written by msm (" + stored.length + " bytes, no version header)", null);
        }
        byte[] value = new byte[stored.length - HEADER_BYTES];
        System.arraycopy(stored, HEADER_BYTES, value, 0, value.length);
        return value;
    }

    private static long version(byte[] stored) {
        return ByteBuffer.wrap(stored, 0, HEADER_BYTES).getLong();
    }

    /**
     * Maps a failed command; a timeout is told to {@link #health} first, so that a hung Redis is unavailable before
     * anyone sees the timeout, and an error answer counts as a reply.
     */
    private RuntimeException failed(Throwable failure, long sentNanos) {
        RuntimeException mapped = map(failure);
        if (mapped instanceof StoreTimeoutException) {
            health.timedOut(sentNanos);
        } else if (Stores.unwrap(failure) instanceof RedisCommandExecutionException) {
            health.replied();
        }
        return mapped;
    }

    private StoreUnavailableException hung() {
        return new StoreUnavailableException(null, config.description() + " is unavailable: no answer within ["
                + timeout.toMillis() + " ms]", null);
    }

    /**
     * Sends a {@code PING} and checks that the answer is {@code PONG}: finds a Redis that hangs with its connection
     * open while no request comes, and returns a hung one once it answers in time. One probe in flight at a time;
     * runs on {@link #notifier}.
     */
    private void probe() {
        RedisClusterAsyncCommands<byte[], byte[]> c = commands;
        if (closed.get() || c == null || !health.tryStartProbe()) {
            return;
        }
        long stamp = health.sent();
        try {
            c.ping().whenComplete((pong, failure) -> {
                health.probeEnded();
                if (failure == null) {
                    health.probeAnswered(stamp, "PONG".equals(pong));
                } else if (Stores.unwrap(failure) instanceof RedisCommandExecutionException) {
                    health.probeAnswered(stamp, false);
                } else {
                    failed(failure, stamp);
                }
            });
        } catch (RuntimeException e) {
            health.probeEnded();
        }
    }

    private StoreException notConnected(Throwable cause) {
        if (closed.get()) {
            return Stores.closed(config.description());
        }
        return new StoreUnavailableException(null, config.description() + " is not connected", cause);
    }

    /** Maps a Lettuce failure to the SPI's exceptions. */
    private RuntimeException map(Throwable failure) {
        Throwable t = Stores.unwrap(failure);
        if (t instanceof StoreException || t instanceof IllegalArgumentException) {
            return (RuntimeException) t;
        }
        if (t instanceof RedisCommandTimeoutException || t instanceof TimeoutException) {
            return new StoreTimeoutException(null, config.description(), timeout, t);
        }
        if (t instanceof RedisCommandExecutionException) {
            String message = String.valueOf(t.getMessage());
            for (String prefix : UNAVAILABLE_ERRORS) {
                if (message.startsWith(prefix)) {
                    // a failover or a restart in progress: the same outcome as a connection that is down
                    return new StoreUnavailableException(null, config.description() + " is unavailable: "
                            + message, t);
                }
            }
            return new StoreException(null, config.description() + " answered with an error: " + message, t);
        }
        // "Currently not connected", "Connection disconnected", "Connection closed", I/O errors
        return new StoreUnavailableException(null, config.description() + " is unavailable: " + t.getMessage(), t);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    /** A Lua script and its SHA-1 for {@code EVALSHA}; {@code writes}: it may change its key. */
    private record Script(String body, String sha, boolean writes) {

        Script(String body, boolean writes) {
            this(body, sha1(body), writes);
        }

        private static String sha1(String text) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1")
                        .digest(text.getBytes(StandardCharsets.UTF_8));
                StringBuilder hex = new StringBuilder();
                for (byte b : digest) {
                    hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
                }
                return hex.toString();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Adaptive refresh on every trigger (MOVED/ASK redirects, reconnects, unknown nodes) plus a periodic refresh.
     * Lettuce 7 deprecates the trigger methods without offering another way to ask for adaptive refreshes; they
     * still work and failover needs them (see the comment where they are used).
     */
    @SuppressWarnings("deprecation")
    private static ClusterTopologyRefreshOptions topologyRefresh() {
        return ClusterTopologyRefreshOptions.builder()
                .enableAllAdaptiveRefreshTriggers()
                .refreshTriggersReconnectAttempts(3)
                .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_MIN_INTERVAL)
                .enablePeriodicRefresh(TOPOLOGY_REFRESH_INTERVAL)
                .build();
    }
}

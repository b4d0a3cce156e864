package dev.msm.couchbase;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import com.couchbase.client.core.cnc.Event;
import com.couchbase.client.core.cnc.EventSubscription;
import com.couchbase.client.core.cnc.events.core.BucketOpenedEvent;
import com.couchbase.client.core.cnc.events.endpoint.EndpointStateChangedEvent;
import com.couchbase.client.core.cnc.events.node.NodeConnectedEvent;
import com.couchbase.client.core.cnc.events.node.NodeDisconnectedEvent;
import com.couchbase.client.core.diagnostics.EndpointDiagnostics;
import com.couchbase.client.core.endpoint.EndpointState;
import com.couchbase.client.core.error.AuthenticationFailureException;
import com.couchbase.client.core.error.CasMismatchException;
import com.couchbase.client.core.error.DocumentExistsException;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.core.error.InvalidArgumentException;
import com.couchbase.client.core.error.RequestCanceledException;
import com.couchbase.client.core.error.TimeoutException;
import com.couchbase.client.core.error.ValueTooLargeException;
import com.couchbase.client.core.service.ServiceType;
import com.couchbase.client.java.AsyncCollection;
import com.couchbase.client.java.Bucket;
import com.couchbase.client.java.Cluster;
import com.couchbase.client.java.ClusterOptions;
import com.couchbase.client.java.codec.RawBinaryTranscoder;
import com.couchbase.client.java.diagnostics.WaitUntilReadyOptions;
import com.couchbase.client.java.kv.GetAndTouchOptions;
import com.couchbase.client.java.kv.GetOptions;
import com.couchbase.client.java.kv.GetResult;
import com.couchbase.client.java.kv.InsertOptions;
import com.couchbase.client.java.kv.MutationResult;
import com.couchbase.client.java.kv.RemoveOptions;
import com.couchbase.client.java.kv.ReplaceOptions;
import com.couchbase.client.java.kv.TouchOptions;
import com.couchbase.client.java.kv.UpsertOptions;
import dev.msm.api.InvalidAttributeException;
import dev.msm.api.NodeListener;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.api.StoreException;
import dev.msm.api.StoreNode;
import dev.msm.api.StoreTimeoutException;
import dev.msm.api.StoreUnavailableException;
import dev.msm.api.Stores;
import dev.msm.api.Versioned;

/**
 * A {@link SessionStore} on one Couchbase collection, through the SDK's asynchronous key/value API. Values are raw
 * binary documents ({@link RawBinaryTranscoder}), never JSON.
 *
 * <h2>Nodes and backups</h2>
 * {@link #nodes()} is empty: Couchbase maps each key to a vBucket and a node itself, and keeps replicas of every
 * document on other nodes. msm therefore passes {@code null} as node and writes no backup copies; surviving a node
 * failure is left to the bucket's replicas and the cluster's (auto-)failover, which promotes them.
 *
 * <h2>Availability</h2>
 * {@link #isAvailable} reads a local flag: the store is available while at least one key/value connection to the
 * bucket is up, as the SDK's {@code diagnostics()} (local state, no network) reports it. The flag is recomputed when
 * the SDK publishes an endpoint or node event and, as a safety net, once a second on a daemon thread. A partially
 * reachable cluster counts as available: operations on the documents of a missing node time out until Couchbase
 * fails that node over. While unavailable, operations fail fast with {@link StoreUnavailableException}.
 *
 * <h2>Timeouts</h2>
 * The SDK's key/value timeout is the operation timeout, and operations made of two requests
 * ({@link #deleteIfEquals}) give the second one what is left of it, so every future completes within the operation
 * timeout.
 */
final class CouchbaseSessionStore implements SessionStore {

    private static final Log log = LogFactory.getLog(CouchbaseSessionStore.class);

    /** Values from {@link #add} remembered with their CAS, so that releasing a lock is one request. */
    static final int ADDED_MAX_ENTRIES = 1024;
    /** Only small values (lock tokens) are remembered. */
    static final int ADDED_MAX_VALUE_BYTES = 256;
    /** How often {@link #deleteIfEquals} reads again when the document changed between its read and its remove. */
    private static final int MAX_CAS_ATTEMPTS = 3;
    private static final Duration DISCONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 1000;

    /** Marks "no value" where a {@code null} from an expected-outcome function would mean "not expected". */
    private static final byte[] NOT_FOUND = new byte[0];
    private static final GetOptions GET = GetOptions.getOptions().transcoder(RawBinaryTranscoder.INSTANCE);
    /**
     * The SDK logs through SLF4J, which the drop-in jar binds to java.util.logging (Tomcat's JULI) with the official
     * {@code slf4j-jdk14} binding. Its INFO messages (a configuration dump at every start, buckets opened) repeat
     * what msm logs once; unless the user set a level for {@code com.couchbase}, only its warnings are kept.
     * Kept strongly reachable so that the level stays.
     */
    private static final Logger SDK_LOGGER = Logger.getLogger("com.couchbase");

    private final CouchbaseConfig config;
    private final Duration operationTimeout;
    private final String description;
    private final Cluster cluster;
    private final AsyncCollection collection;
    private final ScheduledExecutorService scheduler;
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<String, Added> added = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Added> eldest) {
            return size() > ADDED_MAX_ENTRIES;
        }
    };
    private volatile boolean available;
    private boolean availabilityKnown;
    private EventSubscription subscription;

    private record Added(byte[] value, long cas) {
    }

    private CouchbaseSessionStore(CouchbaseConfig config, Duration operationTimeout, String owner, Cluster cluster) {
        this.config = config;
        this.operationTimeout = operationTimeout;
        this.description = config.describe();
        this.cluster = cluster;
        this.collection = cluster.bucket(config.bucket()).scope(config.scope()).collection(config.collection()).async();
        String name = "msm-couchbase" + (owner.isEmpty() ? "" : " " + owner);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects to the cluster and waits up to the connect timeout for the bucket; a bucket that is not reachable by
     * then is reported unavailable, not as an error.
     *
     * @throws InvalidAttributeException when the SDK refuses the connection string
     * @throws StoreException            when the SDK cannot be started at all
     */
    static CouchbaseSessionStore connect(CouchbaseConfig config, Settings settings) {
        Duration operationTimeout = settings.operationTimeout();
        String owner = settings.owner();
        quietSdkInfo();
        // threads the SDK starts inherit the context class loader: let them keep msm's, not the web application's
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(CouchbaseSessionStore.class.getClassLoader());
        try {
            Cluster cluster = openCluster(config, operationTimeout);
            CouchbaseSessionStore store;
            try {
                store = new CouchbaseSessionStore(config, operationTimeout, owner, cluster);
            } catch (RuntimeException e) {
                disconnect(cluster, config.describe());
                throw new StoreException("Cannot open " + config.describe() + ": " + reason(e), e);
            }
            try {
                store.start();
            } catch (RuntimeException e) {
                store.close();
                throw new StoreException("Cannot open " + config.describe() + ": " + reason(e), e);
            }
            return store;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static synchronized void quietSdkInfo() {
        if (SDK_LOGGER.getLevel() == null) {
            SDK_LOGGER.setLevel(Level.WARNING);
        }
    }

    private static Cluster openCluster(CouchbaseConfig config, Duration operationTimeout) {
        try {
            return Cluster.connect(config.connectionString(),
                    ClusterOptions.clusterOptions(config.username(), config.password())
                            .environment(env -> env.timeoutConfig(t -> t
                                    .kvTimeout(operationTimeout)
                                    .connectTimeout(config.connectTimeout())
                                    .disconnectTimeout(DISCONNECT_TIMEOUT))));
        } catch (InvalidArgumentException e) {
            throw InvalidAttributeException.invalidValue(config.connectionStringAttribute(),
                    config.connectionString(), CouchbaseConfig.ACCEPTED_CONNECTION_STRING + " (" + reason(e)
                            + ")");
        } catch (RuntimeException e) {
            throw new StoreException("Cannot connect to " + config.describe() + ": " + reason(e), e);
        }
    }

    private void start() {
        subscription = cluster.environment().eventBus().subscribe(this::onEvent);
        long start = System.nanoTime();
        Bucket bucket = cluster.bucket(config.bucket());
        RuntimeException notReady = null;
        try {
            bucket.waitUntilReady(config.connectTimeout(),
                    WaitUntilReadyOptions.waitUntilReadyOptions().serviceTypes(ServiceType.KV));
        } catch (RuntimeException e) {
            notReady = e;
        }
        synchronized (this) {
            available = kvConnected();
            availabilityKnown = true;
        }
        if (available) {
            if (log.isDebugEnabled()) {
                log.debug("Connected to " + description + " in ["
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms]");
            }
        } else {
            log.warn(description + " is not ready after [" + config.connectTimeout().toMillis()
                    + " ms]; operations fail fast until it is: " + whyNotReady(notReady));
        }
        scheduler.scheduleWithFixedDelay(this::refreshAvailability, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Names refused credentials or the last connection failure, which the SDK otherwise reports only as a timeout
     * waiting for the config.
     */
    private String whyNotReady(RuntimeException notReady) {
        Throwable last = null;
        try {
            for (List<EndpointDiagnostics> endpoints : cluster.diagnostics().endpoints().values()) {
                for (EndpointDiagnostics endpoint : endpoints) {
                    Throwable failure = endpoint.lastConnectAttemptFailure().orElse(null);
                    last = failure == null ? last : failure;
                    for (Throwable t = failure; t != null; t = t.getCause()) {
                        if (t instanceof AuthenticationFailureException) {
                            return "the cluster refused the credentials of user [" + config.username()
                                    + "] (attributes [" + CouchbaseConfig.USERNAME + "] and ["
                                    + CouchbaseConfig.PASSWORD + "]) or has no bucket [" + config.bucket()
                                    + "]";
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            // fall back to the SDK's exception
        }
        if (last != null) {
            return "last connection attempt failed with " + reason(last);
        }
        return notReady == null ? "no key/value connection to the bucket is up" : reason(notReady);
    }

    // NodeConnectedEvent is deprecated in SDK 3 but still published; EndpointStateChangedEvent alone does not tell
    // a node that comes back before its endpoints do
    @SuppressWarnings("deprecation")
    private void onEvent(Event event) {
        if (event instanceof EndpointStateChangedEvent || event instanceof NodeConnectedEvent
                || event instanceof NodeDisconnectedEvent || event instanceof BucketOpenedEvent) {
            try {
                scheduler.execute(this::refreshAvailability);
            } catch (RejectedExecutionException e) {
                // closed
            }
        }
    }

    /** Reads the SDK's local connection state and tells the listeners about a change. */
    private synchronized void refreshAvailability() {
        if (closed.get() || !availabilityKnown) {
            // before the end of start(): start() sets the first state
            return;
        }
        boolean now;
        try {
            now = kvConnected();
        } catch (RuntimeException e) {
            log.debug("Cannot read the connection state of " + description, e);
            return;
        }
        if (now == available) {
            return;
        }
        available = now;
        if (!now) {
            // a restarted cluster may hand out the same CAS values again
            synchronized (added) {
                added.clear();
            }
            log.warn(description + " is unavailable: no key/value connection to the bucket is up;"
                    + " operations fail fast until one is");
        } else {
            log.warn(description + " is available again");
        }
        NodeListener.tell(listeners, null, now,
                (l, t) -> log.error("Exception thrown by node listener [" + l + "] of " + description, t));
    }

    private boolean kvConnected() {
        List<EndpointDiagnostics> kv = cluster.diagnostics().endpoints().getOrDefault(ServiceType.KV, List.of());
        for (EndpointDiagnostics endpoint : kv) {
            if (endpoint.state() == EndpointState.CONNECTED
                    && endpoint.namespace().map(config.bucket()::equals).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<StoreNode> nodes() {
        return List.of();
    }

    @Override
    public boolean isAvailable(String node) {
        checkNode(node);
        return available && !closed.get();
    }

    @Override
    public void addNodeListener(NodeListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public CompletableFuture<byte[]> get(String node, String key) {
        return Stores.guard(() -> {
            check(node, key);
            return call("get", () -> collection.getOrNull(key, GET),
                    r -> r == null ? null : r.contentAsBytes(), e -> null);
        });
    }

    @Override
    public CompletableFuture<byte[]> getAndTouch(String node, String key, int ttlSeconds) {
        return Stores.guard(() -> {
            check(node, key);
            Duration expiry = expiry(ttlSeconds);
            forget(key);
            return call("getAndTouch", () -> collection.getAndTouch(key, expiry,
                    GetAndTouchOptions.getAndTouchOptions().transcoder(RawBinaryTranscoder.INSTANCE)),
                    GetResult::contentAsBytes, e -> e instanceof DocumentNotFoundException ? NOT_FOUND : null);
        });
    }

    @Override
    public CompletableFuture<Void> set(String node, String key, byte[] value, int ttlSeconds) {
        return Stores.guard(() -> {
            check(node, key);
            Duration expiry = expiry(ttlSeconds);
            checkSize(value);
            forget(key);
            return call("upsert", () -> collection.upsert(key, value,
                    UpsertOptions.upsertOptions().transcoder(RawBinaryTranscoder.INSTANCE).expiry(expiry)),
                    r -> null, e -> null);
        });
    }

    @Override
    public CompletableFuture<Boolean> add(String node, String key, byte[] value, int ttlSeconds) {
        return Stores.guard(() -> {
            check(node, key);
            Duration expiry = expiry(ttlSeconds);
            checkSize(value);
            byte[] remembered = value.length <= ADDED_MAX_VALUE_BYTES ? value.clone() : null;
            return call("insert", () -> collection.insert(key, value,
                    InsertOptions.insertOptions().transcoder(RawBinaryTranscoder.INSTANCE).expiry(expiry)),
                    r -> {
                        if (remembered != null) {
                            synchronized (added) {
                                added.put(key, new Added(remembered, r.cas()));
                            }
                        }
                        return Boolean.TRUE;
                    },
                    e -> e instanceof DocumentExistsException ? Boolean.FALSE : null);
        });
    }

    @Override
    public CompletableFuture<Boolean> touch(String node, String key, int ttlSeconds) {
        return Stores.guard(() -> {
            check(node, key);
            Duration expiry = expiry(ttlSeconds);
            forget(key);
            return call("touch", () -> collection.touch(key, expiry, TouchOptions.touchOptions()),
                    r -> Boolean.TRUE, e -> e instanceof DocumentNotFoundException ? Boolean.FALSE : null);
        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String node, String key) {
        return Stores.guard(() -> {
            check(node, key);
            forget(key);
            return call("remove", () -> collection.remove(key, RemoveOptions.removeOptions()),
                    r -> Boolean.TRUE, e -> e instanceof DocumentNotFoundException ? Boolean.FALSE : null);
        });
    }

    /**
     * Deletes with Couchbase's compare-and-swap: the document is removed only if its CAS is still the one whose
     * value was compared. When this store added the value itself, the CAS of that {@code add} is used and the
     * release is a single request (so it stays in issue order with the caller's next operation); otherwise, or when
     * the document changed since (e.g. was touched), it reads the document first.
     */
    @Override
    public CompletableFuture<Boolean> deleteIfEquals(String node, String key, byte[] expected) {
        return Stores.guard(() -> {
            check(node, key);
            Objects.requireNonNull(expected, "expected");
            ensureReady();
            long deadline = System.nanoTime() + operationTimeout.toNanos();
            CompletableFuture<Boolean> result = new CompletableFuture<>();
            Added known;
            synchronized (added) {
                known = added.remove(key);
            }
            if (known != null && Arrays.equals(known.value(), expected)) {
                removeWithCas(key, expected, known.cas(), 0, deadline, result);
            } else {
                readAndRemove(key, expected, 1, deadline, result);
            }
            return result;
        });
    }

    private void readAndRemove(String key, byte[] expected, int attempt, long deadline,
            CompletableFuture<Boolean> result) {
        Duration left = left(deadline);
        if (left == null) {
            result.completeExceptionally(timeout(null));
            return;
        }
        call("get", () -> collection.getOrNull(key, GetOptions.getOptions()
                .transcoder(RawBinaryTranscoder.INSTANCE).timeout(left)), r -> r, e -> null)
                .whenComplete((r, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else if (r == null || !Arrays.equals(r.contentAsBytes(), expected)) {
                        result.complete(Boolean.FALSE);
                    } else {
                        removeWithCas(key, expected, r.cas(), attempt, deadline, result);
                    }
                });
    }

    private void removeWithCas(String key, byte[] expected, long cas, int attempt, long deadline,
            CompletableFuture<Boolean> result) {
        Duration left = left(deadline);
        if (left == null) {
            result.completeExceptionally(timeout(null));
            return;
        }
        CompletableFuture<MutationResult> sdk;
        try {
            sdk = collection.remove(key, RemoveOptions.removeOptions().cas(cas).timeout(left));
        } catch (RuntimeException e) {
            result.completeExceptionally(translate("remove", e));
            return;
        }
        sdk.whenComplete((r, e) -> {
            Throwable cause = e == null ? null : Stores.unwrap(e);
            if (cause == null) {
                result.complete(Boolean.TRUE);
            } else if (cause instanceof DocumentNotFoundException) {
                result.complete(Boolean.FALSE);
            } else if (cause instanceof CasMismatchException && attempt < MAX_CAS_ATTEMPTS) {
                // changed since it was read (or touched since it was added): compare again
                readAndRemove(key, expected, attempt + 1, deadline, result);
            } else if (cause instanceof CasMismatchException) {
                result.complete(Boolean.FALSE);
            } else {
                result.completeExceptionally(translate("remove", cause));
            }
        });
    }

    @Override
    public CompletableFuture<Versioned> getVersioned(String node, String key) {
        return Stores.guard(() -> {
            check(node, key);
            return call("get", () -> collection.getOrNull(key, GET),
                    r -> r == null ? null : new Versioned(r.contentAsBytes(), r.cas()), e -> null);
        });
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String node, String key, long version, byte[] value,
            int ttlSeconds) {
        return Stores.guard(() -> {
            check(node, key);
            Duration expiry = expiry(ttlSeconds);
            checkSize(value);
            forget(key);
            if (version == 0) {
                // CAS 0 would make the replace unconditional; Couchbase never hands out 0
                return CompletableFuture.completedFuture(Boolean.FALSE);
            }
            return call("replace", () -> collection.replace(key, value, ReplaceOptions.replaceOptions()
                    .transcoder(RawBinaryTranscoder.INSTANCE).expiry(expiry).cas(version)),
                    r -> Boolean.TRUE, e -> e instanceof CasMismatchException
                            || e instanceof DocumentNotFoundException ? Boolean.FALSE : null);
        });
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
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (subscription != null) {
            subscription.unsubscribe();
        }
        scheduler.shutdownNow();
        disconnect(cluster, description);
    }

    private static void disconnect(Cluster cluster, String description) {
        try {
            cluster.disconnect(DISCONNECT_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("Cannot disconnect from " + description + " within [" + DISCONNECT_TIMEOUT.toMillis() + " ms]: "
                    + reason(e));
        }
    }

    // ------------------------------------------------------------------ helpers

    private void check(String node, String key) {
        checkNode(node);
        SessionStore.checkKey(key);
    }

    /** Fails fast, without a request, when the store is closed or known to be down. */
    private void ensureReady() {
        if (closed.get()) {
            throw Stores.closed(description);
        }
        if (!available) {
            throw new StoreUnavailableException(null, description + " is unavailable: no key/value connection to"
                    + " the bucket is up", null);
        }
    }

    private void checkNode(String node) {
        if (node != null) {
            throw new IllegalArgumentException("Store [" + description + "] has no explicit nodes; got [" + node
                    + "]");
        }
    }

    private void checkSize(byte[] value) {
        Stores.checkValueSize(value, config.maxValueBytes(), description, CouchbaseConfig.MAX_VALUE_BYTES);
    }

    /**
     * The SDK encodes {@link Duration#ZERO} as "no expiry" and a duration above 30 days as the absolute time
     * memcached's protocol needs (SDK 3 {@code ClassicExpiryHelper.encode}), so the relative seconds go as they are.
     */
    private static Duration expiry(int ttlSeconds) {
        return Duration.ofSeconds(SessionStore.checkTtl(ttlSeconds));
    }

    private void forget(String key) {
        synchronized (added) {
            added.remove(key);
        }
    }

    private static Duration left(long deadline) {
        long nanos = deadline - System.nanoTime();
        return nanos < TimeUnit.MILLISECONDS.toNanos(1) ? null : Duration.ofNanos(nanos);
    }

    /**
     * Runs one SDK request and maps its outcome.
     *
     * @param op        the SDK operation, for messages
     * @param request   starts the request
     * @param onSuccess maps the SDK result
     * @param expected  maps an SDK exception that is an expected outcome (e.g. document not found) to a result, or
     *                  returns {@code null} for a failure
     */
    private <R, T> CompletableFuture<T> call(String op, Supplier<CompletableFuture<R>> request,
            Function<R, T> onSuccess, Function<Throwable, T> expected) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<R> sdk;
        try {
            ensureReady();
            sdk = request.get();
        } catch (RuntimeException e) {
            result.completeExceptionally(translate(op, e));
            return result;
        }
        sdk.whenComplete((r, e) -> {
            if (e == null) {
                try {
                    result.complete(onSuccess.apply(r));
                } catch (RuntimeException x) {
                    result.completeExceptionally(translate(op, x));
                }
                return;
            }
            Throwable cause = Stores.unwrap(e);
            T value = expected.apply(cause);
            if (value == NOT_FOUND) {
                result.complete(null);
            } else if (value != null) {
                result.complete(value);
            } else {
                result.completeExceptionally(translate(op, cause));
            }
        });
        return result;
    }

    private RuntimeException translate(String op, Throwable e) {
        if (e instanceof StoreException se) {
            return se;
        }
        if (e instanceof IllegalArgumentException iae) {
            return iae;
        }
        if (e instanceof TimeoutException) {
            return timeout(e);
        }
        if (e instanceof RequestCanceledException && closed.get()) {
            return Stores.closed(description, e);
        }
        if (e instanceof ValueTooLargeException) {
            return new StoreException(null, "Couchbase refused a value as too large in [" + op + "] on "
                    + description + "; lower [" + CouchbaseConfig.MAX_VALUE_BYTES + "]", e);
        }
        return new StoreException(null, "Failed [" + op + "] on " + description + ": " + reason(e), e);
    }

    private StoreTimeoutException timeout(Throwable cause) {
        return new StoreTimeoutException(null, description, operationTimeout, cause);
    }

    /**
     * @return the exception's type and message without the SDK's JSON context
     */
    static String reason(Throwable e) {
        String type = e.getClass().getName().substring(e.getClass().getName().lastIndexOf('.') + 1);
        String message = e.getMessage();
        if (message == null) {
            return type;
        }
        int context = message.indexOf(" {\"");
        return type + ": " + (context > 0 ? message.substring(0, context) : message);
    }
}

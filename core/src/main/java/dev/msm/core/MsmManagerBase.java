package dev.msm.core;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpSession;

import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Session;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.session.ManagerBase;
import org.apache.catalina.session.StandardSession;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.NodeListener;
import dev.msm.api.SerializationException;
import dev.msm.api.Serializer;
import dev.msm.api.SerializerProvider;
import dev.msm.api.SessionStore;
import dev.msm.api.SessionStoreProvider;
import dev.msm.api.Settings;
import dev.msm.api.StoreNode;
import dev.msm.core.serial.ClassAllowList;

/**
 * msm's Tomcat session manager: sessions kept in memcached (or another store) so that any Tomcat can serve any user
 * and no single Tomcat or store node is a point of failure. {@code dev.msm.tomcat.MsmManager} in the Tomcat 10.1 and
 * 11 bridges extends this class with what differs between the two versions.
 *
 * <p>Every attribute is set as text, kept as written, and parsed and validated together when the context starts: a
 * bad value stops the context with a message naming the attribute, the value and what is accepted.
 *
 * <p>Two modes: <b>sticky</b> (default) keeps sessions in this Tomcat's memory and backs them up to the store after
 * requests that changed them; <b>non-sticky</b> keeps them in the store, loads them when a request needs them and
 * writes them back before the response completes, with optional cluster-wide locking.
 */
public abstract class MsmManagerBase extends ManagerBase {

    private final Log log = LogFactory.getLog(MsmManagerBase.class);

    private final Map<String, String> attributes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, String> extraAttributes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final List<Runnable> closers = new ArrayList<>();

    private volatile ManagerConfig config;
    /** What is built from the store attributes; {@code null} while disabled or stopped. */
    private volatile Layer layer;
    private final ReentrantLock reconfiguring = new ReentrantLock();
    private volatile Context startedContext;
    private volatile Statistics statistics = new Statistics();
    private volatile ClassLoader webappLoader;
    private volatile String writerId;
    private volatile MsmSession.AttributeFilter attributeFilter = MsmSession.AttributeFilter.SERIALIZABLE;
    private volatile boolean stopping;
    private volatile boolean withoutLogin;

    // ==================================================================== attributes

    /** @return a setter's value as written, or {@code null} */
    private String attr(String name) {
        return attributes.get(name);
    }

    private void attr(String name, String value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    /**
     * Store-specific attributes (e.g. {@code redisUrl}, {@code couchbaseBucket}) and any attribute Tomcat found no
     * setter for arrive here; they are handed to the chosen store or serializer, and an attribute neither accepts
     * fails the start.
     *
     * @return {@code true}: the value is kept
     */
    public boolean setProperty(String name, String value) {
        String previous = extraAttributes.get(name);
        if (value == null) {
            extraAttributes.remove(name);
        } else {
            extraAttributes.put(name, value);
        }
        if (getState() == LifecycleState.STARTED) {
            try {
                reconfigure(name, previous);
            } catch (IllegalArgumentException e) {
                if (previous == null) {
                    extraAttributes.remove(name);
                } else {
                    extraAttributes.put(name, previous);
                }
                throw e;
            }
        }
        return true;
    }

    /**
     * @param name an attribute name
     * @return the value of a store- or serializer-specific attribute, or {@code null}
     */
    public String getProperty(String name) {
        return extraAttributes.get(name);
    }

    /**
     * The store: {@code memcached} (default when {@code memcachedNodes} is set), {@code redis}, {@code couchbase} or
     * {@code memory}; others when their jar is in {@code tomcat/lib}.
     */
    public void setStore(String value) {
        attr("store", value);
    }

    public String getStore() {
        return attr("store");
    }

    /** Memcached nodes, MSM's format: {@code n1:host1:11211 n2:host2:11211}, or one {@code host:port}. */
    public void setMemcachedNodes(String value) {
        String previous = attr("memcachedNodes");
        attr("memcachedNodes", value);
        reconfigure("memcachedNodes", previous);
    }

    public String getMemcachedNodes() {
        return attr("memcachedNodes");
    }

    /** Node ids (among {@code memcachedNodes}) that take sessions only when no other node is available. */
    public void setFailoverNodes(String value) {
        String previous = attr("failoverNodes");
        attr("failoverNodes", value);
        reconfigure("failoverNodes", previous);
    }

    public String getFailoverNodes() {
        return attr("failoverNodes");
    }

    /** {@code binary} (default) or {@code text}. */
    public void setMemcachedProtocol(String value) {
        attr("memcachedProtocol", value);
    }

    public String getMemcachedProtocol() {
        return attr("memcachedProtocol");
    }

    /** SASL user name for memcached (binary protocol), or the store's user name. */
    public void setUsername(String value) {
        attr("username", value);
    }

    public String getUsername() {
        return attr("username");
    }

    /** SASL password for memcached, or the store's password. */
    public void setPassword(String value) {
        attr("password", value);
    }

    /** {@code true} (default): sessions live in memory, backed up to the store; {@code false}: non-sticky. */
    public void setSticky(String value) {
        attr("sticky", value);
    }

    public String getSticky() {
        return attr("sticky");
    }

    /** Non-sticky locking: {@code none} (default), {@code all}, {@code auto} or {@code uriPattern:<regex>}. */
    public void setLockingMode(String value) {
        attr("lockingMode", value);
    }

    public String getLockingMode() {
        return attr("lockingMode");
    }

    /** Seconds a lock lives in the store if its owner dies (default 5). */
    public void setLockExpiration(String value) {
        attr("lockExpiration", value);
    }

    public String getLockExpiration() {
        return attr("lockExpiration");
    }

    /** Milliseconds a request waits for a lock (default: {@code lockExpiration} + {@code operationTimeout}). */
    public void setLockTimeout(String value) {
        attr("lockTimeout", value);
    }

    public String getLockTimeout() {
        return attr("lockTimeout");
    }

    /** {@code fail} (default: HTTP 503) or {@code proceed} (unlocked) when a lock does not come in time. */
    public void setOnLockTimeout(String value) {
        attr("onLockTimeout", value);
    }

    public String getOnLockTimeout() {
        return attr("onLockTimeout");
    }

    /** Non-sticky: {@code fail} (default: HTTP 503) or {@code fresh} when no store node answers. */
    public void setOnStoreUnavailable(String value) {
        attr("onStoreUnavailable", value);
    }

    public String getOnStoreUnavailable() {
        return attr("onStoreUnavailable");
    }

    /** Milliseconds one store operation may take (default 1000). */
    public void setOperationTimeout(String value) {
        attr("operationTimeout", value);
    }

    public String getOperationTimeout() {
        return attr("operationTimeout");
    }

    /** Regular expression; requests whose URI (with context path, without query) matches never load or store. */
    public void setRequestUriIgnorePattern(String value) {
        attr("requestUriIgnorePattern", value);
    }

    public String getRequestUriIgnorePattern() {
        return attr("requestUriIgnorePattern");
    }

    /** Sticky: back up in the background ({@code true}, default) or before the response ({@code false}). */
    public void setSessionBackupAsync(String value) {
        attr("sessionBackupAsync", value);
    }

    public String getSessionBackupAsync() {
        return attr("sessionBackupAsync");
    }

    /** Sticky, synchronous backups: milliseconds a request waits for its backup (default 100). */
    public void setSessionBackupTimeout(String value) {
        attr("sessionBackupTimeout", value);
    }

    public String getSessionBackupTimeout() {
        return attr("sessionBackupTimeout");
    }

    /** Sticky: minimum milliseconds between two backups of one session (default 100, 0 = after every change). */
    public void setSessionBackupInterval(String value) {
        attr("sessionBackupInterval", value);
    }

    public String getSessionBackupInterval() {
        return attr("sessionBackupInterval");
    }

    /** Sticky: threads serializing and writing backups (default: number of cores). */
    public void setBackupThreadCount(String value) {
        attr("backupThreadCount", value);
    }

    public String getBackupThreadCount() {
        return attr("backupThreadCount");
    }

    /** Regular expression; only attributes whose name matches are stored. */
    public void setSessionAttributeFilter(String value) {
        attr("sessionAttributeFilter", value);
    }

    public String getSessionAttributeFilter() {
        return attr("sessionAttributeFilter");
    }

    /** MSM's key prefix tokens: {@code static:x}, {@code host}, {@code host.hash}, {@code context}, ... */
    public void setStorageKeyPrefix(String value) {
        attr("storageKeyPrefix", value);
    }

    public String getStorageKeyPrefix() {
        return attr("storageKeyPrefix");
    }

    /** {@code java} (default) or {@code kryo}. */
    public void setSerializer(String value) {
        attr("serializer", value);
    }

    public String getSerializer() {
        return attr("serializer");
    }

    /** MSM's way to choose the serializer; mapped to {@code serializer}. */
    public void setTranscoderFactoryClass(String value) {
        attr("transcoderFactoryClass", value);
    }

    public String getTranscoderFactoryClass() {
        return attr("transcoderFactoryClass");
    }

    /** {@code false}: sessions stay in this Tomcat's memory only (like Tomcat's own manager). Default {@code true}. */
    public void setEnabled(String value) {
        String previous = attr("enabled");
        attr("enabled", value);
        reconfigure("enabled", previous);
    }

    public String getEnabled() {
        return attr("enabled");
    }

    /** Serialized sessions of at least this many bytes are stored compressed (deflate); 0 (default) never. */
    public void setCompressionThreshold(String value) {
        attr("compressionThreshold", value);
    }

    public String getCompressionThreshold() {
        return attr("compressionThreshold");
    }

    /**
     * AES keys for authenticated encryption of stored sessions: {@code id:base64key, ...}, newest first (it
     * encrypts; all decrypt). Not readable back over JMX.
     */
    public void setEncryptionKeys(String value) {
        attr("encryptionKeys", value);
    }

    /** A file with one {@code id:base64key} per line, newest first; instead of {@code encryptionKeys}. */
    public void setEncryptionKeyFile(String value) {
        attr("encryptionKeyFile", value);
    }

    public String getEncryptionKeyFile() {
        return attr("encryptionKeyFile");
    }

    /** Largest serialized session stored, in bytes (default: the store's limit, 1 MiB for memcached). */
    public void setMaxSessionBytes(String value) {
        attr("maxSessionBytes", value);
    }

    public String getMaxSessionBytes() {
        return attr("maxSessionBytes");
    }

    /** Session timeout in seconds overriding the context's {@code session-timeout}; &lt;= 0 never expires. */
    public void setMaxInactiveInterval(String value) {
        attr("maxInactiveInterval", value);
    }

    public String getMaxInactiveInterval() {
        return attr("maxInactiveInterval");
    }

    // Store- and serializer-specific attributes: kept as setProperty keeps them and handed to the store or
    // serializer at start, so that Java configuration (Spring Boot) needs no setProperty.

    /**
     * Class name patterns the serializer may instantiate when it reads a session, besides JDK types and the classes
     * Tomcat, Spring Security and Spring MVC keep in sessions: {@code com.shop.Cart} (and its nested classes), {@code
     * com.shop.*} (a package), {@code com.shop.**} (a package tree), separated by commas or spaces. Default none.
     * Parsed when the context starts; an invalid value, or one the chosen store or serializer does not read, fails the
     * start.
     */
    public void setAllowedClasses(String value) {
        setProperty("allowedClasses", value);
    }

    /** @return the value of {@link #setAllowedClasses} as set, or {@code null} */
    public String getAllowedClasses() {
        return getProperty("allowedClasses");
    }

    /**
     * The deepest object nesting the serializer reads back, 1 to 10000 (default 100). Parsed when the context starts;
     * an invalid value, or one the chosen store or serializer does not read, fails the start.
     */
    public void setSerializationMaxDepth(String value) {
        setProperty("serializationMaxDepth", value);
    }

    /** @return the value of {@link #setSerializationMaxDepth} as set, or {@code null} */
    public String getSerializationMaxDepth() {
        return getProperty("serializationMaxDepth");
    }

    /**
     * {@code kryo}: {@code true} copies collections before writing them (default {@code false}). Parsed when the
     * context starts; an invalid value, or one the chosen store or serializer does not read, fails the start.
     */
    public void setCopyCollectionsForSerialization(String value) {
        setProperty("copyCollectionsForSerialization", value);
    }

    /** @return the value of {@link #setCopyCollectionsForSerialization} as set, or {@code null} */
    public String getCopyCollectionsForSerialization() {
        return getProperty("copyCollectionsForSerialization");
    }

    /**
     * {@code kryo}: {@code true} (default) writes application classes' fields by name, so that a class that gained or
     * lost fields reads sessions its previous version wrote (rolling deploys); {@code false} is smaller and faster.
     * Parsed when the context starts; an invalid value, or one the chosen store or serializer does not read, fails
     * the start.
     */
    public void setKryoCompatibleFields(String value) {
        setProperty("kryoCompatibleFields", value);
    }

    /** @return the value of {@link #setKryoCompatibleFields} as set, or {@code null} */
    public String getKryoCompatibleFields() {
        return getProperty("kryoCompatibleFields");
    }

    /**
     * Memcached: the item size limit ({@code -I}) in bytes (default 1048576). Parsed when the context starts; an
     * invalid value, or one the chosen store or serializer does not read, fails the start.
     */
    public void setMemcachedItemSizeMax(String value) {
        setProperty("memcachedItemSizeMax", value);
    }

    /** @return the value of {@link #setMemcachedItemSizeMax} as set, or {@code null} */
    public String getMemcachedItemSizeMax() {
        return getProperty("memcachedItemSizeMax");
    }

    /**
     * Redis: {@code redis://[user:password@]host:port[/db]}, {@code rediss://...}; several (comma-separated) for a
     * cluster. Parsed when the context starts; an invalid value, or one the chosen store or serializer does not read,
     * fails the start.
     */
    public void setRedisUrl(String value) {
        setProperty("redisUrl", value);
    }

    /** @return the value of {@link #setRedisUrl} as set, or {@code null} */
    public String getRedisUrl() {
        return getProperty("redisUrl");
    }

    /**
     * Redis: {@code true} for Redis Cluster (default {@code false}). Parsed when the context starts; an invalid value,
     * or one the chosen store or serializer does not read, fails the start.
     */
    public void setRedisCluster(String value) {
        setProperty("redisCluster", value);
    }

    /** @return the value of {@link #setRedisCluster} as set, or {@code null} */
    public String getRedisCluster() {
        return getProperty("redisCluster");
    }

    /**
     * Redis: the Sentinel master name (default none). Parsed when the context starts; an invalid value, or one the
     * chosen store or serializer does not read, fails the start.
     */
    public void setRedisSentinelMaster(String value) {
        setProperty("redisSentinelMaster", value);
    }

    /** @return the value of {@link #setRedisSentinelMaster} as set, or {@code null} */
    public String getRedisSentinelMaster() {
        return getProperty("redisSentinelMaster");
    }

    /**
     * Redis: the largest value written, in bytes (default 4194304). Parsed when the context starts; an invalid value,
     * or one the chosen store or serializer does not read, fails the start.
     */
    public void setRedisMaxValueBytes(String value) {
        setProperty("redisMaxValueBytes", value);
    }

    /** @return the value of {@link #setRedisMaxValueBytes} as set, or {@code null} */
    public String getRedisMaxValueBytes() {
        return getProperty("redisMaxValueBytes");
    }

    /**
     * Couchbase: {@code couchbase://host1,host2}. Parsed when the context starts; an invalid value, or one the chosen
     * store or serializer does not read, fails the start.
     */
    public void setCouchbaseConnectionString(String value) {
        setProperty("couchbaseConnectionString", value);
    }

    /** @return the value of {@link #setCouchbaseConnectionString} as set, or {@code null} */
    public String getCouchbaseConnectionString() {
        return getProperty("couchbaseConnectionString");
    }

    /**
     * Couchbase: the bucket. Parsed when the context starts; an invalid value, or one the chosen store or serializer
     * does not read, fails the start.
     */
    public void setCouchbaseBucket(String value) {
        setProperty("couchbaseBucket", value);
    }

    /** @return the value of {@link #setCouchbaseBucket} as set, or {@code null} */
    public String getCouchbaseBucket() {
        return getProperty("couchbaseBucket");
    }

    /**
     * Couchbase: the scope (default {@code _default}). Parsed when the context starts; an invalid value, or one the
     * chosen store or serializer does not read, fails the start.
     */
    public void setCouchbaseScope(String value) {
        setProperty("couchbaseScope", value);
    }

    /** @return the value of {@link #setCouchbaseScope} as set, or {@code null} */
    public String getCouchbaseScope() {
        return getProperty("couchbaseScope");
    }

    /**
     * Couchbase: the collection (default {@code _default}). Parsed when the context starts; an invalid value, or one
     * the chosen store or serializer does not read, fails the start.
     */
    public void setCouchbaseCollection(String value) {
        setProperty("couchbaseCollection", value);
    }

    /** @return the value of {@link #setCouchbaseCollection} as set, or {@code null} */
    public String getCouchbaseCollection() {
        return getProperty("couchbaseCollection");
    }

    /**
     * Couchbase: milliseconds the start waits for the bucket (default 10000). Parsed when the context starts; an
     * invalid value, or one the chosen store or serializer does not read, fails the start.
     */
    public void setCouchbaseConnectTimeout(String value) {
        setProperty("couchbaseConnectTimeout", value);
    }

    /** @return the value of {@link #setCouchbaseConnectTimeout} as set, or {@code null} */
    public String getCouchbaseConnectTimeout() {
        return getProperty("couchbaseConnectTimeout");
    }

    /**
     * Couchbase: the largest value written, in bytes (default 20 MiB - 1 KiB). Parsed when the context starts; an
     * invalid value, or one the chosen store or serializer does not read, fails the start.
     */
    public void setCouchbaseMaxValueBytes(String value) {
        setProperty("couchbaseMaxValueBytes", value);
    }

    /** @return the value of {@link #setCouchbaseMaxValueBytes} as set, or {@code null} */
    public String getCouchbaseMaxValueBytes() {
        return getProperty("couchbaseMaxValueBytes");
    }

    /**
     * {@code memory} store: stores with the same name share data within a JVM (default {@code default}). Parsed when
     * the context starts; an invalid value, or one the chosen store or serializer does not read, fails the start.
     */
    public void setMemoryName(String value) {
        setProperty("memoryName", value);
    }

    /** @return the value of {@link #setMemoryName} as set, or {@code null} */
    public String getMemoryName() {
        return getProperty("memoryName");
    }

    /**
     * {@code memory} store: explicit node ids, e.g. {@code n1 n2} (default none). Parsed when the context starts; an
     * invalid value, or one the chosen store or serializer does not read, fails the start.
     */
    public void setMemoryNodes(String value) {
        setProperty("memoryNodes", value);
    }

    /** @return the value of {@link #setMemoryNodes} as set, or {@code null} */
    public String getMemoryNodes() {
        return getProperty("memoryNodes");
    }

    /**
     * {@code memory} store: the largest value written, in bytes. Parsed when the context starts; an invalid value, or
     * one the chosen store or serializer does not read, fails the start.
     */
    public void setMemoryMaxValueBytes(String value) {
        setProperty("memoryMaxValueBytes", value);
    }

    /** @return the value of {@link #setMemoryMaxValueBytes} as set, or {@code null} */
    public String getMemoryMaxValueBytes() {
        return getProperty("memoryMaxValueBytes");
    }

    // ==================================================================== lifecycle

    @Override
    protected void startInternal() throws LifecycleException {
        super.startInternal();
        Context context = getContext();
        try {
            start(context);
        } catch (InvalidAttributeException e) {
            closeAll();
            throw new LifecycleException(e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll();
            throw new LifecycleException("msm cannot start for context [" + context.getName() + "]: " + e, e);
        }
        setState(LifecycleState.STARTING);
    }

    private void start(Context context) {
        this.startedContext = context;
        this.statistics = new Statistics();
        this.webappLoader = context.getLoader() != null ? context.getLoader().getClassLoader()
                : Thread.currentThread().getContextClassLoader();
        String route = getJvmRoute();
        if (route != null && !route.isEmpty() && !SessionIdFormat.isRoute(route)) {
            throw new InvalidAttributeException("jvmRoute", "Invalid jvmRoute [" + route + "] of the Engine; msm "
                    + "accepts 1 to 32 characters of [A-Za-z0-9_.-]");
        }
        this.writerId = route != null && !route.isEmpty() ? route
                : "i" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        this.layer = buildLayer(context, Set.of(), true);
        Container parent = context.getParent();
        MsmValve valve = new MsmValve(this, context);
        parent.getPipeline().addValve(valve);
        closers.add(() -> parent.getPipeline().removeValve(valve));
        MsmValve.ApplicationMarker marker = new MsmValve.ApplicationMarker();
        context.getPipeline().addValve(marker);
        closers.add(() -> context.getPipeline().removeValve(marker));
        org.apache.tomcat.util.descriptor.web.LoginConfig login = context.getLoginConfig();
        this.withoutLogin = login == null || login.getAuthMethod() == null || "NONE".equals(login.getAuthMethod());
    }

    /** The context has no login-config: only the application's own lookups need the session. */
    boolean withoutLogin() {
        return withoutLogin;
    }

    /**
     * Builds store, storage and mode from the current attributes.
     *
     * @param retired node ids sessions may still name although they are no longer configured (moved on next use)
     * @return the layer, or {@code null} when msm is disabled
     */
    private Layer buildLayer(Context context, Set<String> retired, boolean logDetails) {
        // threads the store and the modes start must not pin the web application's class loader
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(MsmManagerBase.class.getClassLoader());
        try {
            return buildLayerInternal(context, retired, logDetails);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private Layer buildLayerInternal(Context context, Set<String> retired, boolean logDetails) {
        Map<String, String> raw;
        synchronized (attributes) {
            raw = new HashMap<>(attributes);
        }
        ManagerConfig cfg = ManagerConfig.parse(raw);
        this.config = cfg;
        String route = getJvmRoute();
        String name = context.getName().isEmpty() ? "ROOT" : context.getName();

        ClassLoader msmLoader = MsmManagerBase.class.getClassLoader();
        SessionStoreProvider storeProvider = Plugins.store(cfg.store(), msmLoader);
        SerializerProvider serializerProvider = Plugins.serializer(cfg.serializer(), msmLoader);
        Map<String, String> storeAttrs = new LinkedHashMap<>();
        Map<String, String> serializerAttrs = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        Plugins.split(raw, extraAttributes, storeProvider, serializerProvider, storeAttrs, serializerAttrs, warnings);
        if (logDetails) {
            for (String w : warnings) {
                log.warn(w + " (context [" + name + "])");
            }
            if (cfg.sticky() && attr("lockingMode") != null) {
                log.warn("Attribute [lockingMode] has no effect in sticky mode (context [" + name + "])");
            }
            if (!cfg.sticky() && cfg.attributeFilter() != null) {
                log.warn("Attribute [sessionAttributeFilter] in non-sticky mode: attributes it filters out are lost "
                        + "after each request (context [" + name + "])");
            }
        }

        Serializer serializer = serializerProvider.create(new Settings(serializerAttrs, cfg.operationTimeout(),
                name));
        MsmSession.AttributeFilter serializable = "java".equals(serializerProvider.name())
                ? MsmSession.AttributeFilter.SERIALIZABLE : (n, v) -> true;
        this.attributeFilter = cfg.attributeFilter() == null ? serializable
                : (n, v) -> (n.startsWith("org.apache.catalina.") || n.equals("(principal)")
                        || cfg.attributeFilter().matcher(n).matches()) && serializable.keep(n, v);

        if (!cfg.enabled()) {
            log.info("msm is disabled for context [" + name + "]: sessions stay in this Tomcat's memory");
            return null;
        }
        if (logDetails && cfg.sticky() && (route == null || route.isEmpty())) {
            log.warn("Sticky sessions without a jvmRoute on the Engine (context [" + name + "]): a session "
                    + "served by another Tomcat in between cannot be detected as moved; set jvmRoute");
        }
        SessionStore s = storeProvider.create(new Settings(storeAttrs, cfg.operationTimeout(), name));
        try {
            Set<String> nodeIds = new java.util.HashSet<>();
            for (StoreNode n : s.nodes()) {
                nodeIds.add(n.id());
            }
            Set<String> stillRetired = new java.util.HashSet<>(retired);
            stillRetired.removeAll(nodeIds);
            Set<String> known = new java.util.HashSet<>(nodeIds);
            known.addAll(stillRetired);
            SessionIdFormat idFormat = new SessionIdFormat(known);
            Host host = context.getParent() instanceof Host h ? h : null;
            StorageKeys keys = StorageKeys.of(cfg.storageKeyPrefix(), host == null ? "" : host.getName(),
                    context.getPath(), context.getWebappVersion() == null ? "" : context.getWebappVersion());
            NodeSelector nodes = new NodeSelector(s, stillRetired);
            SessionCodec codec = new SessionCodec(serializer, serializerProvider.name(), cfg.compressionThreshold(),
                    cfg.cipher());
            int maxBytes = cfg.maxSessionBytes() == 0 ? s.maxValueBytes() : Math.min(cfg.maxSessionBytes(),
                    s.maxValueBytes());
            SessionStorage storage = new SessionStorage(s, nodes, keys, codec, statistics, writerId,
                    cfg.operationTimeout(), !cfg.sticky(), maxBytes);
            StickySessions st = cfg.sticky() ? new StickySessions(this, storage, cfg, name) : null;
            NonStickySessions ns = cfg.sticky() ? null : new NonStickySessions(this, storage, cfg, name);
            Layer built = new Layer(s, idFormat, storage, st, ns, stillRetired);
            s.addNodeListener(new NodeListener() {
                @Override
                public void nodeUnavailable(String node) {
                    log.warn("Store node [" + (node == null ? s.describe() : node) + "] is unavailable (context ["
                            + name + "])");
                }

                @Override
                public void nodeAvailable(String node) {
                    log.info("Store node [" + (node == null ? s.describe() : node) + "] is available again (context ["
                            + name + "])");
                    if (built.sticky != null) {
                        built.sticky.nodeAvailable(node);
                    }
                    if (built.nonSticky != null) {
                        built.nonSticky.nodeAvailable(node);
                    }
                }
            });
            log.info("msm started for context [" + name + "]: store " + s.describe() + ", "
                    + (cfg.sticky() ? "sticky" : "non-sticky, locking " + cfg.lockingMode().name().toLowerCase())
                    + ", serializer [" + serializerProvider.name() + "], key prefix [" + keys.prefix() + "]"
                    + (stillRetired.isEmpty() ? "" : ", sessions on removed nodes " + stillRetired
                            + " move on their next use"));
            return built;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Rebuilds the store layer after {@code memcachedNodes}, {@code failoverNodes} or {@code enabled} changed while
     * running (e.g. over JMX). Requests in flight finish with the layer they started with; sessions on a node that
     * was removed move to another node on their next use (from their backup copy); the old store is closed once
     * they are done.
     *
     * @throws IllegalArgumentException with the attribute's message when the new value is invalid (the old
     *                                  configuration stays)
     */
    private void reconfigure(String attribute, String previous) {
        if (getState() != LifecycleState.STARTED || startedContext == null) {
            return;
        }
        reconfiguring.lock();
        try {
            Layer old = layer;
            Set<String> retired = new java.util.HashSet<>();
            if (old != null) {
                old.store.nodes().forEach(n -> retired.add(n.id()));
                retired.addAll(old.retired);
            }
            Layer fresh;
            try {
                fresh = buildLayer(startedContext, retired, false);
            } catch (RuntimeException e) {
                if (!extraAttributes.containsKey(attribute)) {
                    attr(attribute, previous);
                }
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            if (old != null && fresh != null && old.nonSticky != null && fresh.nonSticky != null) {
                fresh.nonSticky.adopt(old.nonSticky);
            }
            layer = fresh;
            if (old != null) {
                retire(old);
            }
            String now = extraAttributes.containsKey(attribute) ? extraAttributes.get(attribute) : attr(attribute);
            contextLog().info("msm reconfigured at runtime: [" + attribute + "] is now [" + now + "]");
        } finally {
            reconfiguring.unlock();
        }
    }

    /** Closes a replaced layer once requests that use it are done (bounded by the lock and operation timeouts). */
    private void retire(Layer old) {
        ManagerConfig cfg = config;
        long grace = cfg.lockTimeout().plus(cfg.operationTimeout().multipliedBy(4)).toMillis();
        Thread t = new Thread(() -> {
            try {
                if (old.sticky != null) {
                    old.sticky.close();
                }
                java.util.concurrent.locks.LockSupport.parkNanos(grace * 1_000_000L);
                if (old.nonSticky != null) {
                    old.nonSticky.close();
                }
            } finally {
                old.store.close();
            }
        }, "msm-retire-store");
        t.setDaemon(true);
        t.setContextClassLoader(MsmManagerBase.class.getClassLoader());
        t.start();
    }

    @Override
    protected void stopInternal() throws LifecycleException {
        setState(LifecycleState.STOPPING);
        stopping = true;
        Layer l = layer;
        // A context with its own backgroundProcessorDelay reloads on its background thread, which Tomcat interrupts
        // while stopping the context: sessions must still be written and connections closed, so the interrupt
        // waits until msm is done.
        boolean interrupted = Thread.interrupted();
        try {
            if (l != null && l.sticky != null) {
                l.sticky.stop();
            }
            if (l != null && l.nonSticky != null) {
                l.nonSticky.stop();
            }
            if (l == null) {
                // disabled: behave as Tomcat's manager without persistence: expire without notification
                for (Session session : findSessions()) {
                    if (session.isValid()) {
                        session.expire();
                    }
                }
            }
        } finally {
            if (l != null) {
                if (l.sticky != null) {
                    l.sticky.close();
                }
                if (l.nonSticky != null) {
                    l.nonSticky.close();
                }
                l.store.close();
            }
            closeAll();
            layer = null;
            startedContext = null;
            stopping = false;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        super.stopInternal();
    }

    private void closeAll() {
        for (int i = closers.size() - 1; i >= 0; i--) {
            try {
                closers.get(i).run();
            } catch (RuntimeException e) {
                log.warn("Error while stopping msm: " + e, e);
            }
        }
        closers.clear();
    }

    @Override
    public void load() {
        // sessions are loaded from the store when requests need them
    }

    @Override
    public void unload() {
        // sessions are in the store
    }

    // ==================================================================== sessions

    @Override
    protected StandardSession getNewSession() {
        return newSession();
    }

    /**
     * Creates an empty session object. The Tomcat 11 bridge returns its own subclass.
     *
     * @return a new, empty session
     */
    protected MsmSession newSession() {
        return new MsmSession(this);
    }

    @Override
    protected String generateSessionId() {
        String generated = super.generateSessionId();
        Layer l = layer();
        if (l == null) {
            return generated;
        }
        return l.idFormat.create(generated, l.storage.nodes.nodeForNewSession()).full();
    }

    @Override
    public Session createSession(String sessionId) {
        String id = sessionId;
        Layer l = layer();
        if (id != null && l != null && l.idFormat.parse(id) == null) {
            id = null; // a client-provided id we cannot use as a store key
        }
        Session session = super.createSession(id);
        ManagerConfig cfg = config;
        if (cfg != null && cfg.maxInactiveInterval() != null) {
            session.setMaxInactiveInterval(cfg.maxInactiveInterval());
        }
        if (session instanceof MsmSession s) {
            StickySessions st = sticky();
            NonStickySessions ns = nonSticky();
            if (st != null) {
                st.created(s);
            } else if (ns != null) {
                ns.created(s);
            }
        }
        return session;
    }

    @Override
    public Session findSession(String id) throws IOException {
        if (id == null) {
            return null;
        }
        StickySessions st = sticky();
        if (st != null) {
            return st.findSession(id);
        }
        NonStickySessions ns = nonSticky();
        if (ns != null) {
            return ns.findSession(id);
        }
        return super.findSession(id);
    }

    /** Removes only this very session object: a detached copy with the same id must not remove the live one. */
    @Override
    public void remove(Session session, boolean update) {
        String id = session.getIdInternal();
        if (id == null || sessions.get(id) == session) {
            super.remove(session, update);
        } else if (update) {
            expiredSessions.incrementAndGet();
        }
    }

    @Override
    protected void changeSessionId(Session session, String newId, boolean notifySessionListeners,
            boolean notifyContainerListeners) {
        String oldId = session.getIdInternal();
        super.changeSessionId(session, newId, notifySessionListeners, notifyContainerListeners);
        if (session instanceof MsmSession s) {
            StickySessions st = sticky();
            NonStickySessions ns = nonSticky();
            if (st != null) {
                st.idChanged(s, oldId);
            } else if (ns != null) {
                ns.idChanged(s, oldId);
            }
        }
    }

    /** Called by {@link MsmSession#expire(boolean)} instead of Tomcat's expiry. */
    void expiring(MsmSession session, boolean notify) {
        StickySessions st = sticky();
        NonStickySessions ns = nonSticky();
        if (stopping || (st == null && ns == null)) {
            session.expireLocally(notify);
        } else if (st != null) {
            st.expiring(session, notify);
        } else {
            ns.expiring(session, notify);
        }
    }

    @Override
    public void backgroundProcess() {
        super.backgroundProcess();
        StickySessions st = sticky();
        if (st != null) {
            st.refreshTtls();
        }
    }

    @Override
    public void processExpires() {
        NonStickySessions ns = nonSticky();
        if (ns != null) {
            long start = System.currentTimeMillis();
            ns.processExpires();
            processingTime += System.currentTimeMillis() - start;
        } else {
            super.processExpires();
        }
    }

    // ==================================================================== request bracket (called by MsmValve)

    RequestState beginRequest(Request request) {
        String uri = request.getDecodedRequestURI();
        ManagerConfig cfg = config;
        boolean ignored = cfg != null && cfg.requestUriIgnorePattern() != null && uri != null
                && cfg.requestUriIgnorePattern().matcher(uri).matches();
        RequestState state = new RequestState(request, ignored, uri);
        Layer l = layer;
        state.layer = l;
        if (l == null) {
            return state;
        }
        statistics.count(ignored ? Statistics.Counter.REQUESTS_IGNORED : Statistics.Counter.REQUESTS);
        if (l.sticky != null && !ignored) {
            l.sticky.begin(state);
        } else if (l.nonSticky != null) {
            l.nonSticky.begin(state);
        }
        return state;
    }

    void endRequest(RequestState state) {
        Layer l = state.layer;
        if (l == null) {
            return;
        }
        if (l.sticky != null) {
            if (!state.ignored) {
                l.sticky.end(state);
            }
        } else if (l.nonSticky != null) {
            l.nonSticky.end(state);
        }
    }

    /**
     * Runs {@code task} with the session of {@code id} as a request would: loaded, locked where the locking mode
     * says so, stored and unlocked afterwards. Used by Servlet 6.1's {@code HttpSession.Accessor} on Tomcat 11.
     *
     * @throws IllegalStateException when the session does not exist (any more)
     */
    protected void access(String id, Consumer<HttpSession> task) {
        RequestState state = new RequestState(null, false, null);
        state.layer = layer;
        state.inApplication = true;
        RequestState previous = RequestState.enter(state);
        try {
            Session session;
            try {
                session = findSession(id);
            } catch (IOException e) {
                throw new IllegalStateException("Session [" + id + "] cannot be found: " + e, e);
            }
            if (session == null || !session.isValid()) {
                throw new IllegalStateException("Session [" + id + "] is no longer valid");
            }
            session.access();
            try {
                task.accept(session.getSession());
            } finally {
                session.endAccess();
            }
        } finally {
            try {
                endRequest(state);
            } finally {
                RequestState.leave(previous);
            }
        }
    }

    // ==================================================================== helpers for the modes

    /** Everything built from the store attributes, replaced as a whole by a runtime reconfiguration. */
    static final class Layer {
        final SessionStore store;
        final SessionIdFormat idFormat;
        final SessionStorage storage;
        final StickySessions sticky;
        final NonStickySessions nonSticky;
        final Set<String> retired;

        Layer(SessionStore store, SessionIdFormat idFormat, SessionStorage storage, StickySessions sticky,
                NonStickySessions nonSticky, Set<String> retired) {
            this.store = store;
            this.idFormat = idFormat;
            this.storage = storage;
            this.sticky = sticky;
            this.nonSticky = nonSticky;
            this.retired = Set.copyOf(retired);
        }
    }

    /** The layer of the request running on this thread (it keeps its layer across a reconfiguration), else now's. */
    Layer layer() {
        RequestState state = RequestState.current();
        if (state != null && state.layer != null) {
            return state.layer;
        }
        return layer;
    }

    private StickySessions sticky() {
        Layer l = layer();
        return l == null ? null : l.sticky;
    }

    private NonStickySessions nonSticky() {
        Layer l = layer();
        return l == null ? null : l.nonSticky;
    }

    SessionId parseId(String id) {
        Layer l = layer();
        return l == null ? null : l.idFormat.parse(id);
    }

    Map<String, Session> sessionMap() {
        return sessions;
    }

    ManagerConfig config() {
        return config;
    }

    String writerId() {
        return writerId;
    }

    boolean isStopping() {
        return stopping;
    }

    /**
     * @return the session timeout new sessions get, in seconds
     */
    int defaultMaxInactive() {
        ManagerConfig cfg = config;
        if (cfg != null && cfg.maxInactiveInterval() != null) {
            return cfg.maxInactiveInterval();
        }
        return getContext().getSessionTimeout() * 60;
    }

    /**
     * Serializes a session's state.
     *
     * @throws SerializationException when it cannot be serialized
     * @throws java.util.ConcurrentModificationException when it changed while being serialized
     */
    SessionCodec.Encoded encode(MsmSession s, SessionStorage storage) {
        Object[] graph = s.captureState(attributeFilter);
        long last = s.getLastAccessedTimeInternal();
        SessionId sid = s.sessionId();
        SessionCodec.Encoded encoded = storage.codec.encode(graph, sid == null ? s.getIdInternal() : sid.base(),
                s.getCreationTimeInternal(), last, s.getMaxInactiveInterval(), writerId);
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
        statistics.count(Statistics.Counter.REFUSED_CLASS_WRITES);
        warnOnce("refused:" + new TreeSet<>(refused), "Session [" + s.getIdInternal() + "] holds values "
                + "that no Tomcat will read back: " + ClassAllowList.refusedMessage(refused) + " (reported once per "
                + "set of classes; counted in statRefusedClassWrites)");
    }

    /**
     * Builds a session object from a stored value, with the given id; the session is added to the manager.
     *
     * @return the session, or {@code null} when the value cannot be read (logged once, counted)
     */
    MsmSession sessionFrom(SessionStorage storage, SessionStorage.Read read, String fullId) {
        return sessionFrom(storage, read, fullId, true, true);
    }

    /**
     * @param register add the session to the manager's sessions (else a detached copy)
     * @param activate fire the activation events (sticky: the session moves into this Tomcat's memory)
     */
    MsmSession sessionFrom(SessionStorage storage, SessionStorage.Read read, String fullId, boolean register,
            boolean activate) {
        Object graph;
        byte[] plain;
        ClassLoader loader = webappLoader;
        long start = System.nanoTime();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(loader);
            plain = storage.codec.plainPayload(read.value(), read.header(), read.id().base());
            graph = storage.codec.decode(plain, read.header(), loader, (attribute, e) -> reportDropped(read.id(),
                    attribute, e));
        } catch (SerializationException e) {
            storage.unreadable(read.id(), e);
            if (e.rejectedClass() == null) {
                storage.deleteUnreadable(read); // corrupt or foreign: remove it; a refused class may be allowed later
            }
            return null;
        } finally {
            thread.setContextClassLoader(previous);
        }
        MsmSession s = (MsmSession) createEmptySession();
        try {
            s.restoreState(graph);
        } catch (SerializationException e) {
            storage.unreadable(read.id(), e);
            return null;
        }
        long now = System.currentTimeMillis();
        SessionCodec.Header h = read.header();
        s.loaded(h.creationTime(), h.lastAccessedTime(), h.maxInactiveInterval(), now);
        s.stored(plain, !register || !activate, now);
        s.clearChangeFlags();
        if (register) {
            s.setId(fullId, false);
        } else {
            s.setIdDetached(fullId);
        }
        statistics.count(Statistics.Counter.LOADS);
        statistics.time(Statistics.Timer.LOAD, start);
        if (activate) {
            s.activate();
        }
        return s;
    }

    /** Issue 16: an attribute of a class that is not allowed costs that attribute, not the session and its login. */
    private void reportDropped(SessionId id, String attribute, SerializationException e) {
        statistics.count(Statistics.Counter.DROPPED_ATTRIBUTES);
        warnOnce("dropped:" + e.rejectedClass(), "Attribute [" + attribute + "] of stored session [" + id
                + "] is dropped, the rest of the session is kept: " + e.getMessage() + " (reported once per class; "
                + "counted in statDroppedAttributes)");
    }

    void reportUnserializable(MsmSession s, SerializationException e) {
        if (reported.add("serialize:" + e.getMessage())) {
            contextLog().warn("Session [" + s.getIdInternal() + "] cannot be stored: " + e.getMessage()
                    + " (reported once per cause)");
        }
    }

    void reportTooLarge(SessionStorage storage, MsmSession s, int bytes, IllegalArgumentException e) {
        if (reported.add("size:" + s.getIdInternal())) {
            Map<String, Integer> sizes = new HashMap<>();
            for (String name : Collections.list(s.getAttributeNames())) {
                Object v = s.attributeValue(name);
                sizes.put(name, v instanceof Serializable ? estimate(storage, v) : -1);
            }
            List<Map.Entry<String, Integer>> largest = new ArrayList<>(sizes.entrySet());
            largest.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
            contextLog().warn("Session [" + s.getIdInternal() + "] of [" + bytes + "] bytes is not stored: "
                    + e.getMessage() + "; largest attributes: "
                    + largest.subList(0, Math.min(5, largest.size())));
        }
    }

    private int estimate(SessionStorage storage, Object value) {
        try {
            return storage.codec.encode(new Object[] {Map.of("v", value), null, null, Map.of()}, "x", 0, 0, 0, "")
                    .value().length;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Logs a store problem at WARN once until the store works again, then at DEBUG. */
    void storeProblem(String what, Exception e) {
        String cause = e.getMessage() == null ? e.toString() : e.getMessage();
        if (reported.add("store")) {
            contextLog().warn(what + ": " + cause + " (further store failures are logged at debug level until "
                    + "the store recovers)");
        } else if (log.isDebugEnabled()) {
            log.debug(what + ": " + cause);
        }
    }

    /** The store works again: the next problem is logged at WARN again. */
    void storeRecovered() {
        reported.remove("store");
    }

    /** Logs a message once per key at WARN. */
    void warnOnce(String key, String message) {
        if (reported.size() < 10_000 && reported.add(key)) {
            contextLog().warn(message);
        }
    }

    Log contextLog() {
        Context context = getContext();
        return context != null && context.getLogger() != null ? context.getLogger() : log;
    }

    MsmSession.AttributeFilter attributeFilter() {
        return attributeFilter;
    }

    // ==================================================================== statistics (JMX)

    /**
     * @return the live statistics of this manager
     */
    public Statistics statistics() {
        return statistics;
    }

    /**
     * @return a description of the store, e.g. {@code memcached [n1 127.0.0.1:11211]}, or {@code disabled}
     */
    public String getStoreDescription() {
        Layer l = layer;
        SessionStore s = l == null ? null : l.store;
        return s == null ? "disabled" : s.describe();
    }

    /**
     * @return the ids of the store nodes that are available now, space separated
     */
    public String getAvailableNodes() {
        Layer l = layer;
        SessionStore s = l == null ? null : l.store;
        if (s == null) {
            return "";
        }
        Set<String> up = new TreeSet<>();
        for (StoreNode n : s.nodes()) {
            if (s.isAvailable(n.id())) {
                up.add(n.id());
            }
        }
        return String.join(" ", up);
    }

    /**
     * @return sticky backups queued or running now
     */
    public int pendingBackups() {
        StickySessions st = sticky();
        return st == null ? 0 : st.pendingBackups();
    }

    /**
     * @return non-sticky repairs of session copies (after a store node came back) queued or running now
     */
    public int pendingRepairs() {
        NonStickySessions ns = nonSticky();
        return ns == null ? 0 : ns.pendingRepairs();
    }

    /**
     * @return non-sticky: recoveries of store nodes whose repair of session copies finished, since start (a node
     *         reported available again is repaired in the background; this tells when that is done)
     */
    public long getRepairsCompleted() {
        NonStickySessions ns = nonSticky();
        return ns == null ? 0 : ns.repairsCompleted();
    }

    /** @return requests that passed msm's valve (not ignored); since start or reset */
    public long getStatRequests() {
        return statistics.get(Statistics.Counter.REQUESTS);
    }

    /** @return requests matching requestUriIgnorePattern; since start or reset */
    public long getStatRequestsIgnored() {
        return statistics.get(Statistics.Counter.REQUESTS_IGNORED);
    }

    /** @return sessions read from the store; since start or reset */
    public long getStatLoads() {
        return statistics.get(Statistics.Counter.LOADS);
    }

    /**
     * @return non-sticky: loads that read the value this Tomcat stored or loaded last, so the session kept since
     *         then was reused instead of deserialized (part of statLoads); since start or reset
     */
    public long getStatLoadsReused() {
        return statistics.get(Statistics.Counter.LOADS_REUSED);
    }

    /** @return loads that found no stored session; since start or reset */
    public long getStatLoadMisses() {
        return statistics.get(Statistics.Counter.LOAD_MISSES);
    }

    /** @return sessions read from their backup copy; since start or reset */
    public long getStatBackupLoads() {
        return statistics.get(Statistics.Counter.BACKUP_LOADS);
    }

    /** @return session writes (each writes the primary and the backup copy); since start or reset */
    public long getStatWrites() {
        return statistics.get(Statistics.Counter.WRITES);
    }

    /** @return sessions serialized but unchanged, so not written; since start or reset */
    public long getStatWritesSkippedUnchanged() {
        return statistics.get(Statistics.Counter.WRITES_SKIPPED_UNCHANGED);
    }

    /** @return writes that failed; since start or reset */
    public long getStatWriteFailures() {
        return statistics.get(Statistics.Counter.WRITE_FAILURES);
    }

    /** @return time-to-live refreshes without a write; since start or reset */
    public long getStatTouches() {
        return statistics.get(Statistics.Counter.TOUCHES);
    }

    /** @return sticky: changes folded into a backup already queued or running; since start or reset */
    public long getStatBackupsCoalesced() {
        return statistics.get(Statistics.Counter.BACKUPS_COALESCED);
    }

    /** @return store locks obtained; since start or reset */
    public long getStatLocks() {
        return statistics.get(Statistics.Counter.LOCKS);
    }

    /** @return lock attempts that found the session locked elsewhere; since start or reset */
    public long getStatLockWaits() {
        return statistics.get(Statistics.Counter.LOCK_WAITS);
    }

    /** @return requests that did not get their lock within lockTimeout; since start or reset */
    public long getStatLockTimeouts() {
        return statistics.get(Statistics.Counter.LOCK_TIMEOUTS);
    }

    /** @return sessions taken over from another Tomcat; since start or reset */
    public long getStatTomcatFailovers() {
        return statistics.get(Statistics.Counter.TOMCAT_FAILOVERS);
    }

    /** @return sessions moved to another store node; since start or reset */
    public long getStatNodeFailovers() {
        return statistics.get(Statistics.Counter.NODE_FAILOVERS);
    }

    /** @return requests answered with 503 by the configured failure action; since start or reset */
    public long getStatRequestsRefused() {
        return statistics.get(Statistics.Counter.REQUESTS_REFUSED);
    }

    /** @return stored values that could not be read (corrupt, foreign, refused class); since start or reset */
    public long getStatUnreadableValues() {
        return statistics.get(Statistics.Counter.UNREADABLE_VALUES);
    }

    /**
     * @return sessions serialized holding classes that reading refuses (see {@code allowedClasses}); since start or
     *         reset
     */
    public long getStatRefusedClassWrites() {
        return statistics.get(Statistics.Counter.REFUSED_CLASS_WRITES);
    }

    /**
     * @return attributes dropped when a session was read because their values named a class that is not allowed
     *         (the rest of each session was kept); since start or reset
     */
    public long getStatDroppedAttributes() {
        return statistics.get(Statistics.Counter.DROPPED_ATTRIBUTES);
    }

    /** @return non-sticky: session expiries this Tomcat processed (listeners fired); since start or reset */
    public long getStatExpiries() {
        return statistics.get(Statistics.Counter.EXPIRIES);
    }

    /** @return requested session ids that were malformed or named an unknown node; since start or reset */
    public long getStatInvalidIds() {
        return statistics.get(Statistics.Counter.INVALID_IDS);
    }

    /** @return the 50th percentile of load times, microseconds (upper bound, within 19%) */
    public long getStatLoadMicrosP50() {
        return statistics.percentileMicros(Statistics.Timer.LOAD, 50);
    }

    /** @return the 99th percentile of load times, microseconds (upper bound, within 19%) */
    public long getStatLoadMicrosP99() {
        return statistics.percentileMicros(Statistics.Timer.LOAD, 99);
    }

    /** @return the 50th percentile of write times, microseconds (upper bound, within 19%) */
    public long getStatWriteMicrosP50() {
        return statistics.percentileMicros(Statistics.Timer.WRITE, 50);
    }

    /** @return the 99th percentile of write times, microseconds (upper bound, within 19%) */
    public long getStatWriteMicrosP99() {
        return statistics.percentileMicros(Statistics.Timer.WRITE, 99);
    }

    /** @return the 50th percentile of lockwait times, microseconds (upper bound, within 19%) */
    public long getStatLockWaitMicrosP50() {
        return statistics.percentileMicros(Statistics.Timer.LOCK_WAIT, 50);
    }

    /** @return the 99th percentile of lockwait times, microseconds (upper bound, within 19%) */
    public long getStatLockWaitMicrosP99() {
        return statistics.percentileMicros(Statistics.Timer.LOCK_WAIT, 99);
    }

    /** @return the 50th percentile of serialization times, microseconds (upper bound, within 19%) */
    public long getStatSerializationMicrosP50() {
        return statistics.percentileMicros(Statistics.Timer.SERIALIZATION, 50);
    }

    /** @return the 99th percentile of serialization times, microseconds (upper bound, within 19%) */
    public long getStatSerializationMicrosP99() {
        return statistics.percentileMicros(Statistics.Timer.SERIALIZATION, 99);
    }

    /** @return the 50th percentile of session sizes, bytes (upper bound, within 19%) */
    public long getStatSessionBytesP50() {
        return statistics.sizePercentile(50);
    }

    /** @return the 99th percentile of session sizes, bytes (upper bound, within 19%) */
    public long getStatSessionBytesP99() {
        return statistics.sizePercentile(99);
    }

    /** @return how many store nodes are configured (0 for stores that route keys themselves) */
    public int getNodeCount() {
        Layer l = layer;
        SessionStore s = l == null ? null : l.store;
        return s == null ? 0 : s.nodes().size();
    }

    /** @return whether the store can be used now: some node (or the store itself, when it has no nodes) is up */
    public boolean isStoreAvailable() {
        Layer l = layer;
        return l != null && l.storage.nodes.anyAvailable();
    }

    /** @return how many store nodes are available now */
    public int getAvailableNodeCount() {
        String up = getAvailableNodes();
        return up.isEmpty() ? 0 : up.split(" ").length;
    }

    /** Sets every statistic back to zero. */
    public void resetStatistics() {
        statistics.reset();
    }

    @Override
    public String getName() {
        return "MsmManager";
    }

    Valve[] hostValves() {
        Container parent = getContext().getParent();
        return parent.getPipeline().getValves();
    }
}

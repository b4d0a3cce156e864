package dev.msm.core;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.catalina.LifecycleState;
import org.apache.catalina.session.ManagerBase;

/**
 * The {@code <Manager>} attributes of msm's manager: every attribute is a public setter/getter pair taking text, as
 * Tomcat's digester and JMX set them. Values are kept as written and parsed and validated together when the context
 * starts ({@link ManagerConfig}); store- and serializer-specific attributes arrive through
 * {@link #setProperty(String, String)}. A few attributes ({@code memcachedNodes}, {@code failoverNodes},
 * {@code enabled}, store attributes) take effect at runtime through {@link #reconfigure}.
 *
 * <p>Not for extension outside msm: {@link MsmManagerBase} is the class to extend.
 */
public abstract class MsmAttributesBase extends ManagerBase {

    private final Map<String, String> attributes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, String> extraAttributes = Collections.synchronizedMap(new LinkedHashMap<>());

    MsmAttributesBase() {
    }

    /**
     * Applies a changed attribute while running; no-op unless started.
     *
     * @param previous the attribute's value before the change
     * @throws IllegalArgumentException when the new value is invalid (the old configuration stays)
     */
    abstract void reconfigure(String attribute, String previous);

    /** @return a copy of the attributes set through setters, as written */
    Map<String, String> attributeSnapshot() {
        synchronized (attributes) {
            return new HashMap<>(attributes);
        }
    }

    /** @return the store- and serializer-specific attributes (live, synchronized) */
    Map<String, String> extraAttributes() {
        return extraAttributes;
    }

    // ==================================================================== attributes

    /** @return a setter's value as written, or {@code null} */
    String attr(String name) {
        return attributes.get(name);
    }

    void attr(String name, String value) {
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

    /** Seconds a lock lives in the store if its owner dies (default 5; at least 2 with memcached, non-sticky). */
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

    /**
     * Non-sticky: how many requests of this Tomcat may wait for one session's lock at once (default
     * {@value ManagerConfig#DEFAULT_MAX_LOCK_WAITERS}); further requests for the session are answered 503 at once,
     * so one client flooding its session cannot occupy the request threads other users need. {@code 0}: no bound.
     */
    public void setMaxLockWaiters(String value) {
        attr("maxLockWaiters", value);
    }

    public String getMaxLockWaiters() {
        return attr("maxLockWaiters");
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

    /**
     * Sticky: minimum milliseconds between the starts of two backups of one session. Default 0: a backup starts as
     * soon as the request that changed the session ends. A value above 0 trades durability for throughput: changes
     * within the interval are written together, and a Tomcat that dies loses up to an interval of them.
     */
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

    /**
     * MSM's key prefix tokens: {@code static:x}, {@code host}, {@code host.hash}, {@code context}, ... Default
     * {@code host.hash,context.hash,webappVersion}: one namespace per application. The same explicit value in two
     * applications makes them share sessions.
     */
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

    /**
     * HMAC keys that sign stored sessions without encrypting them: {@code id:base64key, ...} (16 to 64 bytes each),
     * newest first (it signs; all verify). A value whose signature does not verify is refused, so a store writer
     * without the key cannot forge a session. Not needed with {@code encryptionKeys}. Not readable back over JMX.
     */
    public void setIntegrityKeys(String value) {
        attr("integrityKeys", value);
    }

    /** A file with one {@code id:base64key} per line, newest first; instead of {@code integrityKeys}. */
    public void setIntegrityKeyFile(String value) {
        attr("integrityKeyFile", value);
    }

    public String getIntegrityKeyFile() {
        return attr("integrityKeyFile");
    }

    /**
     * Base64 secret (16 to 64 bytes) of the keyed hash that hides session ids in store keys. Never rotated with the
     * encryption or integrity keys; changing it changes every store key (users log in again). Not readable back over
     * JMX.
     */
    public void setStorageKeySecret(String value) {
        attr("storageKeySecret", value);
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
     * Redis: how many replicas must acknowledge each write ({@code WAIT}) before it completes, 0 to 16 (default 0:
     * replication stays asynchronous). Parsed when the context starts; an invalid value, or one the chosen store or
     * serializer does not read, fails the start.
     */
    public void setRedisWaitReplicas(String value) {
        setProperty("redisWaitReplicas", value);
    }

    /** @return the value of {@link #setRedisWaitReplicas} as set, or {@code null} */
    public String getRedisWaitReplicas() {
        return getProperty("redisWaitReplicas");
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
}

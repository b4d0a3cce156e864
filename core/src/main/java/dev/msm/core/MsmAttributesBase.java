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
}

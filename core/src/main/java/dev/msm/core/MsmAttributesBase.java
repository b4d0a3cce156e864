package dev.msm.core;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.catalina.LifecycleState;
import org.apache.catalina.session.ManagerBase;

import dev.msm.api.Attribute;

/**
 * The {@code <Manager>} attributes of msm's manager: every attribute is a public setter/getter pair taking text, as
 * Tomcat's digester, JMX and Java configuration (Spring Boot) set them. Each setter only keeps the text; every
 * attribute is declared once, with its default, accepted values and meaning: the manager's own in
 * {@link Attributes}, a store's or serializer's by its provider ({@code attributes()} of the SPI). Values are parsed
 * and validated together when the context starts ({@link ManagerConfig}, then the chosen store and serializer), so a
 * bad value stops the context with a message naming the attribute and what it accepts. Attributes without a setter
 * (a store added later) arrive through {@link #setProperty(String, String)}, Tomcat's fallback; the setters of the
 * shipped stores' and serializers' attributes are in {@link MsmStoreAttributesBase}.
 *
 * <p>While the context runs, {@code enabled} and every store or serializer attribute (e.g. {@code memcachedNodes},
 * {@code failoverNodes}) take effect at once through {@link #reconfigure}; the others at the next start.
 *
 * <p>Not for extension outside msm: {@link MsmManagerBase} is the class to extend.
 */
public abstract class MsmAttributesBase extends ManagerBase {

    private final Map<String, String> attributes = Collections.synchronizedMap(new LinkedHashMap<>());

    MsmAttributesBase() {
    }

    /**
     * Applies a changed attribute while running; no-op unless started.
     *
     * @throws IllegalArgumentException when the new value is invalid (the old configuration stays)
     */
    abstract void reconfigure(String attribute);

    /** @return a copy of every attribute set, as written */
    Map<String, String> attributeSnapshot() {
        synchronized (attributes) {
            return new HashMap<>(attributes);
        }
    }

    /** @return an attribute's value as written, or {@code null} */
    String attr(String name) {
        return attributes.get(name);
    }

    /** Keeps an attribute's text ({@code null} removes it); read at the next start. */
    private void put(String name, String value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    private void put(Attribute attribute, String value) {
        put(attribute.name(), value);
    }

    private String value(Attribute attribute) {
        return attributes.get(attribute.name());
    }

    /** Keeps an attribute's text and, while running, applies it at once; an invalid value restores the previous. */
    private void update(String name, String value) {
        String previous = attributes.get(name);
        put(name, value);
        if (getState() == LifecycleState.STARTED) {
            try {
                reconfigure(name);
            } catch (IllegalArgumentException e) {
                put(name, previous);
                throw e;
            }
        }
    }

    /**
     * Store- and serializer-specific attributes (e.g. {@code redisUrl}, {@code couchbaseBucket}) and any attribute
     * Tomcat found no setter for arrive here; they are handed to the chosen store or serializer, and an attribute
     * neither reads fails the start. While running, the store is rebuilt with the new value.
     *
     * @return {@code true}: the value is kept
     * @throws IllegalArgumentException while running, when the new value is invalid (the previous one stays)
     */
    public boolean setProperty(String name, String value) {
        update(name, value);
        return true;
    }

    /**
     * @param name an attribute name
     * @return the attribute's value as set, or {@code null}
     */
    public String getProperty(String name) {
        return attributes.get(name);
    }

    // ==================================================================== the manager's attributes

    /** Sets {@code store}, declared in {@link Attributes#STORE}. */
    public void setStore(String value) {
        put(Attributes.STORE, value);
    }
    public String getStore() {
        return value(Attributes.STORE);
    }

    /** Sets {@code sticky}, declared in {@link Attributes#STICKY}. */
    public void setSticky(String value) {
        put(Attributes.STICKY, value);
    }
    public String getSticky() {
        return value(Attributes.STICKY);
    }

    /** Sets {@code lockingMode}, declared in {@link Attributes#LOCKING_MODE}. */
    public void setLockingMode(String value) {
        put(Attributes.LOCKING_MODE, value);
    }
    public String getLockingMode() {
        return value(Attributes.LOCKING_MODE);
    }

    /** Sets {@code lockExpiration}, declared in {@link Attributes#LOCK_EXPIRATION}. */
    public void setLockExpiration(String value) {
        put(Attributes.LOCK_EXPIRATION, value);
    }
    public String getLockExpiration() {
        return value(Attributes.LOCK_EXPIRATION);
    }

    /** Sets {@code lockTimeout}, declared in {@link Attributes#LOCK_TIMEOUT}. */
    public void setLockTimeout(String value) {
        put(Attributes.LOCK_TIMEOUT, value);
    }
    public String getLockTimeout() {
        return value(Attributes.LOCK_TIMEOUT);
    }

    /** Sets {@code maxLockWaiters}, declared in {@link Attributes#MAX_LOCK_WAITERS}. */
    public void setMaxLockWaiters(String value) {
        put(Attributes.MAX_LOCK_WAITERS, value);
    }
    public String getMaxLockWaiters() {
        return value(Attributes.MAX_LOCK_WAITERS);
    }

    /** Sets {@code onLockTimeout}, declared in {@link Attributes#ON_LOCK_TIMEOUT}. */
    public void setOnLockTimeout(String value) {
        put(Attributes.ON_LOCK_TIMEOUT, value);
    }
    public String getOnLockTimeout() {
        return value(Attributes.ON_LOCK_TIMEOUT);
    }

    /** Sets {@code onStoreUnavailable}, declared in {@link Attributes#ON_STORE_UNAVAILABLE}. */
    public void setOnStoreUnavailable(String value) {
        put(Attributes.ON_STORE_UNAVAILABLE, value);
    }
    public String getOnStoreUnavailable() {
        return value(Attributes.ON_STORE_UNAVAILABLE);
    }

    /** Sets {@code operationTimeout}, declared in {@link Attributes#OPERATION_TIMEOUT}. */
    public void setOperationTimeout(String value) {
        put(Attributes.OPERATION_TIMEOUT, value);
    }
    public String getOperationTimeout() {
        return value(Attributes.OPERATION_TIMEOUT);
    }

    /** Sets {@code requestUriIgnorePattern}, declared in {@link Attributes#REQUEST_URI_IGNORE_PATTERN}. */
    public void setRequestUriIgnorePattern(String value) {
        put(Attributes.REQUEST_URI_IGNORE_PATTERN, value);
    }
    public String getRequestUriIgnorePattern() {
        return value(Attributes.REQUEST_URI_IGNORE_PATTERN);
    }

    /** Sets {@code sessionBackupAsync}, declared in {@link Attributes#SESSION_BACKUP_ASYNC}. */
    public void setSessionBackupAsync(String value) {
        put(Attributes.SESSION_BACKUP_ASYNC, value);
    }
    public String getSessionBackupAsync() {
        return value(Attributes.SESSION_BACKUP_ASYNC);
    }

    /** Sets {@code sessionBackupTimeout}, declared in {@link Attributes#SESSION_BACKUP_TIMEOUT}. */
    public void setSessionBackupTimeout(String value) {
        put(Attributes.SESSION_BACKUP_TIMEOUT, value);
    }
    public String getSessionBackupTimeout() {
        return value(Attributes.SESSION_BACKUP_TIMEOUT);
    }

    /** Sets {@code sessionBackupInterval}, declared in {@link Attributes#SESSION_BACKUP_INTERVAL}. */
    public void setSessionBackupInterval(String value) {
        put(Attributes.SESSION_BACKUP_INTERVAL, value);
    }
    public String getSessionBackupInterval() {
        return value(Attributes.SESSION_BACKUP_INTERVAL);
    }

    /** Sets {@code backupThreadCount}, declared in {@link Attributes#BACKUP_THREAD_COUNT}. */
    public void setBackupThreadCount(String value) {
        put(Attributes.BACKUP_THREAD_COUNT, value);
    }
    public String getBackupThreadCount() {
        return value(Attributes.BACKUP_THREAD_COUNT);
    }

    /** Sets {@code sessionAttributeFilter}, declared in {@link Attributes#SESSION_ATTRIBUTE_FILTER}. */
    public void setSessionAttributeFilter(String value) {
        put(Attributes.SESSION_ATTRIBUTE_FILTER, value);
    }
    public String getSessionAttributeFilter() {
        return value(Attributes.SESSION_ATTRIBUTE_FILTER);
    }

    /** Sets {@code storageKeyPrefix}, declared in {@link Attributes#STORAGE_KEY_PREFIX}. */
    public void setStorageKeyPrefix(String value) {
        put(Attributes.STORAGE_KEY_PREFIX, value);
    }
    public String getStorageKeyPrefix() {
        return value(Attributes.STORAGE_KEY_PREFIX);
    }

    /** Sets {@code serializer}, declared in {@link Attributes#SERIALIZER}. */
    public void setSerializer(String value) {
        put(Attributes.SERIALIZER, value);
    }
    public String getSerializer() {
        return value(Attributes.SERIALIZER);
    }

    /** Sets {@code transcoderFactoryClass}, declared in {@link Attributes#TRANSCODER_FACTORY_CLASS}. */
    public void setTranscoderFactoryClass(String value) {
        put(Attributes.TRANSCODER_FACTORY_CLASS, value);
    }
    public String getTranscoderFactoryClass() {
        return value(Attributes.TRANSCODER_FACTORY_CLASS);
    }

    /** Sets {@code enabled}, declared in {@link Attributes#ENABLED}. */
    public void setEnabled(String value) {
        update(Attributes.ENABLED.name(), value);
    }
    public String getEnabled() {
        return value(Attributes.ENABLED);
    }

    /** Sets {@code compressionThreshold}, declared in {@link Attributes#COMPRESSION_THRESHOLD}. */
    public void setCompressionThreshold(String value) {
        put(Attributes.COMPRESSION_THRESHOLD, value);
    }
    public String getCompressionThreshold() {
        return value(Attributes.COMPRESSION_THRESHOLD);
    }

    /** Sets {@code encryptionKeys}, declared in {@link Attributes#ENCRYPTION_KEYS}. Not readable back over JMX. */
    public void setEncryptionKeys(String value) {
        put(Attributes.ENCRYPTION_KEYS, value);
    }

    /** Sets {@code encryptionKeyFile}, declared in {@link Attributes#ENCRYPTION_KEY_FILE}. */
    public void setEncryptionKeyFile(String value) {
        put(Attributes.ENCRYPTION_KEY_FILE, value);
    }
    public String getEncryptionKeyFile() {
        return value(Attributes.ENCRYPTION_KEY_FILE);
    }

    /** Sets {@code integrityKeys}, declared in {@link Attributes#INTEGRITY_KEYS}. Not readable back over JMX. */
    public void setIntegrityKeys(String value) {
        put(Attributes.INTEGRITY_KEYS, value);
    }

    /** Sets {@code integrityKeyFile}, declared in {@link Attributes#INTEGRITY_KEY_FILE}. */
    public void setIntegrityKeyFile(String value) {
        put(Attributes.INTEGRITY_KEY_FILE, value);
    }
    public String getIntegrityKeyFile() {
        return value(Attributes.INTEGRITY_KEY_FILE);
    }

    /** Sets {@code storageKeySecret}, declared in {@link Attributes#STORAGE_KEY_SECRET}. Not readable back over JMX. */
    public void setStorageKeySecret(String value) {
        put(Attributes.STORAGE_KEY_SECRET, value);
    }

    /** Sets {@code maxSessionBytes}, declared in {@link Attributes#MAX_SESSION_BYTES}. */
    public void setMaxSessionBytes(String value) {
        put(Attributes.MAX_SESSION_BYTES, value);
    }
    public String getMaxSessionBytes() {
        return value(Attributes.MAX_SESSION_BYTES);
    }

    /** Sets {@code maxInactiveInterval}, declared in {@link Attributes#MAX_INACTIVE_INTERVAL}. */
    public void setMaxInactiveInterval(String value) {
        put(Attributes.MAX_INACTIVE_INTERVAL, value);
    }
    public String getMaxInactiveInterval() {
        return value(Attributes.MAX_INACTIVE_INTERVAL);
    }
}

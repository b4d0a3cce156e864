package dev.msm.core;

import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.Settings;
import dev.msm.core.codec.SessionCipher;
import dev.msm.core.codec.SessionMac;
import dev.msm.core.keys.StorageKeys;

/**
 * The manager's attributes, parsed and validated together at start. Each attribute's name, default, accepted values
 * and meaning are declared once, in {@link Attributes}.
 *
 * @param store                   the store provider name
 * @param enabled                 {@code false}: sessions stay in this Tomcat's memory only
 * @param sticky                  sticky (memory primary, store backup) or non-sticky (store primary)
 * @param lockingMode             non-sticky locking
 * @param lockUriPattern          the pattern of {@link LockingMode#URI_PATTERN}, else {@code null}
 * @param lockExpiration          how long a lock lives in the store if its owner dies
 * @param lockTimeout             how long a request waits for a lock
 * @param onLockTimeout           what a request gets when the lock does not come in time
 * @param onStoreUnavailable      what a non-sticky request gets when no store node answers
 * @param operationTimeout        how long one store operation may take
 * @param requestUriIgnorePattern requests whose URI matches neither load nor store sessions; {@code null} for none
 * @param backupAsync             sticky: back up in the background (true) or before the response (false)
 * @param backupTimeout           sticky, synchronous: how long a request waits for its backup
 * @param backupInterval          sticky: minimum time between the starts of two backups of one session; 0 (default)
 *                                for none: a backup starts when the request that changed the session ends
 * @param backupThreadCount       sticky: threads serializing and writing backups
 * @param attributeFilter         only attributes whose name matches are stored; {@code null} for all
 * @param storageKeyPrefix        MSM's prefix tokens, see {@link StorageKeys}
 * @param serializer              the serializer provider name
 * @param maxInactiveInterval     session timeout in seconds overriding the context's, or {@code null}
 * @param compressionThreshold    compress serialized sessions of at least this many bytes; 0 never
 * @param cipher                  encrypts stored values; {@code null} when no keys are configured
 * @param integrity               signs stored values (when there is no cipher) and verifies signed ones;
 *                                {@code null} when no keys are configured
 * @param storageKeySecret        the key of the hash that hides session ids in store keys; {@code null} when not
 *                                configured
 * @param maxSessionBytes         largest stored value; 0 for the store's limit
 * @param maxLockWaiters          non-sticky: how many requests of this Tomcat may wait for one session's lock; the
 *                                others are answered 503 at once; 0 for no bound
 */
public record ManagerConfig(
        String store,
        boolean enabled,
        boolean sticky,
        LockingMode lockingMode,
        Pattern lockUriPattern,
        Duration lockExpiration,
        Duration lockTimeout,
        FailureAction onLockTimeout,
        FailureAction onStoreUnavailable,
        Duration operationTimeout,
        Pattern requestUriIgnorePattern,
        boolean backupAsync,
        Duration backupTimeout,
        Duration backupInterval,
        int backupThreadCount,
        Pattern attributeFilter,
        String storageKeyPrefix,
        String serializer,
        Integer maxInactiveInterval,
        int compressionThreshold,
        SessionCipher cipher,
        SessionMac integrity,
        byte[] storageKeySecret,
        int maxSessionBytes,
        int maxLockWaiters) {

    /** Default of {@code operationTimeout}, as MSM. */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofMillis(1000);
    /** Default of {@code lockExpiration}, as MSM. */
    public static final Duration DEFAULT_LOCK_EXPIRATION = Duration.ofSeconds(5);
    /**
     * Default of {@code maxLockWaiters}: enough for a page's parallel requests (frames, XHRs), few enough that a flood
     * on one session cannot occupy a Tomcat's request threads.
     */
    public static final int DEFAULT_MAX_LOCK_WAITERS = 20;
    /** Default of {@code sessionBackupTimeout}, as MSM. */
    public static final Duration DEFAULT_BACKUP_TIMEOUT = Duration.ofMillis(100);
    /**
     * Default of {@code sessionBackupInterval}: none, a backup starts as soon as the request that changed the session
     * ends (issue 14: a timer window lost the changes of a Tomcat killed right after answering).
     */
    public static final Duration DEFAULT_BACKUP_INTERVAL = Duration.ZERO;
    /**
     * The shortest {@code lockExpiration} memcached can honour: it expires items on a whole-second clock, so an item
     * stored with a 1 s expiry may vanish at the next tick of that clock, at once.
     */
    static final int MEMCACHED_MIN_LOCK_EXPIRATION_SECONDS = 2;
    /**
     * Default of {@code storageKeyPrefix}: one key namespace per application (MSM's was {@code webappVersion}, which
     * let two applications read each other's sessions).
     */
    public static final String DEFAULT_STORAGE_KEY_PREFIX = StorageKeys.DEFAULT_PREFIX;
    /** What {@code storageKeySecret} accepts. */
    static final String STORAGE_KEY_SECRET_ACCEPTED = "a base64 secret of 16 to 64 bytes (e.g. the output of "
            + "[openssl rand -base64 32])";

    /**
     * Parses the manager's own attributes ({@link Attributes}).
     *
     * @param raw attribute name to configured text (unset attributes absent or {@code null})
     * @return the configuration
     * @throws InvalidAttributeException naming the first bad attribute
     */
    static ManagerConfig parse(Map<String, String> raw) {
        Settings s = new Settings(raw, DEFAULT_OPERATION_TIMEOUT, "");
        boolean sticky = s.get(Attributes.STICKY, Boolean.class);
        boolean enabled = s.get(Attributes.ENABLED, Boolean.class);

        LockingMode lockingMode = LockingMode.NONE;
        Pattern lockUriPattern = null;
        String lm = s.get(Attributes.LOCKING_MODE);
        if (lm != null) {
            if (lm.regionMatches(true, 0, "uriPattern:", 0, "uriPattern:".length())) {
                lockingMode = LockingMode.URI_PATTERN;
                lockUriPattern = regex(Attributes.LOCKING_MODE.name(), lm.substring("uriPattern:".length()), lm);
            } else {
                try {
                    lockingMode = LockingMode.valueOf(lm.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    lockingMode = null;
                }
                if (lockingMode == null || lockingMode == LockingMode.URI_PATTERN) {
                    throw Attributes.LOCKING_MODE.invalid(lm);
                }
            }
        }
        Duration operationTimeout = s.get(Attributes.OPERATION_TIMEOUT, Duration.class);
        Duration lockExpiration = Duration.ofSeconds(s.get(Attributes.LOCK_EXPIRATION, Integer.class));
        String store = storeName(s);
        if (!sticky && store.equals("memcached")
                && lockExpiration.toSeconds() < MEMCACHED_MIN_LOCK_EXPIRATION_SECONDS) {
            throw InvalidAttributeException.invalidValue(Attributes.LOCK_EXPIRATION.name(),
                    s.get(Attributes.LOCK_EXPIRATION), "an integer from " + MEMCACHED_MIN_LOCK_EXPIRATION_SECONDS
                            + " to 3600 with memcached (it expires items on a whole-second clock, so a lock of 1 s "
                            + "may expire at once)");
        }
        Duration lockTimeout = s.get(Attributes.LOCK_TIMEOUT, Duration.class, lockExpiration.plus(operationTimeout));
        FailureAction onLockTimeout = s.get(Attributes.ON_LOCK_TIMEOUT, String.class).equals("fail")
                ? FailureAction.FAIL : FailureAction.PROCEED;
        FailureAction onStoreUnavailable = s.get(Attributes.ON_STORE_UNAVAILABLE, String.class).equals("fail")
                ? FailureAction.FAIL : FailureAction.PROCEED;

        String ignore = s.get(Attributes.REQUEST_URI_IGNORE_PATTERN);
        Pattern ignorePattern = ignore == null ? null
                : regex(Attributes.REQUEST_URI_IGNORE_PATTERN.name(), ignore, ignore);
        String filter = s.get(Attributes.SESSION_ATTRIBUTE_FILTER);
        Pattern filterPattern = filter == null ? null
                : regex(Attributes.SESSION_ATTRIBUTE_FILTER.name(), filter, filter);

        boolean backupAsync = s.get(Attributes.SESSION_BACKUP_ASYNC, Boolean.class);
        Duration backupTimeout = s.get(Attributes.SESSION_BACKUP_TIMEOUT, Duration.class);
        Duration backupInterval = s.get(Attributes.SESSION_BACKUP_INTERVAL, Duration.class);
        int backupThreads = s.get(Attributes.BACKUP_THREAD_COUNT, Integer.class,
                Math.max(1, Runtime.getRuntime().availableProcessors()));

        String rawPrefix = raw.get(Attributes.STORAGE_KEY_PREFIX.name());
        String keyPrefix = rawPrefix != null ? rawPrefix : DEFAULT_STORAGE_KEY_PREFIX;

        String serializer = serializerName(s);
        Integer maxInactive = s.get(Attributes.MAX_INACTIVE_INTERVAL, Integer.class, null);
        int compression = s.get(Attributes.COMPRESSION_THRESHOLD, Integer.class);
        SessionCipher cipher = SessionCipher.of(s.get(Attributes.ENCRYPTION_KEYS),
                s.get(Attributes.ENCRYPTION_KEY_FILE));
        SessionMac integrity = SessionMac.of(s.get(Attributes.INTEGRITY_KEYS), s.get(Attributes.INTEGRITY_KEY_FILE));
        byte[] storageKeySecret = storageKeySecret(s.get(Attributes.STORAGE_KEY_SECRET));
        int maxSessionBytes = s.get(Attributes.MAX_SESSION_BYTES, Integer.class, 0);
        int maxLockWaiters = s.get(Attributes.MAX_LOCK_WAITERS, Integer.class);
        return new ManagerConfig(store, enabled, sticky, lockingMode, lockUriPattern, lockExpiration,
                lockTimeout, onLockTimeout, onStoreUnavailable, operationTimeout, ignorePattern, backupAsync,
                backupTimeout, backupInterval, backupThreads, filterPattern, keyPrefix, serializer, maxInactive,
                compression, cipher, integrity, storageKeySecret, maxSessionBytes, maxLockWaiters);
    }

    /**
     * @return whether stored values are encrypted or signed, so that a store writer without a key cannot forge one
     */
    boolean authenticatesValues() {
        return cipher != null || integrity != null;
    }

    /**
     * @return whether store keys hide session ids: some secret is configured
     */
    boolean hashesIds() {
        return authenticatesValues() || storageKeySecret != null;
    }

    private static byte[] storageKeySecret(String value) {
        if (value == null) {
            return null;
        }
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            secret = null;
        }
        if (secret == null || secret.length < 16 || secret.length > 64) {
            throw Attributes.STORAGE_KEY_SECRET.invalid("***");
        }
        return secret;
    }

    /**
     * Chooses the store: the {@code store} attribute, or from {@code memcachedNodes} as MSM users wrote it
     * ({@code redis://...} for Redis, {@code http://...} or {@code couchbase://...} for Couchbase), else memcached.
     */
    private static String storeName(Settings s) {
        String store = s.get(Attributes.STORE);
        if (store != null) {
            return store.toLowerCase(Locale.ROOT);
        }
        String nodes = s.get("memcachedNodes");
        if (nodes != null) {
            String lower = nodes.toLowerCase(Locale.ROOT);
            if (lower.startsWith("redis://") || lower.startsWith("rediss://")) {
                return "redis";
            }
            if (lower.startsWith("http://") || lower.startsWith("couchbase://") || lower.startsWith("couchbases://")) {
                return "couchbase";
            }
        }
        return "memcached";
    }

    /** {@code serializer}, or MSM's {@code transcoderFactoryClass} mapped to a serializer name. */
    private static String serializerName(Settings s) {
        String serializer = s.get(Attributes.SERIALIZER);
        String transcoder = s.get(Attributes.TRANSCODER_FACTORY_CLASS);
        if (serializer != null && transcoder != null) {
            throw new InvalidAttributeException("serializer", "Attributes [serializer] and [transcoderFactoryClass] "
                    + "both choose the serializer; set only [serializer]");
        }
        if (serializer != null) {
            return serializer.toLowerCase(Locale.ROOT);
        }
        if (transcoder == null) {
            return "java";
        }
        if (transcoder.equals("de.javakaffee.web.msm.JavaSerializationTranscoderFactory")) {
            return "java";
        }
        if (transcoder.equals("de.javakaffee.web.msm.serializer.kryo.KryoTranscoderFactory")) {
            return "kryo";
        }
        throw InvalidAttributeException.invalidValue(Attributes.TRANSCODER_FACTORY_CLASS.name(), transcoder,
                Attributes.TRANSCODER_FACTORY_CLASS.accepted() + "; other MSM serializers have no msm equivalent, "
                        + "use the [serializer] attribute");
    }

    private static Pattern regex(String attribute, String regex, String value) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw InvalidAttributeException.invalidValue(attribute, value,
                    "a Java regular expression (" + e.getDescription() + " at index " + e.getIndex() + ")");
        }
    }
}

package dev.msm.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.msm.api.Attribute;
import dev.msm.core.codec.SessionCipher;
import dev.msm.core.codec.SessionMac;
import dev.msm.core.keys.StorageKeys;

/**
 * The manager's own {@code <Manager>} attributes, each declared once: name, default, accepted values and meaning.
 * {@link ManagerConfig#parse} reads them through these declarations, the unknown-attribute check lists them, and the
 * README's table of the manager's attributes is checked against them ({@code ReadmeAttributesTest}). Store- and
 * serializer-specific attributes are declared by their providers ({@code attributes()} of the SPI).
 */
final class Attributes {

    static final Attribute STORE = Attribute.text("store", "`memcached`", "[memcached, redis, couchbase, memory] or "
            + "the name of another store on the class path", "the store; also chosen from `memcachedNodes=\"redis://"
            + "...\"` or `\"http://...\"` as MSM users wrote them");
    static final Attribute STICKY = Attribute.bool("sticky", true,
            "sticky (memory first, store backup) or non-sticky (store first)");
    static final Attribute LOCKING_MODE = Attribute.text("lockingMode", "`none`",
            "[none, all, auto, uriPattern:<regular expression>]", "non-sticky: which requests lock their session "
                    + "(see [Locking modes](#locking-modes-non-sticky))");
    static final Attribute LOCK_EXPIRATION = Attribute.integer("lockExpiration",
            (int) ManagerConfig.DEFAULT_LOCK_EXPIRATION.toSeconds(), 1, 3600, "seconds a lock stays in the store "
                    + "if its owner dies (at most 1 s more); with memcached in non-sticky mode at least `2` "
                    + "(memcached expires items on a whole-second clock, so a 1 s lock may vanish at once). A running "
                    + "request renews its lock every `lockExpiration`/3 on a thread of its own");
    static final Attribute LOCK_TIMEOUT = Attribute.millis("lockTimeout", "`lockExpiration` + `operationTimeout`", 0,
            3_600_000, "milliseconds a request waits for a lock");
    static final Attribute ON_LOCK_TIMEOUT = Attribute.choice("onLockTimeout", "fail", List.of("fail", "proceed"),
            "`fail`: answer 503; `proceed`: the request goes on unlocked (MSM's behaviour)");
    static final Attribute MAX_LOCK_WAITERS = Attribute.integer("maxLockWaiters",
            ManagerConfig.DEFAULT_MAX_LOCK_WAITERS, 0, 100_000, "non-sticky: requests of one Tomcat that may wait "
                    + "for one session's lock at once; further ones are answered 503 at once. `0`: no bound");
    static final Attribute ON_STORE_UNAVAILABLE = Attribute.choice("onStoreUnavailable", "fail",
            List.of("fail", "fresh"), "non-sticky, no store node answers: `fail` answers 503, `fresh` gives a "
                    + "session for this request only");
    static final Attribute OPERATION_TIMEOUT = Attribute.millis("operationTimeout",
            ManagerConfig.DEFAULT_OPERATION_TIMEOUT.toMillis(), 1, 600_000,
            "milliseconds one store operation may take");
    static final Attribute REQUEST_URI_IGNORE_PATTERN = Attribute.text("requestUriIgnorePattern", "none",
            "a Java regular expression", "matched against the request URI with the context path and without the "
                    + "query string (e.g. `/shop/css/site.css`); matching requests neither load nor store sessions");
    static final Attribute SESSION_BACKUP_ASYNC = Attribute.bool("sessionBackupAsync", true, "sticky: `true` "
            + "serializes on a backup thread, changes of parallel requests coalesce; `false` serializes and writes "
            + "on the request thread, before the response. Either way the response waits at most "
            + "`sessionBackupTimeout` for the store");
    static final Attribute SESSION_BACKUP_TIMEOUT = Attribute.millis("sessionBackupTimeout",
            ManagerConfig.DEFAULT_BACKUP_TIMEOUT.toMillis(), 1, 600_000,
            "sticky: milliseconds a response waits for its backup to be acknowledged");
    static final Attribute SESSION_BACKUP_INTERVAL = Attribute.millis("sessionBackupInterval",
            ManagerConfig.DEFAULT_BACKUP_INTERVAL.toMillis(), 0, 600_000,
            "sticky: minimum milliseconds between the starts of two backups of one session. `0`: a backup starts "
                    + "when the changing request ends. Above 0 trades durability for throughput: "
                    + "responses do not wait, changes within the interval are written together, and a Tomcat that "
                    + "dies loses up to an interval of them");
    static final Attribute BACKUP_THREAD_COUNT = Attribute.integer("backupThreadCount", "cores", 1, 256,
            "sticky: threads serializing and writing backups");
    static final Attribute SESSION_ATTRIBUTE_FILTER = Attribute.text("sessionAttributeFilter", "all",
            "a Java regular expression", "only attributes whose name matches are stored");
    static final Attribute STORAGE_KEY_PREFIX = Attribute.text("storageKeyPrefix",
            "`" + ManagerConfig.DEFAULT_STORAGE_KEY_PREFIX + "` (one namespace per application)",
            StorageKeys.ACCEPTED, "the namespace of store keys; the same value in two applications shares their "
                    + "sessions. MSM's default was `webappVersion`");
    static final Attribute MAX_INACTIVE_INTERVAL = Attribute.integer("maxInactiveInterval",
            "the context's `session-timeout`", Integer.MIN_VALUE, Integer.MAX_VALUE,
            "session timeout in seconds; `<= 0` never expires");
    static final Attribute ENABLED = Attribute.bool("enabled", true,
            "`false`: sessions stay in this Tomcat's memory only. Can be changed over JMX");
    static final Attribute SERIALIZER = Attribute.text("serializer", "`java`", "[java, kryo]", "`kryo` is smaller and "
            + "faster (on Java 24+ start Tomcat with `-Dkryo.unsafe=false`)");
    static final Attribute TRANSCODER_FACTORY_CLASS = Attribute.text("transcoderFactoryClass", "none",
            "[de.javakaffee.web.msm.JavaSerializationTranscoderFactory, "
                    + "de.javakaffee.web.msm.serializer.kryo.KryoTranscoderFactory]",
            "MSM's way to choose the serializer, mapped to `serializer`; other MSM serializers have no msm "
                    + "equivalent");
    static final Attribute COMPRESSION_THRESHOLD = Attribute.integer("compressionThreshold", 0, 0, Integer.MAX_VALUE,
            "sessions serialized to at least this many bytes are stored deflated; `0`: never");
    static final Attribute ENCRYPTION_KEYS = Attribute.text("encryptionKeys", "none", SessionCipher.ACCEPTED,
            "AES-GCM keys, newest first; every stored value is encrypted and authenticated, bound to its session id "
                    + "and application");
    static final Attribute ENCRYPTION_KEY_FILE = Attribute.text("encryptionKeyFile", "none",
            "a file with one id:base64key per line", "instead of `encryptionKeys`, newest first");
    static final Attribute INTEGRITY_KEYS = Attribute.text("integrityKeys", "none", SessionMac.ACCEPTED,
            "HMAC-SHA-256 keys, newest first; every stored value is signed, bound to its session id and "
                    + "application, not encrypted. Not needed with `encryptionKeys`");
    static final Attribute INTEGRITY_KEY_FILE = Attribute.text("integrityKeyFile", "none",
            "a file with one id:base64key per line", "instead of `integrityKeys`, newest first");
    static final Attribute STORAGE_KEY_SECRET = Attribute.text("storageKeySecret", "none",
            ManagerConfig.STORAGE_KEY_SECRET_ACCEPTED, "the secret of the keyed hash that hides session ids in "
                    + "store keys; never rotated with the other keys (see [Security](#security))");
    static final Attribute MAX_SESSION_BYTES = Attribute.integer("maxSessionBytes", "the store's limit", 0,
            Integer.MAX_VALUE, "larger sessions are not stored; a warning names the largest attributes. `0`: the "
                    + "store's limit");

    /** The manager's attributes in documentation order. */
    static final List<Attribute> MANAGER = List.of(STORE, STICKY, LOCKING_MODE, LOCK_EXPIRATION, LOCK_TIMEOUT,
            ON_LOCK_TIMEOUT, MAX_LOCK_WAITERS, ON_STORE_UNAVAILABLE, OPERATION_TIMEOUT, REQUEST_URI_IGNORE_PATTERN,
            SESSION_BACKUP_ASYNC, SESSION_BACKUP_TIMEOUT, SESSION_BACKUP_INTERVAL, BACKUP_THREAD_COUNT,
            SESSION_ATTRIBUTE_FILTER, STORAGE_KEY_PREFIX, MAX_INACTIVE_INTERVAL, ENABLED, SERIALIZER,
            TRANSCODER_FACTORY_CLASS, COMPRESSION_THRESHOLD, ENCRYPTION_KEYS, ENCRYPTION_KEY_FILE, INTEGRITY_KEYS,
            INTEGRITY_KEY_FILE, STORAGE_KEY_SECRET, MAX_SESSION_BYTES);

    /** The manager's attributes by name. */
    static final Map<String, Attribute> BY_NAME = byName(MANAGER);

    private Attributes() {
    }

    private static Map<String, Attribute> byName(List<Attribute> attributes) {
        Map<String, Attribute> map = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            if (map.put(a.name(), a) != null) {
                throw new IllegalStateException("Attribute [" + a.name() + "] declared twice");
            }
        }
        return Map.copyOf(map);
    }
}

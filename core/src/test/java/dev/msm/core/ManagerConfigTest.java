package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.msm.api.Attribute;
import dev.msm.api.InvalidAttributeException;
import dev.msm.api.Unit;

@Unit
class ManagerConfigTest {

    private static String error(Map<String, String> raw) {
        return assertThrows(InvalidAttributeException.class, () -> ManagerConfig.parse(raw)).getMessage();
    }

    @Test
    void defaults_AsDocumented() {
        ManagerConfig c = ManagerConfig.parse(Map.of());
        assertEquals("memcached", c.store());
        assertTrue(c.sticky());
        assertTrue(c.enabled());
        assertEquals(LockingMode.NONE, c.lockingMode());
        assertEquals(Duration.ofSeconds(5), c.lockExpiration());
        assertEquals(Duration.ofMillis(6000), c.lockTimeout());
        assertEquals(FailureAction.FAIL, c.onLockTimeout());
        assertEquals(FailureAction.FAIL, c.onStoreUnavailable());
        assertEquals(Duration.ofMillis(1000), c.operationTimeout());
        assertTrue(c.backupAsync());
        assertEquals(Duration.ofMillis(100), c.backupTimeout());
        assertEquals(Duration.ZERO, c.backupInterval());
        assertEquals("host.hash,context.hash,webappVersion", c.storageKeyPrefix());
        assertNull(c.integrity());
        assertFalse(c.hashesIds());
        assertEquals("java", c.serializer());
        assertNull(c.maxInactiveInterval());
        assertNull(c.cipher());
        assertEquals(0, c.compressionThreshold());
    }

    @Test
    void lockExpirationOfOneSecond_WithMemcachedNonSticky_Rejected_Issue14() {
        assertEquals("Invalid value [1] for attribute [lockExpiration]; accepted is an integer from 2 to 3600 with "
                + "memcached (it expires items on a whole-second clock, so a lock of 1 s may expire at once)",
                error(Map.of("sticky", "false", "lockExpiration", "1")));
        assertEquals(Duration.ofSeconds(2),
                ManagerConfig.parse(Map.of("sticky", "false", "lockExpiration", "2")).lockExpiration());
        assertEquals(Duration.ofSeconds(1), ManagerConfig.parse(Map.of("sticky", "false", "lockExpiration", "1",
                "store", "redis")).lockExpiration(), "Redis expires keys by the millisecond");
        assertEquals(Duration.ofSeconds(1), ManagerConfig.parse(Map.of("lockExpiration", "1")).lockExpiration(),
                "sticky mode takes no locks: an old setting does not stop the context");
    }

    @Test
    void badValues_NameAttributeValueAndAccepted() {
        assertEquals("Invalid value [ture] for attribute [sticky]; accepted values are [true, false]",
                error(Map.of("sticky", "ture")));
        assertEquals("Invalid value [sometimes] for attribute [lockingMode]; accepted values are [none, all, auto, "
                + "uriPattern:<regular expression>]", error(Map.of("lockingMode", "sometimes")));
        assertEquals("Invalid value [fast] for attribute [operationTimeout]; accepted is a number of milliseconds "
                + "from 1 to 600000", error(Map.of("operationTimeout", "fast")));
        assertTrue(error(Map.of("lockExpiration", "0")).startsWith("Invalid value [0] for attribute [lockExpiration]; "
                + "accepted is an integer from 1 to 3600"), error(Map.of("lockExpiration", "0")));
        assertTrue(error(Map.of("sticky", "false", "lockExpiration", "1")).startsWith("Invalid value [1] for "
                + "attribute [lockExpiration]"), "a lock of 1 s is barely a lock on memcached (issue 14)");
        assertTrue(error(Map.of("requestUriIgnorePattern", "(")).startsWith(
                "Invalid value [(] for attribute [requestUriIgnorePattern]; accepted is a Java regular expression"));
        assertTrue(error(Map.of("onLockTimeout", "retry")).contains("[fail, proceed]")
                || error(Map.of("onLockTimeout", "retry")).contains("[proceed, fail]"));
        assertTrue(error(Map.of("encryptionKeys", "k1:notbase64!")).startsWith(
                "Invalid value [***] for attribute [encryptionKeys]"), "the key itself must not be echoed");
        assertTrue(error(Map.of("serializer", "java", "transcoderFactoryClass", "x"))
                .contains("[serializer] and [transcoderFactoryClass]"));
    }

    @Test
    void msmNamesAndForms_Accepted() {
        ManagerConfig c = ManagerConfig.parse(Map.of("sticky", "FALSE", "lockingMode", "uriPattern:/cart/.*",
                "transcoderFactoryClass", "de.javakaffee.web.msm.serializer.kryo.KryoTranscoderFactory",
                "memcachedNodes", "redis://127.0.0.1:6379"));
        assertFalse(c.sticky());
        assertEquals(LockingMode.URI_PATTERN, c.lockingMode());
        assertTrue(c.lockUriPattern().matcher("/cart/add").matches());
        assertEquals("kryo", c.serializer());
        assertEquals("redis", c.store());
        assertEquals("couchbase", ManagerConfig.parse(Map.of("memcachedNodes", "http://h:8091/pools")).store());
        assertEquals(LockingMode.AUTO, ManagerConfig.parse(Map.of("lockingMode", "Auto")).lockingMode());
    }

    @Test
    void integrityKeys_SameFormatAsEncryptionKeys_KeysNeverEchoed() {
        String k1 = Base64.getEncoder().encodeToString(new byte[16]);
        String k2 = Base64.getEncoder().encodeToString(new byte[64]);
        ManagerConfig c = ManagerConfig.parse(Map.of("integrityKeys", "2026b:" + k2 + ", 2026a:" + k1));
        assertEquals("2026b", c.integrity().currentKeyId());
        assertTrue(c.hashesIds());
        assertTrue(c.authenticatesValues());
        assertTrue(error(Map.of("integrityKeys", "a:" + Base64.getEncoder().encodeToString(new byte[15])))
                .startsWith("Invalid value [***] for attribute [integrityKeys]; accepted is a comma-separated list"));
        assertTrue(error(Map.of("integrityKeys", "a:" + k1, "integrityKeyFile", "/x"))
                .contains("[integrityKeys] and [integrityKeyFile]"));
        assertEquals("Invalid value [***] for attribute [storageKeySecret]; accepted is "
                + ManagerConfig.STORAGE_KEY_SECRET_ACCEPTED, error(Map.of("storageKeySecret", "c2hvcnQ=")));
        ManagerConfig secretOnly = ManagerConfig.parse(Map.of("storageKeySecret", k1));
        assertTrue(secretOnly.hashesIds());
        assertFalse(secretOnly.authenticatesValues());
    }

    @Test
    void encryptionKeys_NewestFirst() {
        String k1 = Base64.getEncoder().encodeToString(new byte[16]);
        String k2 = Base64.getEncoder().encodeToString(new byte[32]);
        ManagerConfig c = ManagerConfig.parse(Map.of("encryptionKeys", "2026b:" + k2 + ", 2026a:" + k1));
        assertEquals("2026b", c.cipher().currentKeyId());
        assertTrue(error(Map.of("encryptionKeys", "a:" + k1 + ",a:" + k2)).contains("encryptionKeys"));
        assertTrue(error(Map.of("encryptionKeys", "a:" + Base64.getEncoder().encodeToString(new byte[15])))
                .contains("16, 24 or 32 bytes"));
    }

    @Test
    void everyCheckedAttribute_BadValue_MessageNamesItAndItsDeclaredAcceptedValues_Issue13() {
        for (Attribute a : List.of(Attributes.STICKY, Attributes.ENABLED, Attributes.LOCKING_MODE,
                Attributes.LOCK_EXPIRATION, Attributes.LOCK_TIMEOUT, Attributes.ON_LOCK_TIMEOUT,
                Attributes.MAX_LOCK_WAITERS, Attributes.ON_STORE_UNAVAILABLE, Attributes.OPERATION_TIMEOUT,
                Attributes.SESSION_BACKUP_ASYNC, Attributes.SESSION_BACKUP_TIMEOUT, Attributes.SESSION_BACKUP_INTERVAL,
                Attributes.BACKUP_THREAD_COUNT, Attributes.MAX_INACTIVE_INTERVAL, Attributes.COMPRESSION_THRESHOLD,
                Attributes.MAX_SESSION_BYTES)) {
            assertEquals(a.invalid("x").getMessage(), error(Map.of(a.name(), "x")), a.name());
            assertTrue(a.invalid("x").getMessage().startsWith("Invalid value [x] for attribute [" + a.name()
                    + "]; accepted "), a.name());
        }
        assertEquals(Attributes.STORAGE_KEY_SECRET.invalid("***").getMessage(),
                error(Map.of("storageKeySecret", "x")), "the secret is not echoed");
    }
}

package dev.msm.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.SessionStore;
import dev.msm.api.Unit;

@Unit
class StorageKeysTest {

    private static final SessionId ID = new SessionId("0123456789ABCDEF", "n1", "a");

    @Test
    void prefixTokens_AsMsm() {
        assertEquals("0123456789ABCDEF-n1", StorageKeys.of("", "h", "/c", "").session(ID));
        assertEquals("shop_0123456789ABCDEF-n1", StorageKeys.of("static:shop", "h", "/c", "").session(ID));
        assertEquals("localhost:-2Fcart_0123456789ABCDEF-n1",
                StorageKeys.of("host,context", "localhost", "/cart", "").session(ID));
        assertEquals("0123456789ABCDEF-n1", StorageKeys.of("webappVersion", "h", "/c", "").session(ID));
        assertEquals("002_0123456789ABCDEF-n1", StorageKeys.of("webappVersion", "h", "/c", "002").session(ID));
        String hashed = StorageKeys.of("host.hash,context.hash", "localhost", "/cart", "").session(ID);
        assertTrue(hashed.matches("[0-9a-f]{8}:[0-9a-f]{8}_0123456789ABCDEF-n1"), hashed);
    }

    @Test
    void defaultNamespace_OnePerApplication() {
        String app = StorageKeys.of(null, "localhost", "/app", "").session(ID);
        assertTrue(app.matches("[0-9a-f]{8}:[0-9a-f]{8}_0123456789ABCDEF-n1"), app);
        assertNotEquals(app, StorageKeys.of(null, "localhost", "/app2", "").session(ID));
        assertNotEquals(app, StorageKeys.of(null, "other.example", "/app", "").session(ID));
        assertNotEquals(app, StorageKeys.of(null, "localhost", "/app", "002").session(ID));
        assertNotEquals(app, StorageKeys.of(null, "localhost", "", "").session(ID));
        assertEquals(app, StorageKeys.of(StorageKeys.DEFAULT_PREFIX, "localhost", "/app", "")
                .session(ID));
    }

    @Test
    void explicitPrefix_SharedByTwoApplications() {
        StorageKeys app = StorageKeys.of("static:shared", "localhost", "/app", "", null, true);
        StorageKeys app2 = StorageKeys.of("static:shared", "localhost", "/app2", "", null, true);
        assertEquals(app.session(ID), app2.session(ID));
        assertEquals(app.namespace(), app2.namespace());
    }

    @Test
    void withSecret_NoKeyRevealsTheId_AndEveryKeyHasTheSameHashTag() {
        byte[] secret = new byte[32];
        secret[0] = 7;
        StorageKeys keys = StorageKeys.of(null, "localhost", "/app", "", secret, true);
        List<String> all = List.of(keys.session(ID), keys.backup(ID), keys.lock(ID), keys.expiryClaim(ID));
        String tag = all.get(0).substring(all.get(0).lastIndexOf(':') + 1);
        for (String key : all) {
            assertFalse(key.contains("0123456789ABCDEF") || key.toLowerCase().contains("0123456789abcdef"), key);
            assertTrue(key.endsWith(tag), key + " vs " + tag);
            SessionStore.checkKey(key);
            assertTrue(key.length() < 100, key);
        }
        assertTrue(tag.matches("[0-9a-f]{8}_[0-9a-f]{32}"), tag);
        // the same on every Tomcat with the same configuration, per thread and after a rebuild
        assertEquals(keys.session(ID), StorageKeys.of(null, "localhost", "/app", "", secret.clone(), true)
                .session(ID));
        // another secret, another application, another session: another key
        byte[] other = secret.clone();
        other[1] = 1;
        assertNotEquals(keys.session(ID), StorageKeys.of(null, "localhost", "/app", "", other, true).session(ID));
        assertNotEquals(keys.session(ID), StorageKeys.of(null, "localhost", "/app2", "", secret, true)
                .session(ID));
        assertNotEquals(keys.session(ID), keys.session(ID.withNode("n2")));
        assertEquals(keys.session(ID), keys.session(ID.withRoute("b")), "the route is not part of the key");
    }

    @Test
    void keysHashedWithoutStorageKeySecret_StableAndHidingIds() {
        StorageKeys keys = StorageKeys.of(null, "localhost", "/app", "", null, true);
        assertFalse(keys.session(ID).contains("0123456789ABCDEF"));
        assertEquals(keys.session(ID), StorageKeys.of(null, "localhost", "/app", "", null, true).session(ID));
    }

    @Test
    void keysOfOneSession() {
        StorageKeys keys = StorageKeys.of("static:s", "h", "/c", "");
        assertEquals("bak:s_0123456789ABCDEF-n1", keys.backup(ID));
        assertEquals("lock:s_0123456789ABCDEF-n1", keys.lock(ID));
        assertEquals("exp:s_0123456789ABCDEF-n1", keys.expiryClaim(ID));
        SessionStore.checkKey(keys.backup(ID));
    }

    @Test
    void unknownToken_NamesAttributeAndAcceptedTokens() {
        InvalidAttributeException e = assertThrows(InvalidAttributeException.class,
                () -> StorageKeys.of("host,bogus", "h", "/c", ""));
        assertEquals("Invalid value [host,bogus] for attribute [storageKeyPrefix]; accepted is "
                + StorageKeys.ACCEPTED, e.getMessage());
    }

    @Test
    void escapedContextNames_NeverCollide() {
        String a = StorageKeys.of("context", "h", "/a/b", "").prefix();
        String b = StorageKeys.of("context", "h", "/a_b", "").prefix();
        assertTrue(!a.equals(b), a + " vs " + b);
        SessionStore.checkKey(StorageKeys.of("context", "h", "/caf\u00e9 shop", "").session(ID));
    }
}

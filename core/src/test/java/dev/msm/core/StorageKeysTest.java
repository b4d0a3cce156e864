package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.SessionStore;

class StorageKeysTest {

    private static final SessionId ID = new SessionId("0123456789ABCDEF", "n1", "a");

    @Test
    void prefixTokens_AsMsm() {
        assertEquals("0123456789ABCDEF-n1", StorageKeys.of(null, "h", "/c", "").session(ID));
        assertEquals("shop_0123456789ABCDEF-n1", StorageKeys.of("static:shop", "h", "/c", "").session(ID));
        assertEquals("localhost:-2Fcart_0123456789ABCDEF-n1",
                StorageKeys.of("host,context", "localhost", "/cart", "").session(ID));
        assertEquals("0123456789ABCDEF-n1", StorageKeys.of("webappVersion", "h", "/c", "").session(ID));
        assertEquals("002_0123456789ABCDEF-n1", StorageKeys.of("webappVersion", "h", "/c", "002").session(ID));
        String hashed = StorageKeys.of("host.hash,context.hash", "localhost", "/cart", "").session(ID);
        assertTrue(hashed.matches("[0-9a-f]{8}:[0-9a-f]{8}_0123456789ABCDEF-n1"), hashed);
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

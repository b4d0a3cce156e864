package dev.msm.couchbase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.SessionStoreProvider;
import dev.msm.api.Settings;
import dev.msm.api.Unit;

/**
 * Attribute parsing and every configuration message; no server.
 */
@Unit
class CouchbaseStoreProviderTest {

    private static final String ACCEPTED = "accepted is a Couchbase connection string such as couchbase://host1,host2"
            + " or couchbases://host (host:port=kv and host:port=manager for other ports, ?name=value for SDK options"
            + " other than timeouts), or MSM's http://host:8091/pools URLs";

    private static Settings settings(String... pairs) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("password", "pw");
        for (int i = 0; i < pairs.length; i += 2) {
            attributes.put(pairs[i], pairs[i + 1]);
        }
        attributes.values().removeIf(v -> v == null);
        return new Settings(attributes, Duration.ofMillis(500), "/test");
    }

    private static CouchbaseConfig config(String... pairs) {
        return CouchbaseConfig.parse(settings(pairs));
    }

    private static InvalidAttributeException invalid(String... pairs) {
        return assertThrows(InvalidAttributeException.class, () -> config(pairs));
    }

    private static void assertInvalid(String attribute, String message, String... pairs) {
        InvalidAttributeException e = invalid(pairs);
        assertEquals(attribute, e.attribute());
        assertEquals(message, e.getMessage());
    }

    @Test
    void provider_IsFoundByNameAndListsItsAttributes() {
        SessionStoreProvider found = ServiceLoader.load(SessionStoreProvider.class, getClass().getClassLoader())
                .stream().map(ServiceLoader.Provider::get).filter(p -> "couchbase".equals(p.name())).findFirst()
                .orElseThrow();
        assertTrue(found instanceof CouchbaseStoreProvider);
        assertEquals(Set.of("couchbaseConnectionString", "memcachedNodes", "couchbaseBucket",
                "couchbaseScope", "couchbaseCollection", "username", "password", "couchbaseConnectTimeout",
                "couchbaseMaxValueBytes"), found.attributeNames());
    }

    @Test
    void defaults() {
        CouchbaseConfig c = config("couchbaseConnectionString", "couchbase://cb1,cb2", "couchbaseBucket", "sessions",
                "password", "pw");
        assertEquals("couchbase://cb1,cb2", c.connectionString());
        assertEquals("couchbaseConnectionString", c.connectionStringAttribute());
        assertEquals("_default", c.scope());
        assertEquals("_default", c.collection());
        assertEquals("sessions", c.username());
        assertEquals("pw", c.password());
        assertEquals(Duration.ofSeconds(10), c.connectTimeout());
        assertEquals(20 * 1024 * 1024 - 1024, c.maxValueBytes());
        assertEquals("couchbase [bucket sessions at cb1,cb2]", c.describe());
    }

    @Test
    void everyAttributeSet() {
        CouchbaseConfig c = config("couchbaseConnectionString", "couchbases://u@cb1:11207=kv?io.numKvConnections=2",
                "couchbaseBucket", "app_sessions", "couchbaseScope", "web", "couchbaseCollection", "sessions",
                "username", "msm", "password", " secret ", "couchbaseConnectTimeout", "2500",
                "couchbaseMaxValueBytes", "1048576");
        assertEquals("msm", c.username());
        assertEquals(" secret ", c.password(), "a password is taken as written");
        assertEquals(Duration.ofMillis(2500), c.connectTimeout());
        assertEquals(1048576, c.maxValueBytes());
        assertEquals("couchbase [bucket app_sessions, collection web.sessions at cb1:11207=kv]", c.describe());
        assertFalse(c.toString().contains("secret"), c.toString());
    }

    @Test
    void memcachedNodes_WithCouchbaseUrl_IsTheConnectionString() {
        CouchbaseConfig c = config("memcachedNodes", "couchbase://cb1", "couchbaseBucket", "b");
        assertEquals("couchbase://cb1", c.connectionString());
        assertEquals("memcachedNodes", c.connectionStringAttribute());
        assertEquals("couchbases://cb1", config("memcachedNodes", "couchbases://cb1", "couchbaseBucket", "b")
                .connectionString());
    }

    @Test
    void msmPoolsUrls_AreTranslated() {
        assertEquals("couchbase://cb1,cb2", config("memcachedNodes", "http://cb1:8091/pools http://cb2:8091/pools",
                "couchbaseBucket", "b").connectionString());
        assertEquals("couchbase://cb1:9000=manager,cb2,cb3", config("memcachedNodes",
                "HTTP://cb1:9000/pools/, http://cb2/pools,http://cb3:8091", "couchbaseBucket", "b")
                .connectionString());
        assertEquals("couchbase://127.0.0.1", config("couchbaseConnectionString", "http://127.0.0.1:8091/pools",
                "couchbaseBucket", "b").connectionString());
    }

    @Test
    void connectionString_Missing() {
        assertInvalid("couchbaseConnectionString", "Attribute [couchbaseConnectionString] is required for store"
                + " [couchbase] (or [memcachedNodes] holding a couchbase://, couchbases:// or http://host:8091/pools"
                + " address)", "couchbaseBucket", "b");
    }

    @Test
    void connectionString_AndMemcachedNodes_Conflict() {
        assertInvalid("couchbaseConnectionString", "Attributes [couchbaseConnectionString] and [memcachedNodes]"
                + " cannot both be set for store [couchbase]; keep [couchbaseConnectionString]",
                "couchbaseConnectionString", "couchbase://a", "memcachedNodes", "http://a:8091/pools",
                "couchbaseBucket", "b");
    }

    @Test
    void memcachedNodes_OfMemcached_IsRejected() {
        assertInvalid("memcachedNodes", "Invalid value [n1:127.0.0.1:11211] for attribute [memcachedNodes]; "
                + ACCEPTED, "memcachedNodes", "n1:127.0.0.1:11211", "couchbaseBucket", "b");
    }

    @Test
    void connectionString_Malformed() {
        assertInvalid("couchbaseConnectionString", "Invalid value [couchbase://cb1:abc] for attribute"
                + " [couchbaseConnectionString]; " + ACCEPTED + " (Malformed address: cb1:abc)",
                "couchbaseConnectionString", "couchbase://cb1:abc", "couchbaseBucket", "b");
        assertInvalid("couchbaseConnectionString", "Invalid value [couchbase://] for attribute"
                + " [couchbaseConnectionString]; " + ACCEPTED + " (Expected at least one address, but found none.)",
                "couchbaseConnectionString", "couchbase://", "couchbaseBucket", "b");
    }

    @Test
    void connectionString_OtherScheme() {
        for (String value : new String[] {"cb1,cb2", "couchbase2://cb1", "https://cb1:18091/pools", "memcached://x"}) {
            assertInvalid("couchbaseConnectionString", "Invalid value [" + value + "] for attribute"
                    + " [couchbaseConnectionString]; " + ACCEPTED, "couchbaseConnectionString", value,
                    "couchbaseBucket", "b");
        }
    }

    @Test
    void connectionString_WithTimeoutParameter() {
        assertInvalid("couchbaseConnectionString", "Invalid value [couchbase://cb1?timeout.kvTimeout=5s] for"
                + " attribute [couchbaseConnectionString]; " + ACCEPTED + " (timeouts come from the operation timeout"
                + " and [couchbaseConnectTimeout], not from [timeout.kvTimeout])",
                "couchbaseConnectionString", "couchbase://cb1?timeout.kvTimeout=5s", "couchbaseBucket", "b");
    }

    @Test
    void poolsUrl_Malformed() {
        for (String value : new String[] {"http://cb1:8091/other", "http://cb1:8091/pools?x=1", "http://u@cb1/pools",
            "http://cb1/pools http://", "http://cb1 /pools"}) {
            assertInvalid("memcachedNodes", "Invalid value [" + value + "] for attribute [memcachedNodes]; "
                    + ACCEPTED, "memcachedNodes", value, "couchbaseBucket", "b");
        }
    }

    @Test
    void bucket_Missing() {
        assertInvalid("couchbaseBucket", "Attribute [couchbaseBucket] is required for store [couchbase]",
                "couchbaseConnectionString", "couchbase://a");
    }

    @Test
    void password_Missing() {
        for (String value : new String[] {null, "", "  "}) {
            assertInvalid("password", "Attribute [password] is required for store [couchbase] (Couchbase 5 and"
                    + " later have no anonymous access)", "couchbaseConnectionString", "couchbase://a",
                    "couchbaseBucket", "b", "password", value);
        }
    }

    @Test
    void bucket_Malformed() {
        for (String value : new String[] {".hidden", "a b", "x".repeat(101), "b/c"}) {
            assertInvalid("couchbaseBucket", "Invalid value [" + value + "] for attribute [couchbaseBucket];"
                    + " accepted is a bucket name of 1 to 100 characters from [A-Za-z0-9._%-], not starting with a"
                    + " dot", "couchbaseConnectionString", "couchbase://a", "couchbaseBucket", value);
        }
    }

    @Test
    void scopeAndCollection_Malformed() {
        String accepted = "; accepted is _default or a name of 1 to 251 characters from [A-Za-z0-9_%-], not"
                + " starting with _ or %";
        assertInvalid("couchbaseScope", "Invalid value [_system] for attribute [couchbaseScope]" + accepted,
                "couchbaseConnectionString", "couchbase://a", "couchbaseBucket", "b", "couchbaseScope", "_system",
                "couchbaseCollection", "c");
        assertInvalid("couchbaseCollection", "Invalid value [%c] for attribute [couchbaseCollection]" + accepted,
                "couchbaseConnectionString", "couchbase://a", "couchbaseBucket", "b", "couchbaseCollection", "%c");
        assertInvalid("couchbaseCollection", "Invalid value [a.b] for attribute [couchbaseCollection]" + accepted,
                "couchbaseConnectionString", "couchbase://a", "couchbaseBucket", "b", "couchbaseCollection", "a.b");
    }

    @Test
    void scope_WithoutCollection() {
        assertInvalid("couchbaseCollection", "Attribute [couchbaseCollection] is required for store [couchbase]"
                + " when [couchbaseScope] is set to [web]: only scope [_default] has a collection [_default]",
                "couchbaseConnectionString", "couchbase://a", "couchbaseBucket", "b", "couchbaseScope", "web");
    }

    @Test
    void collection_InDefaultScope_IsAccepted() {
        CouchbaseConfig c = config("couchbaseConnectionString", "couchbase://a", "couchbaseBucket", "b",
                "couchbaseCollection", "sessions");
        assertEquals("_default", c.scope());
        assertEquals("sessions", c.collection());
    }

    @Test
    void connectTimeout_Malformed() {
        for (String value : new String[] {"abc", "99", "300001", "1.5"}) {
            assertInvalid("couchbaseConnectTimeout", "Invalid value [" + value + "] for attribute"
                    + " [couchbaseConnectTimeout]; accepted is a number of milliseconds from 100 to 300000",
                    "couchbaseConnectionString", "couchbase://a", "couchbaseBucket", "b",
                    "couchbaseConnectTimeout", value);
        }
    }

    @Test
    void maxValueBytes_Malformed() {
        for (String value : new String[] {"1MB", "1023", "20971521"}) {
            assertInvalid("couchbaseMaxValueBytes", "Invalid value [" + value + "] for attribute"
                    + " [couchbaseMaxValueBytes]; accepted is an integer from 1024 to 20971520",
                    "couchbaseConnectionString", "couchbase://a", "couchbaseBucket", "b",
                    "couchbaseMaxValueBytes", value);
        }
    }

    @Test
    void create_ManagementPortWithoutType_IsRejectedByTheSdk() {
        InvalidAttributeException e = assertThrows(InvalidAttributeException.class,
                () -> new CouchbaseStoreProvider().create(settings("couchbaseConnectionString",
                        "couchbase://127.0.0.1:8091", "couchbaseBucket", "b")).close());
        assertEquals("couchbaseConnectionString", e.attribute());
        assertTrue(e.getMessage().startsWith("Invalid value [couchbase://127.0.0.1:8091] for attribute"
                + " [couchbaseConnectionString]; " + ACCEPTED + " (InvalidArgumentException: Specifying 8091"),
                e.getMessage());
    }
}

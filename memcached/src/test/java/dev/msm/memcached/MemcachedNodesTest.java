package dev.msm.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.SessionStoreProvider;
import dev.msm.api.Settings;
import dev.msm.api.StoreNode;
import dev.msm.api.Unit;

/**
 * Parsing of {@code memcachedNodes}, {@code failoverNodes} and the other attributes, and the message of every
 * configuration error. No server is needed.
 */
@Unit
class MemcachedNodesTest {

    private static final String ACCEPTED = "accepted is " + MemcachedConfig.NODES_ACCEPTED;

    private static MemcachedConfig parse(String... keyValues) {
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            attributes.put(keyValues[i], keyValues[i + 1]);
        }
        return MemcachedConfig.parse(new Settings(attributes, Duration.ofSeconds(1), "/test"));
    }

    private static InvalidAttributeException invalid(String... keyValues) {
        return assertThrows(InvalidAttributeException.class, () -> parse(keyValues));
    }

    // ------------------------------------------------------------------ accepted forms

    @Test
    void nodes_IdHostPort_SpaceSeparated() {
        MemcachedConfig config = parse("memcachedNodes", "n1:127.0.0.1:11211 n2:cache-2.example.com:11212");
        assertEquals(List.of(new StoreNode("n1", "127.0.0.1:11211", false),
                new StoreNode("n2", "cache-2.example.com:11212", false)), config.storeNodes());
    }

    @Test
    void nodes_CommaAndMixedSeparators() {
        MemcachedConfig config = parse("memcachedNodes", " n1:a:1,n2:b:2 , n3:c:65535\n\tN_4:d:11211 ");
        assertEquals(List.of("n1", "n2", "n3", "N_4"), config.storeNodes().stream().map(StoreNode::id).toList());
        assertEquals("c:65535", config.storeNodes().get(2).address());
    }

    @Test
    void nodes_SingleHostPortWithoutId_IsNodeN1() {
        MemcachedConfig config = parse("memcachedNodes", "localhost:11211");
        assertEquals(List.of(new StoreNode("n1", "localhost:11211", false)), config.storeNodes());
    }

    @Test
    void nodes_IdOf32Characters_IsAccepted() {
        String id = "a".repeat(32);
        assertEquals(id, parse("memcachedNodes", id + ":h:1").storeNodes().get(0).id());
    }

    @Test
    void failoverNodes_AreListedAfterRegularNodesInConfiguredOrder() {
        MemcachedConfig config = parse("memcachedNodes", "n1:h1:1 n2:h2:2 n3:h3:3 n4:h4:4",
                "failoverNodes", "n3,n1");
        assertEquals(List.of(new StoreNode("n2", "h2:2", false), new StoreNode("n4", "h4:4", false),
                new StoreNode("n1", "h1:1", true), new StoreNode("n3", "h3:3", true)), config.storeNodes());
    }

    @Test
    void failoverNodes_Blank_MeansNone() {
        MemcachedConfig config = parse("memcachedNodes", "n1:h1:1 n2:h2:2", "failoverNodes", "  ");
        assertFalse(config.storeNodes().stream().anyMatch(StoreNode::failover));
    }

    @Test
    void defaults() {
        MemcachedConfig config = parse("memcachedNodes", "n1:h:1");
        assertEquals(MemcachedProtocol.BINARY, config.protocol());
        assertNull(config.username());
        assertEquals(1048576, config.itemSizeMax());
        assertEquals(1048576 - 1024, config.maxValueBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "TEXT", " Text "})
    void protocol_Text_AnyCase(String value) {
        assertEquals(MemcachedProtocol.TEXT, parse("memcachedNodes", "n1:h:1", "memcachedProtocol", value).protocol());
    }

    @Test
    void protocol_Binary_AnyCase() {
        assertEquals(MemcachedProtocol.BINARY,
                parse("memcachedNodes", "n1:h:1", "memcachedProtocol", "Binary").protocol());
    }

    @Test
    void sasl_WithBinary_IsAcceptedAndHiddenFromToString() {
        MemcachedConfig config = parse("memcachedNodes", "n1:h:1", "username", "msm", "password", "s3cret");
        assertEquals("msm", config.username());
        assertFalse(config.toString().contains("s3cret"), config.toString());
    }

    @Test
    void itemSizeMax_IsRead() {
        MemcachedConfig config = parse("memcachedNodes", "n1:h:1", "memcachedItemSizeMax", "2097152");
        assertEquals(2097152 - 1024, config.maxValueBytes());
    }

    // ------------------------------------------------------------------ errors

    @Test
    void missingNodes_IsAnError() {
        InvalidAttributeException e = invalid("memcachedProtocol", "binary");
        assertEquals("memcachedNodes", e.attribute());
        assertEquals("Attribute [memcachedNodes] is required for store [memcached]", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "n1:localhost", "n1:localhost:", "n1::11211", ":localhost:11211",
        "n1:localhost:0", "n1:localhost:65536", "n1:localhost:123456", "n1:localhost:-1", "n1:localhost:port",
        "n-1:localhost:11211", "n1:local_host:11211", "n1:-host:11211", "n1:host.:11211", "n1:256.0.0.1:11211",
        "n1:1.2.3:11211", "n1:[::1]:11211", "n1:h:1:2", "n1:h\u00e9:1",
        "n123456789012345678901234567890123:h:1"})
    void malformedNode_NamesTheNodeAndTheAcceptedForm(String token) {
        InvalidAttributeException e = invalid("memcachedNodes", token);
        assertEquals("memcachedNodes", e.attribute());
        assertEquals("Invalid value [" + token + "] for attribute [memcachedNodes]; " + ACCEPTED, e.getMessage());
    }

    @Test
    void hostPortWithoutId_AmongSeveral_IsAnError() {
        InvalidAttributeException e = invalid("memcachedNodes", "n1:h1:1 h2:2");
        assertEquals("Invalid value [h2:2] for attribute [memcachedNodes]; " + ACCEPTED, e.getMessage());
    }

    @Test
    void malformedNode_AfterGoodOnes_NamesOnlyTheBadOne() {
        InvalidAttributeException e = invalid("memcachedNodes", "n1:h1:1, n2:h2:99999");
        assertEquals("Invalid value [n2:h2:99999] for attribute [memcachedNodes]; " + ACCEPTED, e.getMessage());
    }

    @Test
    void duplicateId_IsAnError() {
        InvalidAttributeException e = invalid("memcachedNodes", "n1:h1:1 n1:h2:2");
        assertEquals("memcachedNodes", e.attribute());
        assertEquals("Invalid value [n1:h1:1 n1:h2:2] for attribute [memcachedNodes]; accepted is unique node ids "
                + "and addresses; node id [n1] appears twice", e.getMessage());
    }

    @Test
    void duplicateAddress_IsAnError() {
        InvalidAttributeException e = invalid("memcachedNodes", "n1:Cache:11211 n2:cache:11211");
        assertEquals("Invalid value [n1:Cache:11211 n2:cache:11211] for attribute [memcachedNodes]; accepted is "
                + "unique node ids and addresses; address [cache:11211] appears twice", e.getMessage());
    }

    @Test
    void failoverNodes_UnknownId_IsAnError() {
        InvalidAttributeException e = invalid("memcachedNodes", "n1:h1:1 n2:h2:2", "failoverNodes", "n2 n3");
        assertEquals("failoverNodes", e.attribute());
        assertEquals("Invalid value [n2 n3] for attribute [failoverNodes]; accepted is ids of nodes in attribute "
                + "[memcachedNodes] [n1, n2], separated by spaces or commas; [n3] is not one", e.getMessage());
    }

    @Test
    void failoverNodes_EveryNode_IsAnError() {
        InvalidAttributeException e = invalid("memcachedNodes", "n1:h1:1 n2:h2:2", "failoverNodes", "n2,n1");
        assertEquals("failoverNodes", e.attribute());
        assertEquals("Invalid value [n2,n1] for attribute [failoverNodes]; accepted is some of the node ids in "
                + "attribute [memcachedNodes] [n1, n2] but not all: at least one node must be a regular node",
                e.getMessage());
    }

    @Test
    void failoverNodes_TheSingleNode_IsAnError() {
        InvalidAttributeException e = invalid("memcachedNodes", "localhost:11211", "failoverNodes", "n1");
        assertEquals("Invalid value [n1] for attribute [failoverNodes]; accepted is some of the node ids in "
                + "attribute [memcachedNodes] [n1] but not all: at least one node must be a regular node",
                e.getMessage());
    }

    @Test
    void protocol_Unknown_IsAnError() {
        InvalidAttributeException e = invalid("memcachedNodes", "n1:h:1", "memcachedProtocol", "meta");
        assertEquals("memcachedProtocol", e.attribute());
        assertEquals("Invalid value [meta] for attribute [memcachedProtocol]; accepted values are [binary, text]",
                e.getMessage());
    }

    @Test
    void username_WithTextProtocol_NamesBothAttributes() {
        InvalidAttributeException e = invalid("memcachedNodes", "n1:h:1", "memcachedProtocol", "text",
                "username", "msm", "password", "s3cret");
        assertEquals("username", e.attribute());
        assertEquals("Attribute [username] needs [memcachedProtocol] binary: memcached's text protocol has no SASL "
                + "authentication", e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
    }

    @Test
    void username_WithoutPassword_IsAnError() {
        InvalidAttributeException e = invalid("memcachedNodes", "n1:h:1", "username", "msm");
        assertEquals("password", e.attribute());
        assertEquals("Attribute [password] is required when [username] is set", e.getMessage());
    }

    @Test
    void password_WithoutUsername_IsAnError() {
        InvalidAttributeException e = invalid("memcachedNodes", "n1:h:1", "password", "s3cret");
        assertEquals("username", e.attribute());
        assertEquals("Attribute [username] is required when [password] is set", e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1m", "4095", "1073741825", "-1", "lots"})
    void itemSizeMax_OutOfRange_IsAnError(String value) {
        InvalidAttributeException e = invalid("memcachedNodes", "n1:h:1", "memcachedItemSizeMax", value);
        assertEquals("memcachedItemSizeMax", e.attribute());
        assertEquals("Invalid value [" + value + "] for attribute [memcachedItemSizeMax]; accepted is an integer "
                + "from 4096 to 1073741824", e.getMessage());
    }

    // ------------------------------------------------------------------ provider

    @Test
    void provider_IsFoundByNameWithItsAttributes() {
        SessionStoreProvider provider = ServiceLoader.load(SessionStoreProvider.class,
                        MemcachedNodesTest.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("memcached")).findFirst().orElseThrow();
        assertTrue(provider instanceof MemcachedStoreProvider);
        assertEquals(Set.of("memcachedNodes", "failoverNodes", "memcachedProtocol", "username", "password",
                "memcachedItemSizeMax"), provider.attributeNames());
    }

    @Test
    void provider_InvalidAttribute_FailsBeforeConnecting() {
        Settings settings = new Settings(Map.of("memcachedNodes", "n1:h:0"), Duration.ofSeconds(1), "/test");
        assertThrows(InvalidAttributeException.class, () -> new MemcachedStoreProvider().create(settings));
    }
}

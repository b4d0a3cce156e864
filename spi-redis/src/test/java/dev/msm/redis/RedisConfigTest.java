package dev.msm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.msm.api.InvalidAttributeException;
import dev.msm.api.Settings;
import dev.msm.api.Unit;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;

/**
 * Parsing of the {@code redis} store's attributes: every error names the attribute, the value (passwords masked)
 * and what is accepted. No server is needed.
 */
@Unit
class RedisConfigTest {

    private static Settings settings(String... nameValue) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            map.put(nameValue[i], nameValue[i + 1]);
        }
        return new Settings(map, Duration.ofSeconds(1), "/test");
    }

    private static InvalidAttributeException invalid(String... nameValue) {
        InvalidAttributeException e = assertThrows(InvalidAttributeException.class,
                () -> RedisConfig.parse(settings(nameValue)));
        assertFalse(e.getMessage().contains("secret"), "password in message: " + e.getMessage());
        return e;
    }

    private static RedisCredentials credentials(RedisURI uri) {
        return uri.getCredentialsProvider().resolveCredentials().block(Duration.ofSeconds(1));
    }

    // ------------------------------------------------------------------ accepted configurations

    @Test
    void redisUrl_Standalone_DefaultsAndDescription() {
        RedisConfig config = RedisConfig.parse(settings("redisUrl", "redis://127.0.0.1:6380"));
        assertEquals(RedisConfig.Mode.STANDALONE, config.mode());
        assertEquals("redis [127.0.0.1:6380]", config.description());
        assertEquals(4 * 1024 * 1024, config.maxValueBytes());
        assertEquals(0, config.uris().get(0).getDatabase());
    }

    @Test
    void redisUrl_PasswordDatabaseTls_NotInDescription() {
        RedisConfig config = RedisConfig.parse(settings("redisUrl", "rediss://:secret@redis.example.com/3"));
        assertEquals("redis [redis.example.com:6379 database 3 tls]", config.description());
        assertEquals("secret", new String(credentials(config.uris().get(0)).getPassword()));
    }

    @Test
    void memcachedNodes_WithRedisUri_IsAcceptedAsMsmUsersWroteIt() {
        RedisConfig config = RedisConfig.parse(settings("memcachedNodes", "REDIS://127.0.0.1:6379"));
        assertEquals("redis [127.0.0.1:6379]", config.description());
    }

    @Test
    void usernameAndPassword_OverrideTheUri() {
        RedisConfig config = RedisConfig.parse(settings("redisUrl", "redis://bob:other@127.0.0.1", "username",
                "alice", "password", "secret"));
        RedisCredentials credentials = credentials(config.uris().get(0));
        assertEquals("alice", credentials.getUsername());
        assertEquals("secret", new String(credentials.getPassword()));
    }

    @Test
    void passwordAlone_OverridesTheUri() {
        RedisConfig config = RedisConfig.parse(settings("redisUrl", "redis://127.0.0.1", "password", "secret"));
        assertEquals("secret", new String(credentials(config.uris().get(0)).getPassword()));
    }

    @Test
    void redisSentinelMaster_WithPlainUris_AddressesSentinels() {
        RedisConfig config = RedisConfig.parse(settings("redisUrl", "redis://:secret@10.0.0.1:26379/2, "
                + "redis://10.0.0.2:26380", "redisSentinelMaster", "mymaster"));
        assertEquals(RedisConfig.Mode.SENTINEL, config.mode());
        assertEquals("redis [sentinel mymaster at 10.0.0.1:26379, 10.0.0.2:26380 database 2]", config.description());
        RedisURI uri = config.uris().get(0);
        assertEquals("mymaster", uri.getSentinelMasterId());
        assertEquals(2, uri.getSentinels().size());
        assertEquals("secret", new String(credentials(uri).getPassword()));
    }

    @Test
    void redisSentinelUri_WithMasterInFragment() {
        RedisConfig config = RedisConfig.parse(settings("redisUrl",
                "redis-sentinel://10.0.0.1:26379,10.0.0.2:26380#mymaster"));
        assertEquals("redis [sentinel mymaster at 10.0.0.1:26379, 10.0.0.2:26380]", config.description());
    }

    @Test
    void redisSentinelUri_MasterAttributeWins() {
        RedisConfig config = RedisConfig.parse(settings("redisUrl", "redis-sentinel://10.0.0.1#old",
                "redisSentinelMaster", "new"));
        assertEquals("new", config.uris().get(0).getSentinelMasterId());
    }

    @Test
    void redisSentinelUri_WithoutMaster_TakesTheAttribute() {
        RedisConfig config = RedisConfig.parse(settings("redisUrl", "redis-sentinel://10.0.0.1:26379",
                "redisSentinelMaster", "mymaster"));
        assertEquals("redis [sentinel mymaster at 10.0.0.1:26379]", config.description());
    }

    @Test
    void redisUrl_Ipv6() {
        assertEquals("redis [[::1]:6379]", RedisConfig.parse(settings("redisUrl", "redis://[::1]:6379"))
                .description());
    }

    @Test
    void redisCluster_SeedUrisSeparatedByCommasOrSpaces() {
        RedisConfig config = RedisConfig.parse(settings("redisUrl", "redis://10.0.0.1:7000,redis://10.0.0.2:7001 "
                + "redis://10.0.0.3:7002", "redisCluster", "TRUE", "password", "secret"));
        assertEquals(RedisConfig.Mode.CLUSTER, config.mode());
        assertEquals("redis [cluster 10.0.0.1:7000, 10.0.0.2:7001, 10.0.0.3:7002]", config.description());
        for (RedisURI uri : config.uris()) {
            assertEquals("secret", new String(credentials(uri).getPassword()));
        }
    }

    @Test
    void redisMaxValueBytes_IsRead() {
        assertEquals(1024, RedisConfig.parse(settings("redisUrl", "redis://h", "redisMaxValueBytes", "1024"))
                .maxValueBytes());
    }

    @Test
    void redisWaitReplicas_DefaultsToNoneAndIsRead() {
        assertEquals(0, RedisConfig.parse(settings("redisUrl", "redis://h")).waitReplicas());
        assertEquals(1, RedisConfig.parse(settings("redisUrl", "redis://h", "redisWaitReplicas", "1"))
                .waitReplicas());
    }

    @Test
    void provider_ListsItsAttributes() {
        RedisStoreProvider provider = new RedisStoreProvider();
        assertEquals("redis", provider.name());
        assertEquals(Set.of("redisUrl", "memcachedNodes", "redisSentinelMaster", "redisCluster", "username",
                "password", "redisMaxValueBytes", "redisWaitReplicas"), provider.attributeNames());
    }

    // ------------------------------------------------------------------ errors

    @Test
    void redisUrl_Missing() {
        InvalidAttributeException e = invalid();
        assertEquals("redisUrl", e.attribute());
        assertEquals("Attribute [redisUrl] is required for store [redis]", e.getMessage());
    }

    @Test
    void redisUrlAndMemcachedNodes_Both() {
        assertEquals("Attributes [redisUrl] and [memcachedNodes] both name the Redis server; set only [redisUrl]",
                invalid("redisUrl", "redis://a", "memcachedNodes", "redis://b").getMessage());
    }

    @Test
    void memcachedNodes_NotARedisUri() {
        InvalidAttributeException e = invalid("memcachedNodes", "n1:127.0.0.1:11211");
        assertEquals("memcachedNodes", e.attribute());
        assertEquals("Invalid value [n1:127.0.0.1:11211] for attribute [memcachedNodes]; accepted is a redis:// or "
                + "rediss:// URI for store [redis] (or use attribute [redisUrl])", e.getMessage());
    }

    @Test
    void redisUrl_OtherScheme() {
        assertEquals("Invalid value [http://***@host:6379] for attribute [redisUrl]; accepted is "
                + RedisConfig.ACCEPTED_URL, invalid("redisUrl", "http://user:secret@host:6379").getMessage());
        assertEquals("Invalid value [localhost:6379] for attribute [redisUrl]; accepted is "
                + RedisConfig.ACCEPTED_URL, invalid("redisUrl", "localhost:6379").getMessage());
        assertTrue(invalid("redisUrl", "redis-socket:///tmp/redis.sock").getMessage()
                .startsWith("Invalid value [redis-socket:///tmp/redis.sock] for attribute [redisUrl]"));
    }

    @Test
    void redisUrl_Unparseable_NamesThePartAndMasksThePassword() {
        String message = invalid("redisUrl", "redis://:secret@host:notaport").getMessage();
        assertTrue(message.startsWith("Invalid value [redis://***@host:notaport] for attribute [redisUrl]; "
                + "accepted is " + RedisConfig.ACCEPTED_URL + " ("), message);
        assertTrue(message.endsWith(" in [redis://***@host:notaport])"), message);
    }

    @Test
    void redisUrl_PortOutOfRange() {
        assertTrue(invalid("redisUrl", "redis://host:99999").getMessage().endsWith(
                " (Port out of range: 99999 in [redis://host:99999])"));
    }

    @Test
    void redisUrl_WithoutHost() {
        String message = invalid("redisUrl", "redis://").getMessage();
        assertTrue(message.startsWith("Invalid value [redis://] for attribute [redisUrl]; accepted is "), message);
    }

    @Test
    void redisUrl_SeveralUrisWithoutClusterOrSentinel() {
        assertEquals("Invalid value [redis://***@a redis://b] for attribute [redisUrl]; accepted is one redis:// "
                + "or rediss:// URI; several URIs need [redisCluster=true] (seed nodes) or [redisSentinelMaster] "
                + "(Sentinels)", invalid("redisUrl", "redis://:secret@a redis://b").getMessage());
    }

    @Test
    void redisCluster_NotABoolean() {
        InvalidAttributeException e = invalid("redisUrl", "redis://a", "redisCluster", "yes");
        assertEquals("redisCluster", e.attribute());
        assertEquals("Invalid value [yes] for attribute [redisCluster]; accepted values are [true, false]",
                e.getMessage());
    }

    @Test
    void redisCluster_WithSentinelMaster() {
        assertEquals("Attributes [redisCluster] and [redisSentinelMaster] both choose how to find Redis; set only "
                + "one of them", invalid("redisUrl", "redis://a", "redisCluster", "true", "redisSentinelMaster",
                "m").getMessage());
    }

    @Test
    void redisCluster_WithDatabase() {
        assertEquals("Invalid value [redis://a/1] for attribute [redisUrl]; accepted is URIs without a database "
                + "with [redisCluster=true] (Redis Cluster only has database 0)",
                invalid("redisUrl", "redis://a/1", "redisCluster", "true").getMessage());
    }

    @Test
    void redisCluster_WithSentinelUri() {
        assertEquals("Invalid value [redis-sentinel://a#m] for attribute [redisUrl]; accepted is redis:// or "
                + "rediss:// seed node URIs with [redisCluster=true]",
                invalid("redisUrl", "redis-sentinel://a#m", "redisCluster", "true").getMessage());
    }

    @Test
    void redisSentinelUri_WithoutMaster() {
        InvalidAttributeException e = invalid("redisUrl", "redis-sentinel://:secret@a:26379");
        assertEquals("redisSentinelMaster", e.attribute());
        assertEquals("Attribute [redisSentinelMaster] is required for [redis-sentinel://***@a:26379], which names "
                + "no master (add #master to it)", e.getMessage());
    }

    @Test
    void redisSentinelUri_Twice() {
        assertEquals("Invalid value [redis-sentinel://a#m redis-sentinel://b#m] for attribute [redisUrl]; "
                + "accepted is one redis-sentinel:// URI listing all Sentinels, e.g. "
                + "redis-sentinel://host1:26379,host2:26379#master",
                invalid("redisUrl", "redis-sentinel://a#m redis-sentinel://b#m").getMessage());
    }

    @Test
    void username_WithoutPassword() {
        InvalidAttributeException e = invalid("redisUrl", "redis://a", "username", "alice");
        assertEquals("password", e.attribute());
        assertEquals("Attribute [password] is required for attribute [username] (an ACL user needs a password)",
                e.getMessage());
    }

    @Test
    void redisMaxValueBytes_OutOfRangeOrNotANumber() {
        for (String bad : List.of("1023", "268435457", "4MB")) {
            InvalidAttributeException e = invalid("redisUrl", "redis://a", "redisMaxValueBytes", bad);
            assertEquals("Invalid value [" + bad + "] for attribute [redisMaxValueBytes]; accepted is an integer "
                    + "from 1024 to 268435456", e.getMessage());
        }
    }

    @Test
    void redisWaitReplicas_OutOfRangeOrNotANumber() {
        for (String bad : List.of("-1", "17", "one", "true")) {
            InvalidAttributeException e = invalid("redisUrl", "redis://a", "redisWaitReplicas", bad);
            assertEquals("Invalid value [" + bad + "] for attribute [redisWaitReplicas]; accepted is an integer "
                    + "from 0 to 16", e.getMessage());
        }
    }

    @Test
    void mask_HidesUserInfoOfEveryUri() {
        assertEquals("redis://***@a:1 rediss://***@b/2 redis://c", RedisConfig.mask(
                "redis://alice:secret@a:1 rediss://:secret@b/2 redis://c"));
    }
}

package dev.msm.redis;

import java.util.List;

import dev.msm.api.Attribute;
import dev.msm.api.InvalidAttributeException;
import dev.msm.api.SessionStore;
import dev.msm.api.SessionStoreProvider;
import dev.msm.api.Settings;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import reactor.util.Loggers;

/**
 * The {@code redis} store: sessions in Redis 6.2 or newer (standalone, Sentinel or Cluster) through one shared
 * Lettuce connection. Redis distributes and replicates keys itself, so the store has no explicit nodes.
 *
 * <p>Attributes (all optional except the address):
 * <ul>
 * <li>{@code redisUrl} (required, no default): where Redis is, as Lettuce parses it:
 * {@code redis://[[user:]password@]host[:port][/database]} or {@code rediss://...} for TLS (the JVM's default trust
 * store verifies the server; {@code ?verifyPeer=NONE} turns verification off), e.g.
 * {@code redis://:secret@redis.example.com:6379/2}. Port 6379 and database 0 are the defaults. Several URIs are
 * separated by spaces or commas and need {@code redisCluster} (seed nodes) or {@code redisSentinelMaster}
 * (Sentinels). A single {@code redis-sentinel://[password@]host1:26379,host2:26379[/database]#master} URI is
 * accepted too.</li>
 * <li>{@code memcachedNodes}: MSM's attribute, accepted instead of {@code redisUrl} when it starts with
 * {@code redis://} or {@code rediss://} (as MSM 2 users configured Redis). Setting both is an error.</li>
 * <li>{@code redisSentinelMaster} (default none): the name of the master the Sentinels in {@code redisUrl} monitor;
 * the URIs then address Sentinels, and the first one's credentials and database apply to the data nodes.</li>
 * <li>{@code redisCluster} (default {@code false}): {@code true} to use Redis Cluster with the URIs in
 * {@code redisUrl} as seed nodes. Keys are then rewritten so that all keys of one session share a hash slot (see
 * {@link RedisSessionStore}). Cannot be combined with {@code redisSentinelMaster} or a database other than 0.</li>
 * <li>{@code username}, {@code password} (default: from the URI): credentials of the Redis data nodes, overriding
 * those in the URI; {@code username} (an ACL user, Redis 6+) needs {@code password}.</li>
 * <li>{@code redisMaxValueBytes} (default {@value RedisConfig#DEFAULT_MAX_VALUE_BYTES}, i.e. 4 MiB; from 1024 to
 * {@value RedisConfig#MAX_MAX_VALUE_BYTES}): the largest session, lock or record accepted, in bytes. A larger value
 * fails without reaching Redis.</li>
 * </ul>
 *
 * <p>Every operation fails with a {@link dev.msm.api.StoreTimeoutException} after the manager's
 * {@code operationTimeout}, and at once with a {@link dev.msm.api.StoreUnavailableException} while the connection
 * is down. The store reconnects by itself (attempts after 100 ms, growing to one per second).
 *
 * <p>Stateless and thread-safe.
 */
public final class RedisStoreProvider implements SessionStoreProvider {

    /** The store name, as written in {@code store="redis"}. */
    public static final String NAME = "redis";

    /**
     * Creates the provider; {@link java.util.ServiceLoader} calls this.
     */
    public RedisStoreProvider() {
        // stateless
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Attribute> attributes() {
        return RedisConfig.ATTRIBUTES;
    }

    /**
     * Parses the attributes and connects. Waits for the first connection attempt for a few seconds at most; when
     * Redis cannot be reached the store is returned anyway, unavailable, and keeps trying to connect.
     *
     * @throws InvalidAttributeException when an attribute is missing or malformed
     */
    @Override
    public SessionStore create(Settings settings) {
        // Lettuce, Netty and Reactor log through SLF4J when they find it. Inside Tomcat their messages belong in
        // JULI, which backs java.util.logging. In the drop-in jar these are the relocated copies, used by this store
        // only; this also keeps the relocated SLF4J API (a Lettuce dependency) from printing "no binding" warnings.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        Loggers.useJdkLoggers();
        return RedisSessionStore.connect(RedisConfig.parse(settings), settings);
    }
}
